"""Events for the API's tests: a published day of action with a public event, one at a private
place, a cancelled one, and events the API must not show (a draft day's, a proposal), with RSVPs
of people on file and of others, at fixed times, on a fixed clock."""

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select, update

from campaign.accounts.models import User
from campaign.actions import rsvps, services
from campaign.actions.models import Event, EventKind, EventState, Rsvp
from campaign.extensions import db
from campaign.tags import services as tags
from tests.actions.conftest import DAY_FIELDS, NOW, event_fields
from tests.api.conftest import CREATED, MODIFIED, PEOPLE

# The private place, which must never appear in an answer of the API.
PRIVATE_VENUE = "St. Anne’s parish hall"
PRIVATE_STREET = "2217 W Cermak Rd"
HOST = services.Host("Juntos", email="host@example.org")
EXAMPLE_NAMES = {"events", "event", "attendances", "record_attendance"}
TAG = "Vecinos de Pilsen"
CONSENT = (
    "Email me news and calls to action from Philadelphia Family Unity Network. I can unsubscribe at any time."
)
# What a coalition's own website sends for someone RSVPing on its page (docs/api/record_attendance.json).
RECORD_ATTENDANCE = {
    "person": {
        "given_name": "Rosa",
        "family_name": "Martínez",
        "email_addresses": [{"address": "rosa@example.org", "primary": True}],
        "postal_addresses": [{"postal_code": "60608", "primary": True}],
        "languages_spoken": ["es"],
    },
    "add_tags": [TAG],
    "referrer_data": {"source": "newsletter-may"},
    "consent": {"wording": CONSENT, "language": "en"},  # the words' language, not the person's
}


@dataclass(frozen=True)
class World:
    public: int  # Philadelphia, capacity 2: Ana going, a stranger going
    private: int  # Chicago, at PRIVATE_VENUE, PRIVATE_STREET: Ben going
    cancelled: int
    draft_days: int  # on a day still a draft
    proposed: int
    ana_going: int  # Ana's RSVP to the public event
    stranger_going: int  # of an address only typed into the form: not on file
    ben_going: int
    ben_waiting: int  # Ben's RSVP to the public event, full by then, through the API


def rsvp(event_id: int, person: dict, now=NOW, source=None) -> int:
    """RSVP as the public form (or the API, with a `source`) does."""
    fields = {"last_name": person.get("last_name", ""), "zip_code": person.get("zip_code", "19104")}
    event = db.session.get(Event, event_id)
    return rsvps.rsvp(event, person | fields, "en", None, now, source=source).rsvp_id


def build(coalition) -> World:
    """The world, with the people of tests/api/conftest.py on file first (ids 1 and 2)."""
    author = db.session.scalar(select(User.id))
    day = services.create_day(coalition.id, author, DAY_FIELDS)
    services.publish(day)
    draft = services.create_day(coalition.id, author, DAY_FIELDS | {"title": "Still a draft"})
    make = services.create_event
    start = datetime(2027, 5, 29, 10, 0)
    public = make(day, HOST, event_fields(capacity=2, start=start), EventState.SCHEDULED, NOW)
    private = make(
        day,
        HOST,
        event_fields(
            "60608",
            start=datetime(2027, 5, 29, 17, 0),
            address_public=False,
            venue=PRIVATE_VENUE,
            address=PRIVATE_STREET,
            title="Know-your-rights teach-in",
            kind=EventKind.TRAINING,
            description="Lawyers answer questions. **Bring a friend.**",
        ),
        EventState.SCHEDULED,
        NOW,
    )
    los_angeles = {"venue": "Roybal Federal Building", "address": "255 E Temple St"}
    cancelled = make(day, HOST, event_fields("90012", start=start, **los_angeles), EventState.SCHEDULED, NOW)
    services.cancel(cancelled)
    hidden = make(draft, HOST, event_fields(start=start), EventState.SCHEDULED, NOW)
    proposed = make(day, HOST, event_fields(start=start), EventState.PROPOSED, NOW)
    tags.create_tag(coalition.id, TAG, author)
    ana, ben = PEOPLE
    world = World(
        public=public.id,
        private=private.id,
        cancelled=cancelled.id,
        draft_days=hidden.id,
        proposed=proposed.id,
        ana_going=rsvp(public.id, ana),
        stranger_going=rsvp(public.id, {"email": "typed@example.org", "first_name": "Typed"}),
        ben_going=rsvp(private.id, ben),
        ben_waiting=rsvp(public.id, ben, source="newsletter-may"),
    )
    db.session.execute(update(Event).values(created_at=CREATED, updated_at=MODIFIED))
    db.session.execute(update(Rsvp).values(created_at=CREATED, updated_at=MODIFIED))
    db.session.commit()
    return world


def walk_ids(coalition) -> dict[str, int]:
    """Ids of coalition A for the API's access walk (tests/api/test_people.py): an event at a
    private place and an attendance of a person on file."""
    built = build(coalition)
    return {"event_id": built.private, "attendance_id": built.ben_going}


def world_for(request) -> World:
    """The world in the coalition of `request`'s test, on the fixed clock."""
    # The API's clock at the days-of-action tests' NOW, four weeks before the day.
    request.getfixturevalue("monkeypatch").setattr("campaign.api.events_views.utcnow", lambda: NOW)
    coalition = request.getfixturevalue("coalition")
    request.getfixturevalue("add_people")(coalition)
    return build(coalition)


@pytest.fixture(autouse=True)
def event_examples(request):
    """docs/api/ examples of events (tests/api/test_examples.py imports this): their world."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("name") in EXAMPLE_NAMES:
        world_for(request)
