"""Events through the API over real HTTP: a script lists a coalition's events, records an RSVP
with the record attendance helper, and reads it back; the RSVP email comes from the real Celery
worker to the real SMTP server, as the public form's does. PostgreSQL is the real one too."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import select

from campaign.accounts.models import User
from campaign.actions import services as actions
from campaign.actions.models import EventState
from campaign.api import keys
from campaign.api.models import Scope
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.supporters import services as supporters
from tests.actions.conftest import DAY_FIELDS, event_fields
from tests.integration.helpers import (
    make_coalition,
    make_organizer,
    new_address,
    outbox_mark,
    wait_until_settled,
)

pytestmark = pytest.mark.integration

MAIL_TIMEOUT = 60
PRIVATE_STREET = "1850 S Blue Island Ave, side door"
CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture
def chicago(it_app):
    """A coalition with a published day four weeks from now (the real clock: the worker's), one
    event at a private place in Chicago, a person on file, and a key of each scope."""
    owner = make_organizer(it_app)
    coalition_id, _ = make_coalition(it_app, owner, name="Chicago Families Together")
    on = (utcnow() + timedelta(days=28)).date()
    on_file = new_address("marisol")
    with it_app.app_context():
        author = db.session.scalar(select(User.id).where(User.email == owner))
        day = actions.create_day(coalition_id, author, DAY_FIELDS | {"starts_on": on, "ends_on": on})
        actions.publish(day)
        fields = event_fields(
            "60608",
            start=datetime.combine(on, datetime.min.time()).replace(hour=18),
            address_public=False,
            address=PRIVATE_STREET,
            venue="Casa Aztlán",
            title="Know-your-rights night",
        )
        event = actions.create_event(
            day, actions.Host("Pilsen Alliance"), fields, EventState.SCHEDULED, utcnow()
        )
        supporters.upsert_supporter(
            coalition_id, email=on_file, first_name="Marisol", zip_code="60608", language="es", confirmed=True
        )
        tokens = {
            scope: keys.create_key(coalition_id, author, scope.value, scope, None)[1] for scope in Scope
        }
        db.session.commit()
        return {
            "coalition_id": coalition_id,
            "event_id": event.id,
            "on_file": on_file,
            "tokens": tokens,
            "day": on,
        }


def api(live_server, path, token, body=None) -> requests.Response:
    headers = {"OSDI-API-Token": token}
    if body is None:
        return requests.get(f"{live_server}/api/v1{path}", headers=headers, timeout=30)
    return requests.post(f"{live_server}/api/v1{path}", headers=headers, json=body, timeout=30)


def person(email: str, given_name: str, language: str) -> dict:
    return {
        "person": {
            "given_name": given_name,
            "email_addresses": [{"address": email}],
            "postal_addresses": [{"postal_code": "60608"}],
            "languages_spoken": [language],
        },
        "referrer_data": {"source": "partner-site"},
    }


def test_a_script_lists_events_records_an_rsvp_and_reads_it_back(
    it_app, live_server, celery_worker, smtp_server, chicago
):
    tokens, event_id = chicago["tokens"], chicago["event_id"]
    listed = api(live_server, "/events", tokens[Scope.READ_COUNTS])
    assert listed.status_code == 200 and listed.headers["Content-Type"] == "application/hal+json"
    (event,) = [
        e
        for e in listed.json()["_embedded"]["osdi:events"]
        if e["identifiers"] == [f"campaign_desk:{event_id}"]
    ]
    starts = datetime.combine(chicago["day"], datetime.min.time()).replace(hour=18, tzinfo=CHICAGO)
    assert event["start_date"] == starts.isoformat(timespec="seconds")
    assert datetime.fromisoformat(event["start_date"]).astimezone(UTC) == starts.astimezone(UTC)
    assert event["location"]["locality"] == "Chicago" and "address_lines" not in event["location"]

    mark = outbox_mark(it_app)
    stranger = new_address("rosa")
    answers = [
        api(live_server, f"/events/{event_id}/attendances", tokens[Scope.WRITE], person(address, name, "es"))
        for address, name in ((chicago["on_file"], "Marisol"), (stranger, "Rosa"))
    ]
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()  # the same for a person on file and a new one
    assert answers[0].json()["status"] == "accepted"

    for address in (chicago["on_file"], stranger):
        (mail,) = smtp_server.wait_for_mail_to(address, timeout=MAIL_TIMEOUT)
        text = mail.get_body(preferencelist=("plain",)).get_content()
        assert "Know-your-rights night" in text
        assert PRIVATE_STREET in text  # by email, to the people holding a place
    wait_until_settled(it_app, chicago["coalition_id"], mark)

    read = tokens[Scope.READ_PEOPLE]
    attendances = api(live_server, f"/events/{event_id}/attendances", read).json()["_embedded"][
        "osdi:attendances"
    ]
    # The new address was only typed: not on file, not listed. The person on file is.
    assert [(a["status"], a["referrer_data"]) for a in attendances] == [
        ("accepted", {"source": "partner-site"})
    ]
    one = api(live_server, attendances[0]["_links"]["self"]["href"].split("/api/v1")[1], read)
    assert one.status_code == 200 and one.json() == attendances[0]
    assert api(live_server, f"/events/{event_id}", read).json()["total_accepted"] == 2
    for answer in (listed, *answers):
        assert PRIVATE_STREET not in answer.text and "Aztl" not in answer.text
