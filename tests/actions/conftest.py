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
from campaign.actions.models import DayOfAction, Event, EventKind, EventState, Rsvp, RsvpState
from campaign.coalitions.models import CoalitionRole
from campaign.core.crypto import email_blind_index
from campaign.core.outbox import dispatch_committed, utcnow
from campaign.extensions import db as _db
from campaign.notifications.models import Message
from campaign.supporters.models import Supporter
from tests.actions.forms import HOST_EMAIL, day_form, event_form, rsvp_form
from tests.pages import text_of

NOW = datetime(2027, 5, 1, 12, 0)  # UTC; four weeks before the day of action
DAY = date(2027, 5, 29)
ATTENDEE_TEMPLATE = "actions/emails/attendee"
# What the day form gives the services for a one-day, published day of action.
DAY_FIELDS = {
    "title": "Families Belong Together day of action",
    "title_es": "",
    "description": "",
    "description_es": "",
    "demand": "",
    "demand_es": "",
    "starts_on": DAY,
    "ends_on": DAY,
    "proposals_open": True,
}


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
        DAY_FIELDS,
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


# The pages' fixtures: the organizer plans the day and adds events, supporters RSVP, the host
# has the link from the email.


@pytest.fixture
def visitor(app):
    """Someone on the public pages who has not RSVPed and has no account."""
    return app.test_client()


@pytest.fixture
def plan_day(client, coalition, db):
    """A day of action written on the organizer's form, published unless told not to."""

    def plan(publish=True, **overrides) -> DayOfAction:
        response = client.post(f"/coalitions/{coalition.slug}/actions/new", data=day_form(**overrides))
        assert response.status_code == 302, text_of(response)
        day = db.session.scalars(select(DayOfAction).order_by(DayOfAction.id.desc())).first()
        if publish:
            published = client.post(f"/coalitions/{coalition.slug}/actions/{day.id}/publish")
            assert published.status_code == 302
        db.session.refresh(day)
        return day

    return plan


@pytest.fixture
def add_event(client, coalition, db):
    """An event added on the organizer's form (scheduled at once, its host emailed the link)."""

    def add(day, **overrides) -> Event:
        response = client.post(
            f"/coalitions/{coalition.slug}/actions/{day.id}/events/new", data=event_form(**overrides)
        )
        assert response.status_code == 302, text_of(response)
        return db.session.scalars(select(Event).order_by(Event.id.desc())).first()

    return add


@pytest.fixture
def rsvp(visitor):
    """RSVP through the event page's form; returns the thank-you page the person lands on."""

    def do_rsvp(day, event, **overrides):
        response = visitor.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp_form(**overrides))
        assert response.status_code == 302, text_of(response)
        assert "/thanks" in response.location
        return visitor.get(response.location)

    return do_rsvp


@pytest.fixture
def host_link(mailbox):
    """The host link as the host received it by email (the latest one to that address)."""

    def link(address=HOST_EMAIL) -> str:
        return mailbox.last_link(address, "/actions/host/").removeprefix("http://localhost")

    return link


@pytest.fixture
def teammate(app, db, make_user):
    """A second browser, logged in as an account holding `role` in `coalition` (or in no
    coalition when `role` is None)."""

    def make(coalition, role, email):
        user = make_user(email=email, name=email.split("@")[0].title())
        if role is not None:
            db.session.add(CoalitionRole(coalition=coalition, user=user, role=role))
            db.session.commit()
        browser = app.test_client()
        response = browser.post("/accounts/login", data={"email": email, "password": "correct horse battery"})
        assert response.status_code == 302
        return browser, user

    return make
