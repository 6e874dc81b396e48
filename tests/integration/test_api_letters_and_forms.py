"""Letters, signatories and forms over real HTTP on PostgreSQL: the forms' union of petitions,
letters and events, paged, and a letter's listed signatories, read with a read:counts key."""

import pytest

from campaign.actions.models import RsvpState
from campaign.api.models import Scope
from campaign.extensions import db
from tests.api.records import add_event, add_letter, add_petition
from tests.integration.test_api_people_signup import call, coalition_of_its_own, new_token

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def public_records(it_app):
    with it_app.app_context():
        coalition = coalition_of_its_own("api-forms-test")
        ids = {
            "petition": add_petition(coalition, signatures=41),
            "letter": add_letter(coalition),
            "event": add_event(coalition, rsvps=(RsvpState.GOING, RsvpState.WALK_IN)),
        }
        token = new_token(coalition, Scope.READ_COUNTS)
        db.session.commit()
        return ids, token


def get(url: str, token: str) -> dict:
    response = call("GET", url, token)
    assert response.status_code == 200, response.text
    return response.json()


def test_forms_are_paged_across_petitions_letters_and_events(live_server, public_records):
    ids, token = public_records
    first = get(f"{live_server}/api/v1/forms?per_page=2", token)
    assert (first["total_records"], first["total_pages"]) == (3, 2)
    second = get(first["_links"]["next"]["href"], token)
    found = {
        each["identifiers"][0]: each["total_submissions"]
        for each in first["_embedded"]["osdi:forms"] + second["_embedded"]["osdi:forms"]
    }
    assert found == {
        f"campaign_desk:event-{ids['event']}": 1,
        f"campaign_desk:letter-{ids['letter']}": 3,
        f"campaign_desk:petition-{ids['petition']}": 41,
    }


def test_a_letters_listed_signatories_over_http(live_server, public_records):
    ids, token = public_records
    (letter,) = get(f"{live_server}/api/v1/letters", token)["_embedded"]["campaign_desk:letters"]
    assert letter["total_signatories"] == 3
    listed = get(letter["_links"]["campaign_desk:signatories"]["href"], token)
    assert [each["name"] for each in listed["_embedded"]["campaign_desk:signatories"]] == [
        "Juntos",
        "Rosa Díaz",
    ]
