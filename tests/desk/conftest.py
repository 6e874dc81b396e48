"""Desk fixtures: the demo data loaded, reading the "Needs you" list, and the causes it lists,
made through the organizers' pages and the public forms where they exist."""

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from campaign.actions import rsvps
from campaign.actions import services as actions
from campaign.actions.models import EventState
from campaign.coalitions.models import Coalition
from campaign.core.outbox import dispatch_committed, utcnow
from campaign.core.zones import to_local
from campaign.demo.data import DEMO_ORGANIZER
from campaign.notifications.models import Delivery, DeliveryState
from campaign.petitions.models import PetitionSignature
from tests.actions.conftest import event_fields
from tests.coalitions.conftest import invite_org, owner  # noqa: F401 - fixtures
from tests.letters.conftest import make_letter  # noqa: F401 - a fixture, shared
from tests.letters.conftest import sign as sign_letter  # noqa: F401 - a fixture, shared
from tests.notifications.conftest import add_supporter  # noqa: F401 - a fixture, shared
from tests.pages import text_of_markup
from tests.petitions.conftest import make_petition, petition_form  # noqa: F401 - make_petition: a fixture


@dataclass(frozen=True)
class Item:
    kind: str
    text: str
    links: list[str]
    has_button: bool


def needs_on(response) -> list[Item]:
    """The "Needs you" items of a page as a reader meets them: kind, words, links, button."""
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    return [
        Item(
            kind,
            text_of_markup(inside).strip(),
            [html.unescape(link) for link in re.findall(r'href="([^"]+)"', inside)],
            'class="button' in inside,
        )
        for kind, inside in re.findall(r'<li class="need need-([a-z-]+)">(.*?)</li>', page, re.S)
    ]


def kinds_on(response) -> list[str]:
    return [item.kind for item in needs_on(response)]


@pytest.fixture
def needs(client):
    """The items of one kind on the dashboard and on the coalition's overview, which must agree."""

    def read(coalition, kind: str) -> list[Item]:
        on_dashboard = [item for item in needs_on(client.get("/dashboard")) if item.kind == kind]
        on_overview = [
            item for item in needs_on(client.get(f"/coalitions/{coalition.slug}")) if item.kind == kind
        ]
        assert [(i.text, i.links) for i in on_overview] == [(i.text, i.links) for i in on_dashboard]
        return on_overview

    return read


@pytest.fixture
def demo(app, db, client, login):
    """The demo data (`flask demo load`), with its organizer logged in; coalitions by name."""
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    login(DEMO_ORGANIZER["email"], DEMO_ORGANIZER["password"])
    return {coalition.name: coalition for coalition in db.session.scalars(select(Coalition))}


def deadline_in(delta: timedelta, zone="America/New_York") -> str:
    """A letter form's deadline that far from now, as typed in `zone`."""
    return to_local(utcnow() + delta, zone).strftime("%Y-%m-%dT%H:%M")


def make_day(db, coalition, author_id=None):
    today = utcnow().date()
    fields = {"title": "Families Belong Together", "title_es": "", "description": "", "description_es": ""}
    fields |= {"demand": "", "demand_es": "", "proposals_open": True}
    day = actions.create_day(
        coalition.id,
        author_id,
        fields | {"starts_on": today + timedelta(days=21), "ends_on": today + timedelta(days=21)},
    )
    actions.publish(day)
    db.session.commit()
    return day


def make_event(
    db, day, starts_in: timedelta, state=EventState.SCHEDULED, capacity=None, title="Rally at City Hall"
):
    """An event starting that far from now (its local time in Philadelphia)."""
    start = to_local(utcnow() + starts_in, "America/New_York").replace(second=0, microsecond=0)
    fields = event_fields(
        "19107",
        start,
        capacity=capacity,
        title=title,
        description="",
        venue="City Hall",
        address="1400 John F Kennedy Blvd",
    )
    # Whoever proposes an event names themselves; an event organizers add names no one.
    contact = "Rosa" if state == EventState.PROPOSED else None
    host = actions.Host("Vecinos de Kensington", email="host@vecinos.example", contact_name=contact)
    event = actions.create_event(day, host, fields, state, utcnow())
    db.session.commit()
    return event


def rsvp(db, event, email: str):
    person = {"first_name": "Ana", "last_name": "", "email": email, "zip_code": "19104", "phone": ""}
    rsvps.rsvp(event, person, "en", None, utcnow())
    db.session.commit()


def later(monkeypatch, **delta) -> datetime:
    """The desk's clock moved on by `delta` (the pages read it; the records stay as they are)."""
    moment = utcnow() + timedelta(**delta)
    monkeypatch.setattr("campaign.desk.views.utcnow", lambda: moment)
    return moment


def fill(db, coalition, number: int = 0, name: str = "") -> None:
    """One of every cause the desk lists, made directly through the services (for tests about
    who sees what and how many queries it takes, not about each cause: test_needs.py)."""
    from campaign.letters import services as letters
    from campaign.letters.models import Signature, SignatureState, SignerKind
    from campaign.notifications import services as alerts
    from campaign.petitions import services as petitions
    from campaign.petitions import signing
    from campaign.supporters.services import record_consent, upsert_supporter

    now, tag = utcnow(), f"{coalition.slug}-{number}"
    name = name or tag  # in the titles of what it makes
    supporter = upsert_supporter(
        coalition.id, email=f"ana.{tag}@example.org", first_name="Ana", language="en"
    )
    record_consent(supporter, "Yes", "en", source="test")
    fields = {"title": f"Letter {name}", "body": "Dear Secretary,", "deadline": now + timedelta(days=2)}
    letter = letters.create_letter(
        coalition.id, None, fields, [{"name": "Jeh Johnson", "title": "", "office": ""}]
    )
    letters.open_letter(letter, now)
    for late in (False, True):
        db.session.add(
            Signature(
                letter=letter,
                kind=SignerKind.ORGANIZATION,
                organization_name=f"Org {tag} {late}",
                state=SignatureState.PENDING,
                late=late,
                confirmed_at=now,
                supporter=supporter,
            )
        )
    petition = petitions.create_petition(
        coalition.id, None, petition_form(title=f"Petition {name}") | {"goal": 1, "deadline": None}
    )
    petitions.open_petition(petition, now)
    held = {"first_name": "Bot", "email": f"bot.{tag}@example.org", "zip_code": "19104"}
    signing.sign(petition, held, "en", ip_hash="f" * 64, consent_wording=None, quarantine_reason="rate")
    signed = {"first_name": "Ana", "email": f"ana.{tag}@example.org", "zip_code": "19104"}
    signature = db.session.get(PetitionSignature, signing.sign(petition, signed, "en", None, None))
    signing.confirm(signature, now, signing.shown_digest(signature))
    petition.signature_count = 1
    day = make_day(db, coalition)
    make_event(db, day, timedelta(days=21), state=EventState.PROPOSED, title=f"Vigil {name}")
    rsvp(db, make_event(db, day, timedelta(days=2), title=f"Rally {name}"), f"rosa.{tag}@example.org")
    audience = {"subject": f"Alert {name}", "body": "Come.", "subject_es": "", "body_es": ""}
    soon = alerts.save_alert(coalition.id, None, audience | {"audience": {"source": "subscribers"}})
    alerts.schedule(soon, now + timedelta(hours=3), "America/New_York")
    paused = alerts.save_alert(coalition.id, None, audience | {"audience": {"source": "subscribers"}})
    alerts.start(paused)
    alerts.create_deliveries(paused)
    alerts.pause(paused)
    db.session.flush()
    for delivery in db.session.scalars(select(Delivery).where(Delivery.message_id == paused.id)):
        delivery.state, delivery.claimed_at = DeliveryState.FAILED, now
    db.session.commit()
    dispatch_committed()  # the emails the causes queued go now, not inside a page's queries


# The "Needs you" kinds `fill` makes one of each, sorted as the tests compare them.
FILLED_KINDS = [
    "alert-paused",
    "alert-soon",
    "deadline",
    "event-soon",
    "failed-deliveries",
    "held-back",
    "late-sign-ons",
    "milestone",
    "proposal",
    "sign-ons",
]
