"""The measure pages: adding one by place name, its history, its hearing, the one-click alert."""

from datetime import datetime, timedelta
from urllib.parse import quote_from_bytes

import pytest
from sqlalchemy import select

from campaign.coalitions.models import Role
from campaign.extensions import db
from campaign.notifications import audience
from campaign.notifications.models import Message, MessageState
from campaign.policies.models import Jurisdiction, Measure, MeasureStep

NEW = {
    "level": "county",
    "state": "CA",
    "county_name": "Alameda",
    "city_name": "",
    "title": "Sanctuary ordinance",
    "body": "Board of Supervisors",
    "introduced_on": "2026-11-03",
    "summary_en": "",
    "summary_es": "",
    "source_url": "",
    "once": "a" * 22,
}
FUTURE = (datetime.now() + timedelta(days=30)).strftime("%Y-%m-%dT18:00")


def base(coalition, measure=None):
    url = f"/coalitions/{coalition.slug}/policies/measures"
    return f"{url}/{measure.id}" if measure else url


def test_an_organizer_adds_a_county_measure_by_name_and_the_form_sent_twice_adds_one(client, coalition):
    first = client.post(f"{base(coalition)}/new", data=NEW)
    again = client.post(f"{base(coalition)}/new", data=NEW)
    measure = db.session.scalar(select(Measure))
    assert first.status_code == again.status_code == 302
    assert first.location == again.location == base(coalition, measure)
    assert db.session.query(Measure).count() == 1
    assert (measure.jurisdiction.fips, measure.time_zone) == ("06001", "America/Los_Angeles")
    page = client.get(base(coalition, measure)).get_data(as_text=True)
    assert "Alameda County, CA" in page and "Introduced" in page


def test_a_city_needs_its_county_and_a_state_needs_nothing_more(client, coalition):
    city = NEW | {"level": "city", "city_name": "Oakland"}
    response = client.post(f"{base(coalition)}/new", data=city | {"county_name": ""})
    assert "Enter the county&#39;s name." in response.get_data(as_text=True)
    assert 'value="Oakland"' in response.get_data(as_text=True)
    client.post(f"{base(coalition)}/new", data=city | {"once": "b" * 22})
    client.post(f"{base(coalition)}/new", data=NEW | {"level": "state", "county_name": "", "once": "c" * 22})
    places = db.session.execute(select(Jurisdiction.kind, Jurisdiction.name).order_by(Jurisdiction.id)).all()
    assert places == [("city", "Oakland"), ("state", "California")]


def test_a_name_two_places_share_is_asked_about(client, coalition):
    richmond = NEW | {"state": "VA", "county_name": "Richmond"}
    asked = client.post(f"{base(coalition)}/new", data=richmond).get_data(as_text=True)
    assert "Virginia has more than one place of that name" in asked
    assert "Richmond County, VA" in asked and "Richmond (independent city), VA" in asked
    assert db.session.query(Measure).count() == 0
    client.post(f"{base(coalition)}/new", data=richmond | {"county_fips": "51760"})
    assert db.session.scalar(select(Measure)).jurisdiction.fips == "51760"


def test_an_unknown_county_or_a_fips_not_offered_is_refused(client, coalition):
    page = client.post(f"{base(coalition)}/new", data=NEW | {"county_name": "Atlantis"}).get_data(
        as_text=True
    )
    assert "No county of that name" in page and 'value="Atlantis"' in page
    forged = NEW | {"state": "VA", "county_name": "Richmond", "county_fips": "06001"}
    assert "Choose one of the options offered" in client.post(f"{base(coalition)}/new", data=forged).get_data(
        as_text=True
    )
    assert db.session.query(Measure).count() == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Sanctuary\x00 ordinance", "invisible control characters"),
        ("Sanctuary\r\nordinance", "single line"),
        ("x" * 10_000, "200"),
    ],
)
def test_hostile_titles_are_refused_and_what_was_typed_kept(client, coalition, value, message):
    page = client.post(f"{base(coalition)}/new", data=NEW | {"title": value, "body": "City Council"})
    text = page.get_data(as_text=True)
    assert message in text and 'value="City Council"' in text
    assert db.session.query(Measure).count() == 0


def test_a_lone_surrogate_is_no_500(client, coalition):
    fields = NEW | {"title": "Ordinance \ud800"}
    body = "&".join(
        f"{name}={quote_from_bytes(value.encode('utf-8', 'surrogatepass'))}" for name, value in fields.items()
    )
    response = client.post(
        f"{base(coalition)}/new", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 302)


def test_the_stage_moves_back_and_forth_and_the_page_shows_the_whole_history(client, coalition, add_measure):
    measure = add_measure()
    for stage, note in (("failed", ""), ("vote", "Failed was a mistake")):
        client.post(
            f"{base(coalition, measure)}/stage",
            data={"stage": stage, "reached_on": "2026-11-20", "note": note},
        )
    page = client.get(base(coalition, measure)).get_data(as_text=True)
    assert page.count("<li><strong>") == 3 and "Failed was a mistake" in page
    assert [s.stage for s in db.session.scalars(select(MeasureStep).order_by(MeasureStep.id))] == [
        "introduced",
        "failed",
        "vote",
    ]


def test_a_stage_not_in_the_choices_is_refused_and_the_note_kept(client, coalition, add_measure):
    measure = add_measure()
    response = client.post(
        f"{base(coalition, measure)}/stage",
        data={"stage": "repealed", "reached_on": "2026-11-20", "note": "Kept note"},
    )
    assert response.status_code == 400
    assert 'value="Kept note"' in response.get_data(as_text=True)
    assert measure.stage == "introduced"


def test_a_hearing_in_the_past_is_refused_and_the_place_kept(client, coalition, add_measure):
    measure = add_measure()
    response = client.post(
        f"{base(coalition, measure)}/hearing", data={"when": "2020-01-07T18:00", "place": "Room 400"}
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert (
        "That time has passed" in text and 'value="Room 400"' in text and 'value="2020-01-07T18:00"' in text
    )
    assert measure.next_hearing_at is None


def test_the_hearing_is_shown_in_the_jurisdictions_time(client, coalition, add_measure):
    measure = add_measure("42101")  # Philadelphia, Eastern
    client.post(f"{base(coalition, measure)}/hearing", data={"when": FUTURE, "place": "City Hall, Room 400"})
    listed = client.get(base(coalition)).get_data(as_text=True)
    assert "6:00\u202fPM E" in listed and "City Hall, Room 400" in listed


def _with_hearing(client, coalition, measure):
    client.post(f"{base(coalition, measure)}/hearing", data={"when": FUTURE, "place": "Oakland City Hall"})


def test_one_click_writes_one_draft_to_the_supporters_there_in_both_languages(
    client, coalition, add_supporter, add_measure
):
    there = add_supporter("there@example.org", "94612")
    add_supporter("sf@example.org", "94110")
    measure = add_measure()
    _with_hearing(client, coalition, measure)
    page = client.get(base(coalition, measure)).get_data(as_text=True)
    assert "Alert supporters in Alameda County, CA" in page
    first = client.post(f"{base(coalition, measure)}/alert")
    again = client.post(f"{base(coalition, measure)}/alert")
    alert = db.session.scalar(select(Message))
    assert db.session.query(Message).count() == 1 and alert.state == MessageState.DRAFT
    assert first.location == again.location == f"/coalitions/{coalition.slug}/alerts/{alert.id}"
    assert alert.audience == {"source": "jurisdiction", "source_id": measure.id}
    assert set(db.session.scalars(audience.recipients(coalition.id, alert.audience))) == {there.id}
    assert (
        alert.subject.startswith("The City Council votes ") and "6:00\u202fPM: come testify." in alert.subject
    )
    assert "Oakland City Hall" in alert.body and measure.title in alert.body
    assert alert.subject_es.startswith("City Council vota el ") and "18:00" in alert.subject_es
    assert "Oakland City Hall" in alert.body_es
    assert "1 supporter will receive this alert" in client.get(first.location).get_data(as_text=True)


def test_a_new_hearing_time_gets_its_own_draft(client, coalition, add_supporter, add_measure):
    add_supporter("there@example.org", "94612")
    measure = add_measure()
    _with_hearing(client, coalition, measure)
    first = client.post(f"{base(coalition, measure)}/alert")
    later = (datetime.now() + timedelta(days=40)).strftime("%Y-%m-%dT18:00")
    client.post(f"{base(coalition, measure)}/hearing", data={"when": later, "place": "Oakland City Hall"})
    again = client.post(f"{base(coalition, measure)}/alert")
    alert = db.session.scalar(select(Message))  # the first, of the old time, was withdrawn (test_drafts.py)
    assert again.location == f"/coalitions/{coalition.slug}/alerts/{alert.id}" and first.status_code == 302
    assert alert.dedupe_key.endswith(f"{measure.next_hearing_at:%Y%m%dT%H%M}")


def test_with_nobody_there_no_draft_is_written(client, coalition, add_supporter, add_measure):
    add_supporter("philly@example.org", "19107")
    measure = add_measure()
    _with_hearing(client, coalition, measure)
    response = client.post(f"{base(coalition, measure)}/alert", follow_redirects=True)
    assert "nobody to alert" in response.get_data(as_text=True)
    assert db.session.query(Message).count() == 0


def test_a_hearing_gone_by_writes_no_alert(client, coalition, add_supporter, add_measure):
    add_supporter("there@example.org", "94612")
    measure = add_measure()
    measure.next_hearing_at = datetime(2026, 1, 6, 2)
    db.session.commit()
    assert "Alert supporters in" not in client.get(base(coalition, measure)).get_data(as_text=True)
    response = client.post(f"{base(coalition, measure)}/alert", follow_redirects=True)
    assert "already taken place" in response.get_data(as_text=True)
    assert db.session.query(Message).count() == 0


def test_the_measure_page_speaks_spanish(client, coalition, add_measure):
    measure = add_measure()
    _with_hearing(client, coalition, measure)
    client.get("/language/es")
    page = client.get(base(coalition, measure)).get_data(as_text=True)
    assert "Historial" in page and "Avisar a quienes apoyan en Condado de Alameda, CA" in page


def test_another_coalition_finds_nothing_and_a_viewer_changes_nothing(
    client, coalition, other_coalition, add_measure, as_role, make_user, login
):
    theirs = add_measure(of=other_coalition)
    assert client.get(base(coalition, theirs)).status_code == 404
    assert client.post(f"{base(coalition, theirs)}/delete").status_code == 404
    ours = add_measure()
    as_role(Role.VIEWER, "viewer@example.org")
    assert client.get(base(coalition, ours)).status_code == 200
    for action in ("stage", "hearing", "alert", "delete", "edit"):
        assert client.post(f"{base(coalition, ours)}/{action}", data={"stage": "failed"}).status_code == 403
    assert client.post(f"{base(coalition)}/new", data=NEW).status_code == 403
    assert db.session.query(Measure).count() == 2 and ours.stage == "introduced"


def test_deleting_a_measure(client, coalition, add_measure):
    measure = add_measure()
    response = client.post(f"{base(coalition, measure)}/delete")
    assert response.location == base(coalition)
    assert db.session.query(Measure).count() == 0


def test_editing_keeps_the_place_and_changes_the_fields(client, coalition, add_measure):
    measure = add_measure()
    fields = {
        name: NEW[name]
        for name in ("title", "body", "introduced_on", "summary_en", "summary_es", "source_url")
    }
    client.post(f"{base(coalition, measure)}/edit", data=fields | {"title": "Renamed", "public": "y"})
    assert (measure.title, measure.public, measure.jurisdiction.fips) == ("Renamed", True, "06001")


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://files.example.org/ordinance.pdf", "http://["])
def test_a_measures_source_is_a_web_address_as_an_entrys_is(client, coalition, link):
    response = client.post(f"{base(coalition)}/new", data=NEW | {"source_url": link})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and db.session.query(Measure).count() == 0
    assert "Enter a web address starting with https:// or http://." in page and "Sanctuary ordinance" in page
