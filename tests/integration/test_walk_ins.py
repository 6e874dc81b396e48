"""Walk-ins on PostgreSQL, where a host's double tap really sends the form twice at once."""

import threading
from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from campaign.actions import rsvps, services
from campaign.actions.models import Event, EventKind, EventState, Rsvp, RsvpState
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.supporters.models import Consent
from campaign.supporters.services import find_supporter
from tests.integration.helpers import make_coalition, make_organizer, new_address
from tests.services import wait_until

pytestmark = pytest.mark.integration

NONCE = "double-tap-nonce-000001"


def _event(app) -> int:
    organizer = make_organizer(app)
    coalition_id, _ = make_coalition(app, organizer, "Double Tap Coalition")
    with app.app_context():
        on = date(2098, 5, 29)
        day_fields = {"title": "Door day", "title_es": "", "description": "", "description_es": ""}
        day_fields |= {"demand": "", "demand_es": "", "starts_on": on, "ends_on": on, "proposals_open": False}
        day = services.create_day(coalition_id, None, day_fields)
        fields = {name: "" for name in ("title_es", "description", "description_es", "venue", "hotline")}
        fields |= {"title": "Vigil", "kind": EventKind.VIGIL, "address": "1 Main St", "address_public": True}
        fields |= {"capacity": None, "accessibility": "", "languages": "en", "marshals": False}
        fields |= {"legal_observers": False, "safety_notes": "", "zip_code": "19104"}
        fields |= {"starts_at": datetime(2098, 5, 29, 18), "ends_at": datetime(2098, 5, 29, 20)}
        event = services.create_event(day, services.Host("Juntos"), fields, EventState.SCHEDULED, utcnow())
        db.session.commit()
        return event.id


def _add(event_id: int, email: str) -> int:
    person = rsvps.WalkIn("Lupe", "19143", email, "Email me news.")
    event = db.session.get(Event, event_id)
    return rsvps.add_walk_in(event, person, NONCE, "es", event.starts_at).id  # at the door


def test_a_walk_in_form_sent_twice_at_once_adds_one_person_with_one_consent(it_app):
    event_id = _event(it_app)
    email = new_address("lupe")
    second: dict = {}

    def second_tap():
        with it_app.app_context():
            try:
                second["id"] = _add(event_id, email)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported to the test below
                second["error"] = error

    with it_app.app_context():
        first_id = _add(event_id, email)  # the first tap, not committed yet
        thread = threading.Thread(target=second_tap)
        thread.start()
        with db.engine.connect() as watcher:
            waiting = text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :name AND wait_event_type = 'Lock'"
            )

            def second_tap_waits() -> int:
                try:
                    return watcher.execute(waiting, {"name": db.engine.url.database}).scalar()
                finally:
                    watcher.rollback()

            wait_until(second_tap_waits, timeout=30, message="the second tap to wait for the first")
        db.session.commit()
        thread.join(timeout=30)

    assert not thread.is_alive() and "error" not in second, second.get("error")
    assert second["id"] == first_id
    with it_app.app_context():
        walk_ins = db.session.scalars(
            select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.state == RsvpState.WALK_IN)
        ).all()
        assert [walk_in.id for walk_in in walk_ins] == [first_id]
        supporter = find_supporter(db.session.get(Event, event_id).coalition_id, email)
        consents = db.session.scalars(select(Consent).where(Consent.supporter_id == supporter.id)).all()
        assert [(consent.source, consent.language) for consent in consents] == [(f"walk-in:{event_id}", "es")]
