"""Organizers record and keep up policy entries: the forms, the revisions, the list and the page."""

from datetime import date, timedelta
from io import BytesIO
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from campaign.coalitions.models import Role
from campaign.extensions import db
from campaign.policies.models import PolicyEntry, PolicyRevision, PolicySourceFile
from tests.pages import text_of
from tests.policies.entry_forms import PDF, entry_form, post_new


def entries_of(coalition) -> list[PolicyEntry]:
    return db.session.scalars(select(PolicyEntry).where(PolicyEntry.coalition_id == coalition.id)).all()


@pytest.fixture
def recorded(client, coalition):
    response = post_new(client, coalition)
    assert response.status_code == 302, text_of(response)
    return entries_of(coalition)[0]


def test_an_organizer_records_a_county_policy_and_its_first_revision(client, coalition, recorded):
    assert recorded.jurisdiction.fips == "41005"
    assert (recorded.kind, recorded.status, recorded.body) == ("detainers", "refuses", "Sheriff")
    assert recorded.adopted_on == date(2014, 4, 16) and recorded.public is False
    revision = db.session.scalars(select(PolicyRevision)).one()
    assert revision.account_id == coalition.roles[0].user_id
    assert revision.source_url == "https://www.oregonlive.com/ice-holds"
    assert revision.changes["status"] == [None, "refuses"]
    page = text_of(client.get(f"/coalitions/{coalition.slug}/policies"))
    assert "Clackamas County, OR" in page and "Refuses" in page and "Private" in page


def test_the_same_form_sent_twice_records_once(client, coalition):
    assert post_new(client, coalition).status_code == 302
    assert post_new(client, coalition).status_code == 302
    assert len(entries_of(coalition)) == 1
    assert db.session.scalar(select(func.count(PolicyRevision.id))) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": "jail"}, "Choose a status of the kind"),
        ({"kind": "bribes"}, "Choose one of the options offered"),
        ({"status": "maybe"}, "Choose one of the options offered"),
        ({"state": "ZZ"}, "Choose one of the options offered"),
        ({"body": "Sheriff\x00"}, "invisible control characters"),
        ({"body": "Sheriff\r\nBcc: x"}, "single line"),
        ({"summary_en": "x" * 10_000}, "600"),
        ({"adopted_on": "2014-02-30"}, "Enter a date as year-month-day"),
        ({"adopted_on": "1850-01-01"}, "Enter a date between"),
        ({"effective_on": (date.today() + timedelta(days=365 * 6)).isoformat()}, "Enter a date between 1900"),
        ({"ended_on": "2013-01-01"}, "The end cannot be before"),
        ({"source_url": "javascript:alert(1)"}, "starting with https://"),
        ({"source_url": "data:text/html,hi"}, "starting with https://"),
        ({"verified_on": (date.today() + timedelta(days=2)).isoformat()}, "today or before"),
        ({"votes_for": "many"}, "Enter a whole number"),
        ({"conditions": "64"}, "Choose only among the options offered"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_what_was_typed_is_kept(
    client, coalition, overrides, message
):
    response = post_new(client, coalition, **overrides)
    assert response.status_code == 400
    assert message in text_of(response)
    page = response.get_data(as_text=True)
    assert 'value="Clackamas"' in page and "El alguacil dejó de acatar" in page
    assert 'value="https://www.oregonlive.com/ice-holds"' in page or "source_url" in overrides
    assert entries_of(coalition) == []


def test_a_lone_surrogate_is_never_stored_nor_a_500(client, coalition):
    """A form body cannot carry a lone surrogate but as its UTF-8 bytes, which are read as U+FFFD."""
    body = urlencode({k: v for k, v in entry_form().items() if k != "name"}) + "&name=Ley%20%ED%A0%80"
    response = client.post(
        f"/coalitions/{coalition.slug}/policies/new",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 400)
    assert all("\ud800" not in entry.name for entry in entries_of(coalition))


def test_a_file_renamed_pdf_and_an_11_mb_pdf_are_refused(client, coalition):
    for name, data in (
        ("order.pdf", b"<html><script>alert(1)</script>"),
        ("big.pdf", PDF + b"0" * (11 << 20)),
    ):
        form = entry_form(source_pdf=(BytesIO(data), name))
        response = client.post(
            f"/coalitions/{coalition.slug}/policies/new", data=form, content_type="multipart/form-data"
        )
        assert response.status_code == 400, name
        assert "Choose a PDF file under 10 MB" in text_of(response)
        assert 'value="Clackamas"' in response.get_data(as_text=True)
    assert (
        entries_of(coalition) == [] and db.session.scalar(select(func.count(PolicySourceFile.entry_id))) == 0
    )


def test_an_unknown_county_suggests_close_names_and_an_ambiguous_one_asks(client, coalition):
    response = post_new(client, coalition, county_name="Clakamas")
    assert "No county of that name in Oregon" in text_of(response) and "Clackamas" in text_of(response)
    response = post_new(client, coalition, state="VA", county_name="Richmond")
    page = text_of(response)
    assert "more than one place of that name" in page
    assert "Richmond County, VA" in page and "Richmond (independent city), VA" in page
    assert (
        post_new(client, coalition, state="VA", county_name="Richmond", county_fips="51760").status_code
        == 302
    )
    assert entries_of(coalition)[0].jurisdiction.name == "Richmond"
    assert entries_of(coalition)[0].jurisdiction.fips == "51760"


def test_a_city_and_a_state(client, coalition):
    city = {"level": "city", "state": "CA", "county_name": "Alameda", "city_name": "Oakland"}
    assert (
        post_new(client, coalition, **city, kind="resolution", status="opposes", votes_for="8").status_code
        == 302
    )
    assert post_new(client, coalition, level="state", state="CA", county_name="", kind="state_law",
                    status="limits", once="s" * 22).status_code == 302  # fmt: skip
    places = sorted((entry.jurisdiction.kind, entry.jurisdiction.name) for entry in entries_of(coalition))
    assert places == [("city", "Oakland"), ("state", "California")]
    assert post_new(client, coalition, level="city", city_name="", once="c" * 22).status_code == 400


def test_an_edit_records_who_what_and_the_source_of_the_change(client, coalition, recorded):
    url = f"/coalitions/{coalition.slug}/policies/{recorded.id}/edit"
    assert 'value="https://www.oregonlive.com/ice-holds"' in client.get(url).get_data(as_text=True)
    form = entry_form(status="conditions", conditions=["1", "4"], change_source="https://example.org/minutes")
    assert client.post(url, data=form).status_code == 302
    db.session.expire_all()
    assert recorded.status == "conditions" and recorded.conditions == 5
    revision = db.session.scalars(select(PolicyRevision).order_by(PolicyRevision.id.desc())).first()
    assert revision.source_url == "https://example.org/minutes"
    assert revision.changes == {"status": ["refuses", "conditions"], "conditions": [0, 5]}
    page = text_of(client.get(f"/coalitions/{coalition.slug}/policies/{recorded.id}"))
    assert "Status: Refuses → Honors only with conditions" in page
    assert "Only with a judicial warrant, No longer than 48 hours" in page and "Ana Organizer" in page


def test_an_edit_with_bad_input_loses_nothing_saved(client, coalition, recorded):
    url = f"/coalitions/{coalition.slug}/policies/{recorded.id}/edit"
    response = client.post(url, data=entry_form(status="task_force", body="County Board"))
    assert response.status_code == 400 and 'value="County Board"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert (recorded.status, recorded.body) == ("refuses", "Sheriff")


def test_mark_verified_today_and_delete(client, coalition, recorded):
    base = f"/coalitions/{coalition.slug}/policies/{recorded.id}"
    assert client.post(f"{base}/verify").status_code == 302
    db.session.expire_all()
    assert recorded.verified_on == date.today()
    assert "Last verified on" in text_of(client.get(f"/coalitions/{coalition.slug}/policies"))
    assert client.post(f"{base}/delete").status_code == 302
    assert entries_of(coalition) == [] and db.session.scalar(select(func.count(PolicyRevision.id))) == 0


def test_a_viewer_reads_but_cannot_write(client, coalition, recorded, add_teammate, login):
    add_teammate(coalition, Role.VIEWER, "viewer@example.org")
    login("viewer@example.org")
    base = f"/coalitions/{coalition.slug}/policies"
    assert client.get(base).status_code == 200 and client.get(f"{base}/{recorded.id}").status_code == 200
    for url in (f"{base}/new", f"{base}/{recorded.id}/edit"):
        assert client.get(url).status_code == 403
        assert client.post(url, data=entry_form(status="honors_all", once="v" * 22)).status_code == 403
    for url in (f"{base}/{recorded.id}/verify", f"{base}/{recorded.id}/delete", f"{base}/sharing"):
        assert client.post(url, data={"shared": "y"}).status_code == 403
    assert len(entries_of(coalition)) == 1 and entries_of(coalition)[0].status == "refuses"


def test_an_organizer_cannot_share_the_tracker_an_admin_can(client, coalition, add_teammate, login):
    add_teammate(coalition, Role.ORGANIZER, "organizer2@example.org")
    login("organizer2@example.org")
    assert (
        client.post(f"/coalitions/{coalition.slug}/policies/sharing", data={"shared": "y"}).status_code == 403
    )
    login()
    assert (
        client.post(f"/coalitions/{coalition.slug}/policies/sharing", data={"shared": "y"}).status_code == 302
    )
    page = text_of(client.get(f"/coalitions/{coalition.slug}/policies"))
    assert f"/c/{coalition.slug}/policies" in page and "Make our tracker private" in page


def test_another_coalition_cannot_see_edit_or_delete_an_entry(
    client, coalition, recorded, make_user, make_coalition, login
):
    make_coalition(make_user(email="other@example.org"), name="Other coalition")
    login("other@example.org")
    for method, url in [
        ("GET", f"/coalitions/{coalition.slug}/policies/{recorded.id}"),
        ("POST", f"/coalitions/{coalition.slug}/policies/{recorded.id}/edit"),
        ("POST", f"/coalitions/{coalition.slug}/policies/{recorded.id}/delete"),
        ("GET", f"/coalitions/other-coalition/policies/{recorded.id}"),
        ("POST", f"/coalitions/other-coalition/policies/{recorded.id}/edit"),
        ("POST", f"/coalitions/other-coalition/policies/{recorded.id}/delete"),
        ("POST", f"/coalitions/other-coalition/policies/{recorded.id}/verify"),
    ]:
        assert client.open(url, method=method, data=entry_form(status="honors_all")).status_code == 404, url
    assert entries_of(coalition)[0].status == "refuses"


def test_the_policies_page_leads_to_the_measures_and_the_import_and_they_back_to_it(client, coalition):
    base = f"/coalitions/{coalition.slug}/policies"
    page = client.get(base).get_data(as_text=True)
    assert f'href="{base}/import"' in page and f'href="{base}/measures"' in page
    for path in ("/import", "/measures", "/measures/new"):
        shown = client.get(base + path).get_data(as_text=True)
        assert f'<a href="{base}" aria-current="page">Policies</a>' in shown, path
