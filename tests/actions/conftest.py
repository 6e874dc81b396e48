"""Day-of-action fixtures: a published day, an event factory, RSVPs and the notices they queue.

Every test runs against one fixed clock, NOW; services take `now`, so tests move time by passing
later values. Notices are read from the queued notification rows (the attendee email templates
are written separately), never from rendered mail.
"""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from campaign.accounts.models import User
from campaign.actions import rsvps, services
from campaign.actions.models import EventKind, EventState, Rsvp, RsvpState
from campaign.core.crypto import email_blind_index
from campaign.core.outbox import dispatch_committed, utcnow
from campaign.extensions import db as _db
from campaign.notifications.models import Message
from campaign.supporters.models import Supporter

NOW = datetime(2027, 5, 1, 12, 0)  # UTC; four weeks before the day of action
DAY = date(2027, 5, 29)
ATTENDEE_TEMPLATE = "actions/emails/attendee"


def event_fields(
    zip_code="19104", start=datetime(2027, 5, 29, 10, 0), hours=2, capacity=None, address_public=True, **extra
) -> dict:
    """What the event form gives the services: local (naive) times in the ZIP code's zone."""
    return {
        "title": "Rally for family unity",
        "title_es": "",
        "kind": EventKind.RALLY,
        "description": "Bring signs.",
        "description_es": "",
        "venue": "Clark Park",
        "address": "4300 Baltimore Ave",
        "address_public": address_public,
        "capacity": capacity,
        "accessibility": "",
        "languages": "en,es",
        "marshals": False,
        "legal_observers": False,
        "hotline": "",
        "safety_notes": "",
        "zip_code": zip_code,
        "starts_at": start,
        "ends_at": start + timedelta(hours=hours),
    } | extra


@pytest.fixture
def day(db, coalition):
    author = db.session.scalar(select(User.id))
    day = services.create_day(
        coalition.id,
        author,
        {
            "title": "Families Belong Together day of action",
            "title_es": "",
            "description": "",
            "description_es": "",
            "demand": "",
            "demand_es": "",
            "starts_on": DAY,
            "ends_on": DAY,
            "proposals_open": True,
        },
    )
    services.publish(day)
    db.session.commit()
    return day


@pytest.fixture
def make_event(day):
    """An event of `day`; `start` is local to the ZIP code, `now` is when it is created."""

    def make(
        zip_code="19104",
        start=datetime(2027, 5, 29, 10, 0),
        capacity=None,
        address_public=True,
        state=EventState.SCHEDULED,
        now=NOW,
        host=None,
        **extra,
    ):
        host = host or services.Host("Juntos", email="host@example.org")
        fields = event_fields(zip_code, start, capacity=capacity, address_public=address_public, **extra)
        return services.create_event(day, host, fields, state, now)

    return make


def rsvp_as(event, email, now=NOW, consent=None, **fields):
    """RSVP as the public form would, for the person with this address."""
    given = {"first_name": "Ana", "last_name": "", "email": email, "zip_code": "19104", "phone": ""} | fields
    return rsvps.rsvp(event, given, "en", consent, now)


def row(outcome) -> Rsvp:
    return _db.session.get(Rsvp, outcome.rsvp_id)


def state_of(event, email) -> RsvpState | None:
    """The RSVP state of the person with this address (None: never RSVPed)."""
    return _db.session.scalar(
        select(Rsvp.state).where(
            Rsvp.event_id == event.id,
            Rsvp.email_index == email_blind_index(email, coalition_id=event.coalition_id),
        )
    )


def notices(kind=None) -> list[Message]:
    """Attendee notices queued so far (of one kind if given), oldest first. Change and
    cancellation notices are written by an outbox task: committing runs it (in-process here)."""
    _db.session.commit()
    dispatch_committed()
    messages = _db.session.scalars(
        select(Message).where(Message.template == ATTENDEE_TEMPLATE).order_by(Message.id)
    ).all()
    return [m for m in messages if kind is None or m.context["kind"] == kind]


def recipients(kind) -> list[str]:
    """The addresses the notices of this kind go to, one entry per notice, sorted."""
    addresses = []
    for message in notices(kind):
        for supporter_id in message.audience["supporter_ids"]:
            addresses.append(_db.session.get(Supporter, supporter_id).email)
    return sorted(addresses)


def hosted_event(coalition_id: int, host_email: str, host_name: str):
    """A published day of action whose one event is hosted by `host_email`, as an approved
    proposal leaves it (for tests of what a host's address leaves behind)."""
    day_fields = {
        "title": "Families Belong Together",
        "starts_on": date(2099, 5, 29),
        "ends_on": date(2099, 5, 29),
    }
    day_fields |= {"title_es": "", "description": "", "description_es": "", "demand": "", "demand_es": ""}
    organizer_id = _db.session.scalar(select(User.id))
    day = services.create_day(coalition_id, organizer_id, day_fields | {"proposals_open": True})
    services.publish(day)
    fields = event_fields(title="Vigil at the detention center", start=datetime(2099, 5, 29, 10, 0))
    host = services.Host("Vecinos de Kensington", email=host_email, contact_name=host_name)
    event = services.create_event(day, host, fields, EventState.SCHEDULED, utcnow())
    _db.session.commit()
    return event
