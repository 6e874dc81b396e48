"""Hostile text already stored (an import's or another coalition's) reaches the public tracker's
page, files and calendar as text: never markup, never a second row, line or event."""

import csv
import io
from datetime import datetime

import pytest
from icalendar import Calendar

from campaign.policies import services
from tests.policies.tracker_world import build, record

HOSTILE = 'Town</script><script>alert(1)</script>"\r\nBcc: x\x00'


@pytest.fixture
def world(db, make_user):
    found = build(make_user)
    town = services.city(HOSTILE, "41005")
    record(
        found.coalition.id, town, "detainers", "refuses", None,
        summary_en=HOSTILE, source_url="javascript:alert(1)", source_title=HOSTILE,
    )  # fmt: skip
    services.create_measure(
        found.coalition.id, town, None,
        {"title": HOSTILE, "stage": "hearing", "next_hearing_at": datetime(2099, 3, 1, 18, 0),
         "next_hearing_place": HOSTILE, "time_zone": "America/Los_Angeles", "public": True},
    )  # fmt: skip
    db.session.commit()
    found.ids["town"] = town.id
    return found


def test_the_page_shows_stored_markup_as_text(client, world):
    for url in ("/policies", f"/policies/jurisdictions/{world.ids['town']}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html, url
        assert 'href="javascript:' not in html, url


def test_the_files_keep_stored_bytes_inside_one_value(client, world):
    entries = client.get("/policies.json").get_json()["entries"]
    town = next(entry for entry in entries if entry["summary_en"] == HOSTILE)
    assert "\n" not in town["jurisdiction"] and town["source_url"] == "javascript:alert(1)"
    text = client.get("/policies.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(entries)
    assert next(row for row in rows if row["id"] == str(town["id"]))["summary_en"] == HOSTILE


def test_the_calendar_keeps_stored_line_breaks_inside_one_event(client, world):
    answer = client.get(f"/policies/jurisdictions/{world.ids['town']}/hearings.ics")
    calendar = Calendar.from_ical(answer.data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1 and str(events[0]["summary"]) == HOSTILE.replace("\r\n", "\n")
    assert "\n" not in str(calendar["x-wr-calname"]) and "\x00" not in str(calendar["x-wr-calname"])
    assert b"\r\nBcc: x" not in answer.data
