"""Petitions through the API over real HTTP (`requests` against the live server), as a partner's
sync script uses it: keys made on the API keys page, a signature recorded by the helper,
confirmed from the real email, tallied by the real Celery worker on PostgreSQL, then listed."""

import html
import re
from urllib.parse import urljoin

import pytest
import requests

from campaign.core.outbox import publish_later
from tests.integration.helpers import PASSWORD, link_path, make_coalition, make_organizer, new_address
from tests.services import wait_until

pytestmark = pytest.mark.integration

TIMEOUT = 30


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else ""


@pytest.fixture
def desk(it_app, live_server):
    """An organizer's browser (a requests session, logged in) on a coalition of their own."""
    organizer = make_organizer(it_app)
    slug = make_coalition(it_app, organizer, name="API Petitions Coalition")[1]
    web = requests.Session()
    answer = web.post(
        f"{live_server}/accounts/login", data={"email": organizer, "password": PASSWORD}, timeout=TIMEOUT
    )
    assert answer.ok
    return web, f"{live_server}/coalitions/{slug}"


def new_key(web, coalition_url: str, name: str, scope: str) -> str:
    """A key made on the API keys page; its token, shown once."""
    page = web.get(f"{coalition_url}/api-keys", timeout=TIMEOUT).text
    data = {
        "name": name,
        "scope": scope,
        "once": hidden(page, "once"),
        "csrf_token": hidden(page, "csrf_token"),
    }
    answer = web.post(f"{coalition_url}/api-keys", data=data, timeout=TIMEOUT)
    assert answer.status_code == 201, answer.text
    return re.search(r'id="new-key-token"[^>]*>([^<]+)<', answer.text).group(1)


def open_petition(web, coalition_url: str, title: str, trusted: bool = False) -> None:
    form = {
        "title": title,
        "target": "The Mayor",
        "ask": "Sign the order.",
        "goal": "100",
        "time_zone": "America/New_York",
    }
    if trusted:
        form["trusted_source"] = "y"
    answer = web.post(f"{coalition_url}/petitions/new", data=form, allow_redirects=False, timeout=TIMEOUT)
    assert answer.status_code == 302, answer.text
    petition_page = urljoin(answer.url, answer.headers["Location"])
    assert web.post(f"{petition_page}/open", timeout=TIMEOUT).ok


def api(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["OSDI-API-Token"] = token
    return session


def petition_named(reader: requests.Session, live_server: str, title: str) -> dict:
    listed = reader.get(f"{live_server}/api/v1/petitions", timeout=TIMEOUT).json()
    return next(each for each in listed["_embedded"]["osdi:petitions"] if each["title"] == title)


def tally(it_app) -> None:
    """Ask the worker to fold the confirmations in, as beat does every few seconds."""
    with it_app.app_context():
        assert publish_later("campaign.petitions.tasks.keep_tallies", (), 0)


def total(reader: requests.Session, petition: dict) -> int:
    answer = reader.get(petition["_links"]["self"]["href"], timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()["total_signatures"]


def counted(reader: requests.Session, petition: dict, expected: int) -> None:
    """Once a second: the key's calls stay under the real rate limit (4 a second)."""
    wait_until(
        lambda: total(reader, petition) == expected, 60, interval=1, message=f"the count to reach {expected}"
    )


def signer(email: str) -> dict:
    return {
        "person": {
            "given_name": "Rosa",
            "family_name": "Díaz",
            "email_addresses": [{"address": email}],
            "postal_addresses": [{"postal_code": "19104"}],
        },
        "comments": "Por mis hijos.",
        "referrer_data": {"source": "juntos"},
    }


def test_a_signature_recorded_over_http_is_confirmed_from_the_email_then_listed(
    it_app, live_server, celery_worker, smtp_server, desk
):
    web, coalition_url = desk
    open_petition(web, coalition_url, "End ICE holds (API)")
    writer = api(new_key(web, coalition_url, "Juntos website", "write"))
    reader = api(new_key(web, coalition_url, "Sync", "read:people"))
    assert writer.get(f"{live_server}/api/v1/petitions", timeout=TIMEOUT).status_code == 403  # reads nothing
    petition = petition_named(reader, live_server, "End ICE holds (API)")
    helper = petition["_links"]["osdi:record_signature_helper"]["href"]
    email = new_address("rosa")

    recorded = writer.post(helper, json=signer(email), timeout=TIMEOUT)
    assert recorded.status_code == 201 and recorded.headers["Content-Type"] == "application/hal+json"
    assert "Rosa" not in recorded.text and email not in recorded.text
    petition_now = reader.get(petition["_links"]["self"]["href"], timeout=TIMEOUT).json()
    signatures_url = petition_now["_links"]["osdi:signatures"]["href"]
    assert reader.get(signatures_url, timeout=TIMEOUT).json()["total_records"] == 0  # waiting for the click

    message = smtp_server.wait_for_mail_to(email, timeout=60)[0]
    assert message["Subject"] == "Confirm your signature: End ICE holds (API)"
    again = writer.post(helper, json=signer(email), timeout=TIMEOUT)  # the script sends it again
    assert (again.status_code, again.json()) == (201, recorded.json())
    confirm_url = live_server + link_path(message, "/petitions/confirm/")
    browser = requests.Session()  # the signer's own, not logged in
    page = browser.get(confirm_url, timeout=TIMEOUT).text
    assert browser.post(confirm_url, data={"shown": hidden(page, "shown")}, timeout=TIMEOUT).ok

    tally(it_app)
    counted(reader, petition, 1)
    listed = reader.get(signatures_url, timeout=TIMEOUT).json()
    assert listed["total_records"] == 1  # one signature for the two calls
    (signature,) = listed["_embedded"]["osdi:signatures"]
    assert signature["comments"] == "Por mis hijos." and signature["referrer_data"] == {"source": "juntos"}
    person = reader.get(signature["_links"]["osdi:person"]["href"], timeout=TIMEOUT).json()
    assert person["given_name"] == "Rosa" and person["email_addresses"][0]["address"] == email
    # The address's owner is told of the second call, as of a second sign-up on the web.
    told = smtp_server.wait_for_mail_to(email, timeout=60, count=2)[1]
    assert told["Subject"] == "You have already signed: End ICE holds (API)"


def test_with_trusted_source_a_signature_counts_without_the_email(
    it_app, live_server, celery_worker, smtp_server, desk
):
    web, coalition_url = desk
    open_petition(web, coalition_url, "Trusted (API)", trusted=True)
    writer = api(new_key(web, coalition_url, "Verified CRM", "write"))
    counts = api(new_key(web, coalition_url, "Dashboard", "read:counts"))  # the write key reads nothing
    petition = petition_named(counts, live_server, "Trusted (API)")
    email = new_address("trusted")
    recorded = writer.post(
        petition["_links"]["osdi:record_signature_helper"]["href"], json=signer(email), timeout=TIMEOUT
    )
    assert recorded.status_code == 201
    tally(it_app)
    counted(counts, petition, 1)
    assert smtp_server.to(email) == []
