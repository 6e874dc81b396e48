"""A write key records and reads nothing (Scope.grants): not people, and not counts either, since a
count read before and after a helper call would tell whether that person had already signed or
RSVPed. It gets the entry point, with the helper links only, and 403 on every other GET."""

import pytest

from campaign.api.models import Scope
from campaign.api.osdi_views import PREFIX
from campaign.petitions.models import Petition
from tests.api.events_world import World, world_for
from tests.api.records import add_petition

REFUSED = {"error": "This API key's scope (write) does not allow this request"}
# What a write key may GET: the entry point, and the description, which takes no key.
OPEN = {"api.osdi.entry_point", "api.osdi.openapi"}


@pytest.fixture
def world(request) -> World:
    return world_for(request)


def test_every_get_but_the_entry_point_answers_a_write_key_403_naming_its_scope(
    app, coalition, make_key, call
):
    token = make_key(coalition, Scope.WRITE)
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/") and "GET" in rule.methods and rule.endpoint not in OPEN
    ]
    assert len(rules) >= 12  # every collection and resource, people to letters
    for rule in rules:
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "petition-1")
        response = call(path, token)
        assert (response.status_code, response.get_json()) == (403, REFUSED), path


def test_the_entry_point_links_a_write_key_to_the_helper_only(coalition, make_key, call):
    links = call(f"{PREFIX}/", make_key(coalition, Scope.WRITE)).get_json()["_links"]
    assert set(links) == {"curies", "self", "docs", "osdi:person_signup_helper"}


def _person(email: str, given_name: str = "Rosa", postal_code: str = "60608") -> dict:
    return {
        "given_name": given_name,
        "email_addresses": [{"address": email}],
        "postal_addresses": [{"postal_code": postal_code}],
    }


def test_a_write_key_cannot_tell_who_was_going_from_total_accepted(world, coalition, make_key, call, client):
    """The attacker's probe: read the count, RSVP someone, read it again."""
    token = make_key(coalition, Scope.WRITE)
    event = f"{PREFIX}/events/{world.private}"
    assert call(event, token).status_code == 403
    rsvp = {"person": _person("ben@example.org", "Ben", "19104")}
    assert (
        client.post(f"{event}/attendances", headers={"OSDI-API-Token": token}, json=rsvp).status_code == 201
    )
    assert call(event, token).status_code == 403


def test_a_write_key_cannot_tell_who_had_signed_from_total_signatures(db, coalition, make_key, call, client):
    """The same probe on a trusted-source petition, where a signature counts at once."""
    petition_id = add_petition(coalition)
    db.session.get(Petition, petition_id).trusted_source = True
    db.session.commit()
    token = make_key(coalition, Scope.WRITE)
    petition = f"{PREFIX}/petitions/{petition_id}"
    assert call(petition, token).status_code == 403
    signature = {"person": _person("rosa@example.org")}
    headers = {"OSDI-API-Token": token}
    assert client.post(f"{petition}/signatures", headers=headers, json=signature).status_code == 201
    assert call(petition, token).status_code == 403
