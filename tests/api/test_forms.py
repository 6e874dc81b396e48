"""OSDI forms through the API: the public sign, sign-on and RSVP forms of the coalition, with
their pages, counts and links, and nothing a visitor could not open."""

import pytest
from sqlalchemy import update

from campaign.actions.models import DayOfAction, DayState, EventState, RsvpState
from campaign.api.models import Scope
from campaign.letters.models import Letter, LetterState
from campaign.petitions import services as petitions
from campaign.petitions.models import Petition
from tests.api.conftest import MODIFIED
from tests.api.records import add_event, add_letter, add_petition


def forms(call, token) -> dict:
    body = call("/api/v1/forms", token).get_json()
    return {
        each["identifiers"][0].removeprefix("campaign_desk:"): each
        for each in body["_embedded"]["osdi:forms"]
    }


def test_each_public_form_is_listed_with_its_page_count_and_record(coalition, make_key, call, client):
    petition = add_petition(coalition, signatures=41)
    letter = add_letter(coalition)
    event = add_event(
        coalition, rsvps=(RsvpState.GOING, RsvpState.WAITLISTED, RsvpState.CANCELLED, RsvpState.WALK_IN)
    )
    token = make_key(coalition, Scope.READ_COUNTS)
    found = forms(call, token)
    assert set(found) == {f"petition-{petition}", f"letter-{letter}", f"event-{event}"}
    assert found[f"petition-{petition}"]["total_submissions"] == 41  # online, not the paper ones
    assert found[f"letter-{letter}"]["total_submissions"] == 3  # approved, named or not
    assert found[f"event-{event}"]["total_submissions"] == 2  # going and waiting, not the walk-in
    assert (
        found[f"letter-{letter}"]["_links"]["campaign_desk:letter"]["href"]
        == f"http://localhost/api/v1/letters/{letter}"
    )
    assert (
        found[f"petition-{petition}"]["_links"]["osdi:petition"]["href"]
        == f"http://localhost/api/v1/petitions/{petition}"
    )
    assert (
        found[f"event-{event}"]["_links"]["osdi:event"]["href"] == f"http://localhost/api/v1/events/{event}"
    )
    for form_id, form in found.items():
        assert form["_links"]["self"]["href"] == f"http://localhost/api/v1/forms/{form_id}"
        assert call(form["_links"]["self"]["href"], token).get_json() == form
        page = client.get(form["browser_url"].removeprefix("http://localhost"))
        assert page.status_code == 200 and "<form" in page.get_data(as_text=True), form_id


def test_links_to_petitions_and_events_lead_to_them_once_they_are_served(app, coalition, make_key, call):
    """The petitions' and events' resources are built beside this one: where they are served,
    the link a form gives is theirs."""
    petition, event = add_petition(coalition), add_event(coalition)
    token = make_key(coalition, Scope.READ_COUNTS)
    found = forms(call, token)
    for endpoint, key, rel in (
        ("api.petitions.show", f"petition-{petition}", "osdi:petition"),
        ("api.events.show", f"event-{event}", "osdi:event"),
    ):
        if endpoint in app.view_functions:
            assert call(found[key]["_links"][rel]["href"], token).status_code == 200, endpoint


def test_drafts_unpublished_days_and_unlisted_events_have_no_form_here(db, coalition, make_key, call):
    add_petition(coalition, "A draft", open_it=False)
    add_letter(coalition, "A draft", open_it=False)
    add_letter(coalition, "Under embargo", embargoed=True)
    add_event(coalition, publish=False)
    add_event(coalition, state=EventState.PROPOSED)
    add_event(coalition, state=EventState.DECLINED)
    token = make_key(coalition, Scope.READ_COUNTS)
    assert forms(call, token) == {}
    for form_id in ("petition-1", "letter-1", "letter-2", "event-1", "event-2", "event-3"):
        assert call(f"/api/v1/forms/{form_id}", token).status_code == 404, form_id


def test_closed_petitions_and_called_off_events_keep_their_form_a_delivered_letter_not(
    db, coalition, make_key, call
):
    petition = add_petition(coalition)
    petitions.close(db.session.get(Petition, petition), MODIFIED)
    event = add_event(coalition, state=EventState.CANCELLED)
    letter = add_letter(coalition)
    db.session.execute(update(Letter).where(Letter.id == letter).values(state=LetterState.DELIVERED))
    db.session.commit()
    assert set(forms(call, make_key(coalition, Scope.READ_COUNTS))) == {
        f"petition-{petition}",
        f"event-{event}",
    }


def test_forms_are_ordered_and_paged(db, coalition, make_key, call):
    for number in range(3):
        add_petition(coalition, f"Petition {number}")
    add_letter(coalition)
    token = make_key(coalition, Scope.READ_COUNTS)
    first = call("/api/v1/forms", token, per_page=3).get_json()
    second = call(first["_links"]["next"]["href"], token).get_json()
    assert (first["total_records"], first["total_pages"]) == (4, 2)
    listed = first["_embedded"]["osdi:forms"] + second["_embedded"]["osdi:forms"]
    assert [each["identifiers"][0] for each in listed] == [
        "campaign_desk:letter-1",
        "campaign_desk:petition-1",
        "campaign_desk:petition-2",
        "campaign_desk:petition-3",
    ]


def test_every_scope_reads_forms_of_its_own_coalition_only(
    coalition, make_key, call, make_user, make_coalition
):
    petition = add_petition(coalition)
    for scope in (Scope.READ_COUNTS, Scope.READ_PEOPLE):  # a write key reads nothing
        token = make_key(coalition, scope, name=str(scope))
        assert call("/api/v1/forms", token).get_json()["total_records"] == 1, scope
        assert "osdi:forms" in call("/api/v1/", token).get_json()["_links"]
    other = make_coalition(make_user(email="b@example.org"), name="Coalition B")
    token_b = make_key(other, Scope.READ_COUNTS)
    assert call("/api/v1/forms", token_b).get_json()["total_records"] == 0
    assert call(f"/api/v1/forms/petition-{petition}", token_b).status_code == 404


@pytest.mark.parametrize(
    "form_id",
    [
        "petition",
        "petition-",
        "petition-x",
        "form-1",
        "petition-1-2",
        "Petition-1",
        "petition-99999999999",
        "petition-" + "9" * 5000,
    ],
)
def test_names_that_are_no_form_are_not_found(coalition, make_key, call, form_id):
    add_petition(coalition)
    response = call(f"/api/v1/forms/{form_id}", make_key(coalition, Scope.READ_COUNTS))
    assert response.status_code == 404 and response.get_json() == {"error": "Not found"}


def test_a_day_unpublished_later_takes_its_forms_away(db, coalition, make_key, call):
    event = add_event(coalition)
    token = make_key(coalition, Scope.READ_COUNTS)
    assert call(f"/api/v1/forms/event-{event}", token).status_code == 200
    db.session.execute(update(DayOfAction).values(state=DayState.DRAFT))
    db.session.commit()
    assert call(f"/api/v1/forms/event-{event}", token).status_code == 404
