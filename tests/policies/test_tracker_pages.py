"""The public tracker's pages: what they show, to whom, in which language, and what they never show."""

import csv
import io
import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from campaign.api.entry_point import entry_point
from campaign.api.models import Scope
from campaign.extensions import db
from campaign.policies import services, targets
from campaign.policies.models import Measure
from tests.pages import text_of
from tests.policies.tracker_world import build, record

HOSTILE = ["\x00", "%00", "x" * 10_000, "detainers:nonsense", "' OR 1=1 --", "<script>", "\xff\ufeff", "-1"]


@pytest.fixture
def world(db, make_user):
    return build(make_user)


def rows_of(page) -> set[tuple[str, str]]:
    """(FIPS, status) of the table's county rows for detainers."""
    html = page.get_data(as_text=True)
    found = re.findall(
        r'<tr data-fips="(\d+)" data-kind="detainers" data-status="(\w+)" data-type="county">', html
    )
    return set(found)


def test_the_tracker_counts_in_words_and_lists_every_public_policy(client, world):
    page = client.get("/policies")
    assert page.status_code == 200
    text = text_of(page)
    assert "3 cities and counties limit or refuse ICE detainers" in text  # Hennepin: records differ
    assert "Records differ" in text and "Coalition That Disagrees: Honors all" in text
    assert "Demo entry" in text
    assert "Maricopa" not in text and "Quiet record" not in text and "King County" not in text


def test_one_coalitions_tracker_shows_its_own_records(client, world):
    page = client.get(f"/c/{world.coalition.slug}/policies")
    assert "4 cities and counties limit or refuse ICE detainers" in text_of(page)
    assert "Coalition That Disagrees" not in text_of(page)
    assert 'data-status="differ"' not in page.get_data(as_text=True)


def test_the_map_holds_every_public_county_policy_and_nothing_private(client, world):
    data = client.get("/policies/map.json").get_json()
    assert data["counties"] == {
        "41005": "refuses",
        "27053": "differ",
        "42077": "conditions",
        "48201": "honors_all",
    }
    assert data["states"] == {"06": "limits"}
    assert data["links"]["41005"] == f"/policies/jurisdictions/{world.ids['clackamas']}"
    assert "04013" not in data["links"] and "53033" not in data["links"]
    own = client.get(f"/c/{world.coalition.slug}/policies/map.json").get_json()
    assert own["counties"]["27053"] == "refuses"
    assert (
        own["links"]["27053"] == f"/c/{world.coalition.slug}/policies/jurisdictions/{world.ids['hennepin']}"
    )
    rival = client.get(f"/c/{world.rival.slug}/policies/map.json").get_json()
    assert rival["counties"] == {"27053": "honors_all"}


def state_rows_of(page) -> set[tuple[str, str]]:
    """(FIPS, layer) of the table's state rows that make the map's state layer."""
    html = page.get_data(as_text=True)
    return set(re.findall(r'<tr data-fips="(\d\d)" [^>]*data-type="state" data-layer="(\w+)">', html))


def test_the_table_and_the_map_agree(client, world):
    illinois = services.jurisdiction_for_fips("17")
    record(world.coalition.id, illinois, "secure_communities", "suspended", date(2011, 5, 4))
    record(world.rival.id, illinois, "state_law", "requires", date(2012, 1, 1))
    db.session.commit()
    for prefix in ("", f"/c/{world.coalition.slug}", f"/c/{world.rival.slug}"):
        found = client.get(f"{prefix}/policies/map.json").get_json()
        page = client.get(f"{prefix}/policies")
        assert rows_of(page) == set(found["counties"].items()), prefix
        assert state_rows_of(page) == set(found["states"].items()), prefix


def test_one_coalitions_state_law_never_silently_repaints_anothers_state(client, world):
    illinois = services.jurisdiction_for_fips("17")
    record(world.coalition.id, illinois, "secure_communities", "suspended", date(2011, 5, 4))
    db.session.commit()
    assert client.get("/policies/map.json").get_json()["states"] == {"06": "limits", "17": "sc_left"}
    record(world.rival.id, illinois, "state_law", "requires", date(2012, 1, 1))
    record(world.rival.id, services.jurisdiction_for_fips("06"), "secure_communities", "active", None)
    db.session.commit()
    # Illinois: the rival's law against the coalition's leaving Secure Communities. California:
    # the rival's "still in Secure Communities" paints nothing, so the coalition's law stands.
    assert client.get("/policies/map.json").get_json()["states"] == {"06": "limits", "17": "differ"}
    own = client.get(f"/c/{world.coalition.slug}/policies/map.json").get_json()["states"]
    assert own["17"] == "sc_left"
    table = client.get("/policies", query_string={"state": "IL"})
    assert "State records differ" in text_of(table)
    assert "Oregon Families Together: Suspended" in text_of(table)
    assert "Coalition That Disagrees: Requires cooperation with ICE" in text_of(table)
    assert "State records differ" in text_of(client.get(f"/policies/jurisdictions/{illinois.id}"))
    client.get("/language/es")
    assert "Los registros del estado difieren" in text_of(
        client.get(f"/policies/jurisdictions/{illinois.id}")
    )


def test_an_imposter_coalition_cannot_repaint_a_county_silently(client, world):
    record(world.rival.id, services.jurisdiction_for_fips("41005"), "detainers", "honors_all", None)
    db.session.commit()
    assert client.get("/policies/map.json").get_json()["counties"]["41005"] == "differ"
    text = text_of(client.get(f"/policies/jurisdictions/{world.ids['clackamas']}"))
    assert "Records differ" in text
    assert "Oregon Families Together: Refuses" in text and "Coalition That Disagrees: Honors all" in text


def test_the_map_is_cached_publicly_and_answers_304_when_unchanged(client, world):
    first = client.get("/policies/map.json")
    assert first.headers["Cache-Control"] == "public, max-age=60" and first.headers["ETag"]
    again = client.get("/policies/map.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    record(world.coalition.id, services.jurisdiction_for_fips("41051"), "detainers", "refuses", None)
    db.session.commit()
    changed = client.get("/policies/map.json", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_json()["counties"]["41051"] == "refuses"


@pytest.mark.parametrize(
    "path",
    [
        "/policies/map.json",
        "/policies.csv",
        "/policies.json",
        "/c/{slug}/policies/map.json",
        "/policies/jurisdictions/{lehigh}/hearings.ics",
        "/c/{slug}/policies/jurisdictions/{lehigh}/hearings.ics",
    ],
)
def test_a_publicly_cached_answer_is_kept_apart_per_language_when_its_words_change(client, world, path):
    """A shared cache keys on the URL and the headers named in Vary: an answer whose words follow
    Accept-Language or the session's language must name them, else one reader gets another's."""
    measure = db.session.scalar(select(Measure).where(Measure.title == "Ordinance on ICE access"))
    measure.summary_en, measure.summary_es = "Hearing on the ordinance", "Audiencia sobre la ordenanza"
    db.session.commit()
    url = path.format(slug=world.coalition.slug, **world.ids)
    client.delete_cookie("session")
    english = client.get(url, headers={"Accept-Language": "en"})
    spanish = client.get(url, headers={"Accept-Language": "es"})
    client.get("/language/es")
    chosen = client.get(url, headers={"Accept-Language": "en"})
    for answer in (english, spanish, chosen):
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "public, max-age=60"
    vary = spanish.headers.get("Vary", "")
    if spanish.data != english.data:
        assert "Accept-Language" in vary, url
    if chosen.data != english.data:
        assert "Cookie" in chosen.headers.get("Vary", ""), url


def test_the_hearings_calendar_follows_the_readers_language_and_says_so(client, world):
    url = f"/policies/jurisdictions/{world.ids['lehigh']}/hearings.ics"
    measure = db.session.scalar(select(Measure).where(Measure.title == "Ordinance on ICE access"))
    measure.summary_en, measure.summary_es = "Hearing on the ordinance", "Audiencia sobre la ordenanza"
    db.session.commit()
    client.delete_cookie("session")
    spanish = client.get(url, headers={"Accept-Language": "es"})
    assert "Audiencia sobre la ordenanza" in spanish.get_data(as_text=True)
    assert "Accept-Language" in spanish.headers["Vary"] and spanish.headers["ETag"]
    english = client.get(url, headers={"Accept-Language": "en", "If-None-Match": spanish.headers["ETag"]})
    assert english.status_code == 200 and "Hearing on the ordinance" in english.get_data(as_text=True)


def test_the_tracker_in_spanish(client, world):
    client.get("/language/es")
    text = text_of(client.get("/policies"))
    assert "3 ciudades y condados limitan o rechazan las órdenes de retención de ICE" in text
    page = text_of(client.get(f"/policies/jurisdictions/{world.ids['clackamas']}"))
    assert "El alguacil dejó de cumplir las órdenes de ICE." in page and "2014-04" in page
    english_only = text_of(client.get(f"/policies/jurisdictions/{world.ids['hennepin']}"))
    assert "Los registros difieren" in english_only


def test_a_jurisdiction_page_shows_its_history_sources_and_public_hearings(client, world):
    text = text_of(client.get(f"/policies/jurisdictions/{world.ids['lehigh']}"))
    assert "Ordinance on ICE access" in text and "County courthouse" in text
    assert "Secret draft ordinance" not in text
    assert "Only with a judicial warrant" in text and "Demo entry" in text
    clackamas = client.get(f"/policies/jurisdictions/{world.ids['clackamas']}")
    assert "Last verified on November 30, 2026" in text_of(clackamas)
    assert 'href="https://example.org/clackamas"' in clackamas.get_data(as_text=True)


def test_a_source_without_a_link_is_listed_by_its_title_and_date(client, world):
    multnomah = services.jurisdiction_for_fips("41051")
    title = "Letter of the sheriff (NDLON)"
    record(world.coalition.id, multnomah, "detainers", "refuses", date(2014, 4, 22), source_title=title)
    db.session.commit()
    page = client.get(f"/policies/jurisdictions/{multnomah.id}")
    assert "2014-04 · Letter of the sheriff (NDLON)" in text_of(page)
    assert "No source is listed yet." not in text_of(page)
    assert "Letter of the sheriff (NDLON)</a>" not in page.get_data(as_text=True)  # nothing to follow
    table = client.get("/policies", query_string={"state": "OR"}).get_data(as_text=True)
    row = re.search(r'<tr data-fips="41051".*?</tr>', table, re.S).group(0)
    assert f'<td data-label="Source">{title}</td>' in row
    linked = re.search(r'<tr data-fips="41005".*?</tr>', table, re.S).group(0)
    assert 'href="https://example.org/clackamas"' in linked
    harris = text_of(client.get(f"/policies/jurisdictions/{world.ids['harris']}"))
    assert "No source is listed yet." in harris


def test_hearings_as_a_calendar_of_public_measures_only(client, world):
    calendar = client.get(f"/policies/jurisdictions/{world.ids['lehigh']}/hearings.ics")
    assert calendar.mimetype == "text/calendar"
    body = calendar.get_data(as_text=True)
    assert "Ordinance on ICE access" in body and "Secret draft" not in body
    assert "DTSTART:20990105T230000Z" in body


@pytest.mark.parametrize(
    "path",
    [
        "/policies/jurisdictions/{maricopa}",  # only a private entry
        "/policies/jurisdictions/999999",
        "/c/{silent}/policies",  # does not share
        "/c/{silent}/policies/map.json",
        "/c/{silent}/policies.csv",
        "/c/{rival}/policies/jurisdictions/{clackamas}",  # the rival records nothing there
        "/c/nobody-here/policies",
    ],
)
def test_what_is_not_public_is_not_found(client, world, path):
    filled = path.format(silent=world.silent.slug, rival=world.rival.slug, **world.ids)
    assert client.get(filled).status_code == 404


def test_the_downloads_hold_every_public_entry_and_no_private_one(client, world):
    document = client.get("/policies.json").get_json()
    entries = document["entries"]
    assert {entry["fips"] for entry in entries} == {"41005", "27053", "42077", "48201", "06", None}
    assert all(
        entry["summary_en"] not in ("Private draft about Maricopa", "Quiet record") for entry in entries
    )
    lehigh = next(entry for entry in entries if entry["fips"] == "42077")
    assert lehigh["demo"] is True and lehigh["conditions"] == ["judicial_warrant"]
    assert lehigh["coalition"] == "Oregon Families Together"
    response = client.get("/policies.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="policies-all.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == len(entries)
    assert "Maricopa" not in response.get_data(as_text=True)
    clackamas = next(row for row in rows if row["fips"] == "41005")
    assert clackamas["source_title"].startswith("'=")  # a spreadsheet shows it, never runs it
    own = client.get(f"/c/{world.rival.slug}/policies.json").get_json()
    assert [entry["coalition"] for entry in own["entries"]] == ["Coalition That Disagrees"]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["state", "status", "type", "from", "to", "page"])
def test_hostile_filters_never_fail(client, world, name, value):
    page = client.get("/policies", query_string={name: value})
    assert page.status_code == 200
    if name != "page" and value not in ("-1",):
        assert "Some filters were not understood" in text_of(page)


def test_bytes_that_are_not_utf8_in_the_query_never_fail(client, world):
    assert client.get("/policies?state=%ff%fe&status=%c0%80&from=%ed%a0%80").status_code == 200


def test_a_filtered_table_pages_with_its_filters(client, world):
    for number in range(60):
        record(world.coalition.id, services.city(f"Town {number:02d}", "41005"), "detainers", "refuses", None)
    db.session.commit()
    first = client.get("/policies", query_string={"state": "OR", "type": "city"})
    html = first.get_data(as_text=True)
    assert "Page 1 of 2" in text_of(first) and "state=OR" in html and "type=city" in html
    second = text_of(client.get("/policies", query_string={"state": "OR", "type": "city", "page": "2"}))
    assert "Town 59" in second and "Clackamas" not in second


def test_the_coalition_page_and_the_api_link_the_tracker(client, world, app):
    assert f"/c/{world.coalition.slug}/policies" in client.get(f"/c/{world.coalition.slug}").get_data(
        as_text=True
    )
    assert "/policies" not in client.get(f"/c/{world.silent.slug}").get_data(as_text=True).replace(
        'href="/policies"', ""
    )
    with app.test_request_context():
        links = entry_point(Scope.READ_COUNTS)["_links"]
    assert links["campaign_desk:policies"]["href"].endswith("/policies.json")


def test_a_jurisdiction_page_lists_the_campaigns_about_it(client, world, monkeypatch):
    asked = []

    def campaigns_about(jurisdiction_id, coalition_ids):
        asked.append((jurisdiction_id, coalition_ids))
        return [
            SimpleNamespace(
                title="Stop the holds",
                url="/petitions/stop",
                kind="petition",
                figures="1,204 signatures",
                won="Won: the ordinance passed",
            )
        ]

    monkeypatch.setattr(targets, "campaigns_about", campaigns_about)
    text = text_of(client.get(f"/c/{world.coalition.slug}/policies/jurisdictions/{world.ids['lehigh']}"))
    assert (
        "Petition Stop the holds" in text
        and "1,204 signatures" in text
        and "Won: the ordinance passed" in text
    )
    assert asked == [(world.ids["lehigh"], [world.coalition.id])]
    client.get(f"/policies/jurisdictions/{world.ids['lehigh']}")
    assert sorted(asked[-1][1]) == sorted([world.coalition.id, world.rival.id])  # never the quiet one


def test_an_empty_tracker_says_so(client, db, make_user):
    text = text_of(client.get("/policies"))
    assert "0 cities and counties limit or refuse ICE detainers" in text
    assert "No public policy is recorded yet." in text


def test_a_summary_says_which_language_it_is_in(client, world):
    path = f"/policies/jurisdictions/{world.ids['clackamas']}"
    assert '<span lang="en">The sheriff stopped honoring ICE holds.' in client.get(path).get_data(
        as_text=True
    )
    client.get("/language/es")
    assert '<span lang="es">El alguacil dejó' in client.get(path).get_data(as_text=True)
