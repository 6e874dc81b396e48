"""The signup helper over real HTTP on PostgreSQL, as a member organization's website calls it:
a person signed up with tags, then read back with a read:people key, their taggings too."""

import time

import pytest
import requests

from campaign.accounts.models import User
from campaign.api import keys
from campaign.api.models import Scope
from campaign.coalitions import services as coalitions
from campaign.coalitions.models import Coalition
from campaign.extensions import db
from campaign.supporters.models import Subscription
from campaign.supporters.services import find_supporter
from campaign.tags import services as tag_services
from tests.api.records import SIGNUP

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def coalition_keys(it_app):
    """A coalition of its own with a write key (the website's) and a read:people key (a sync's)."""
    with it_app.app_context():
        coalition = coalition_of_its_own("api-signup-test")
        write, read = (new_token(coalition, scope) for scope in (Scope.WRITE, Scope.READ_PEOPLE))
        db.session.commit()
        return coalition.id, write, read


def coalition_of_its_own(slug: str) -> Coalition:
    """A coalition with its owner, who makes its keys (a key works while its maker is an admin)."""
    owner = User(email=f"owner@{slug}.example.org", name="Owner", password_hash="-", locale="en")
    db.session.add(owner)
    db.session.flush()
    return coalitions.create_coalition(owner, slug, "", "")


def new_token(coalition: Coalition, scope: Scope) -> str:
    owner = coalition.roles[0].user_id
    return keys.create_key(coalition.id, owner, f"A {scope} script", scope, None)[1]


def call(method: str, url: str, token: str, **kwargs) -> requests.Response:
    """As a well-behaved script calls: it waits as long as a 429's Retry-After says (4 a second)."""
    for _ in range(5):
        response = requests.request(method, url, headers={"OSDI-API-Token": token}, timeout=10, **kwargs)
        if response.status_code != 429:
            return response
        time.sleep(int(response.headers["Retry-After"]))
    raise AssertionError(f"still limited: {url}")


def test_a_signup_with_tags_is_read_back_with_its_taggings(it_app, live_server, coalition_keys):
    coalition_id, write, read = coalition_keys
    with it_app.app_context():  # the organizers' tags: the helper applies them, never makes them
        for name in ("Volunteers", "Vecinos de Kensington"):
            tag_services.create_tag(coalition_id, name, None)
        db.session.commit()
    entry = call("GET", f"{live_server}/api/v1/", write).json()
    helper = entry["_links"]["osdi:person_signup_helper"]["href"]
    signed = call("POST", helper, write, json=SIGNUP)
    assert signed.status_code == 200 and signed.headers["Content-Type"] == "application/hal+json"
    assert "luz" not in signed.text.lower()
    assert call("POST", helper, write, json=SIGNUP).json() == signed.json()  # a retry: the same answer
    refused = call("POST", helper, write, json={"person": SIGNUP["person"]})
    assert refused.status_code == 400 and "words they agreed to" in refused.json()["error"]

    with it_app.app_context():
        luz = find_supporter(coalition_id, "luz@example.org")
        person_id, subscription = luz.id, luz.subscription
    assert subscription == Subscription.SUBSCRIBED
    person = call("GET", f"{live_server}/api/v1/people/{person_id}", read).json()
    assert (person["given_name"], person["family_name"]) == ("Luz", "Morales")
    assert person["email_addresses"] == [
        {"primary": True, "address": "luz@example.org", "status": "subscribed"}
    ]
    tags = call("GET", f"{live_server}/api/v1/tags", read).json()["_embedded"]["osdi:tags"]
    assert sorted(tag["name"] for tag in tags) == ["Vecinos de Kensington", "Volunteers"]
    for tag in tags:
        taggings_url = tag["_links"]["osdi:taggings"]["href"]
        taggings = call("GET", taggings_url, read).json()["_embedded"]["osdi:taggings"]
        assert [each["_links"]["osdi:person"]["href"] for each in taggings] == [
            f"{live_server}/api/v1/people/{person_id}"
        ]
    assert call("GET", f"{live_server}/api/v1/tags", write).status_code == 403  # a write key reads no tags
