"""RSVPs: one per person per event, a waitlist when the event is full, cancelling, check-in and
walk-ins at the door."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from campaign.actions import notices
from campaign.actions.models import WALK_IN_KEY, Event, Rsvp, RsvpState
from campaign.actions.signals import rsvp_cancelled, rsvp_created
from campaign.core.crypto import email_blind_index
from campaign.core.outbox import utcnow
from campaign.core.repeats import count_repeat_email
from campaign.extensions import db
from campaign.notifications.suppression import suppressed_indexes
from campaign.supporters.models import Subscription, Supporter
from campaign.supporters.services import SavedSupporter, record_consent, save_supporter, unsubscribe
from campaign.supporters.signals import supporter_erasing, supporter_exporting


class EventClosed(Exception):
    """The event takes no RSVPs (cancelled, not yet approved, or already over)."""


class DoorsNotOpen(Exception):
    """Too early for walk-ins: the doors open DOORS_OPEN_BEFORE the start."""


class WalkInEmailsFull(Exception):
    """The event's door has taken all the emails for news it may (WALK_IN_EMAILS_PER_EVENT)."""


@dataclass(frozen=True)
class Outcome:
    """What the page tells the person at the keyboard: `state` is what a newcomer gets right now
    (going, or the waitlist), so the page never reveals whether this address had RSVPed."""

    rsvp_id: int
    state: RsvpState


def rsvp(
    event: Event,
    fields: dict,
    language: str,
    consent_wording: str | None,
    now: datetime,
    source: str | None = None,
    consent_language: str | None = None,
) -> Outcome:
    """The public form's RSVP, and the API's (`source`: its referrer_data.source, kept with a new
    RSVP; a repeat keeps the first one's; `consent_language`: its words' language, if not the
    RSVP's)."""
    _lock(event)
    if not event.is_scheduled or event.ends_at <= now:
        raise EventClosed
    supporter = save_supporter(
        event.coalition_id,
        email=fields["email"],
        first_name=fields["first_name"],
        last_name=fields.get("last_name") or None,
        zip_code=fields["zip_code"],
        phone=fields.get("phone") or None,
        language=language,
    )
    supporter_id = supporter.id
    email_index = email_blind_index(fields["email"], coalition_id=event.coalition_id)
    if consent_wording:
        consent_language = consent_language or language
        _consent(event, supporter, email_index, consent_wording, consent_language, f"event:{event.id}")
    state = RsvpState.GOING if has_room(event) else RsvpState.WAITLISTED
    existing = db.session.scalar(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.email_index == email_index)
    )
    if existing is not None and existing.state != RsvpState.CANCELLED:
        _tell_already(existing)
        return Outcome(existing.id, state)
    if existing is None:
        existing = Rsvp(event_id=event.id, email_index=email_index)
        db.session.add(existing)
    # Coming back after cancelling joins at the end of the line, like anyone new.
    existing.supporter_id, existing.language, existing.state = supporter_id, language, state
    existing.first_name = fields["first_name"].strip()
    existing.last_name = (fields.get("last_name") or "").strip() or None
    existing.phone = fields.get("phone") or None
    existing.source = source
    existing.created_at, existing.cancelled_at, existing.promoted_at = now, None, None
    db.session.flush()
    notices.tell_rsvp(existing, "going" if state == RsvpState.GOING else "waitlisted")
    rsvp_created.send(existing)
    return Outcome(existing.id, state)


def _consent(
    event: Event, supporter: SavedSupporter, email_index: str, wording: str, language: str, source: str
) -> None:
    """A new address's consent is recorded now, as it has no other owner to ask. An RSVP has no
    confirmation step, so for an address on file the owner is emailed a link to subscribe: a
    stranger who types it can neither resubscribe nor record consent for them. Not an address
    whose mail was refused: the question is sent past unsubscribing, never past a bounce."""
    if supporter.is_new:
        record_consent(db.session.get(Supporter, supporter.id), wording, language, source=source)
    elif supporter.subscription != Subscription.SUBSCRIBED and not suppressed_indexes(
        event.coalition_id, [email_index]
    ):
        notices.ask_to_subscribe(event, supporter.id)


def _lock(event: Event) -> None:
    """Two RSVPs racing for the last place take turns on the event's row, and each reads it
    afresh once its turn comes (a cancellation or a new capacity may have landed meanwhile)."""
    db.session.refresh(event, with_for_update=True)


def going_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count()).where(Rsvp.event_id == event.id, Rsvp.state == RsvpState.GOING)
    )


def places_left(event: Event) -> int | None:
    """None when the event has no limit."""
    return None if event.capacity is None else max(0, event.capacity - going_count(event))


def has_room(event: Event) -> bool:
    return places_left(event) != 0


def _tell_already(existing: Rsvp) -> None:
    """The address's owner (not the person typing) is reminded of their RSVP, three times at most."""
    told = count_repeat_email(Rsvp, existing.id)
    if told is not None:
        notices.tell_rsvp(existing, "already", key=f"already:{told}")


def cancel(rsvp: Rsvp, now: datetime) -> bool:
    """False if it was cancelled already. A freed place goes to the first person waiting."""
    if rsvp.state == RsvpState.CANCELLED:
        return False
    _lock(rsvp.event)
    held_a_place = rsvp.holds_a_place
    rsvp.state, rsvp.cancelled_at, rsvp.checked_in_at = RsvpState.CANCELLED, now, None
    db.session.flush()
    rsvp_cancelled.send(rsvp)
    if held_a_place:
        promote_waitlist(rsvp.event, now)
    return True


def promote_waitlist(event: Event, now: datetime) -> int:
    """Give freed places (a cancellation, a bigger capacity) to the waitlist in order; each
    promoted person is emailed the details, the private address included. Nobody is promoted to
    an event that is cancelled or over."""
    _lock(event)
    if not event.is_scheduled or event.ends_at <= now:
        return 0
    room = places_left(event)
    waiting = select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.state == RsvpState.WAITLISTED)
    promoted = db.session.scalars(waiting.order_by(Rsvp.created_at, Rsvp.id).limit(room)).all()
    for person in promoted:
        person.state, person.promoted_at = RsvpState.GOING, now
        notices.tell_rsvp(person, "promoted")
    db.session.flush()
    return len(promoted)


def check_in(rsvp: Rsvp, now: datetime, undo: bool = False) -> None:
    """One tap at the door; `undo` takes back a mistaken tap, and a walk-in added by mistake
    with the subscription it made."""
    if rsvp.state == RsvpState.CANCELLED:
        return
    if undo and rsvp.is_walk_in:
        rsvp.state, rsvp.cancelled_at = RsvpState.CANCELLED, now
        _take_back_consent(rsvp)
        rsvp_cancelled.send(rsvp)
    rsvp.checked_in_at = None if undo else now
    db.session.flush()


def _take_back_consent(walk_in: Rsvp) -> None:
    """A walk-in removed (a wrong address typed, the wrong person added) unsubscribes the address
    its form subscribed: when the consent given at this door is the record's only one, and no
    walk-in still standing here gave the address. An address with consent from anywhere else,
    or one on file that was only asked (no consent recorded), keeps its state."""
    supporter = walk_in.supporter
    if supporter is None:
        return
    if {consent.source for consent in supporter.consents} != {f"walk-in:{walk_in.event_id}"}:
        return
    still_here = select(Rsvp.id).where(
        Rsvp.event_id == walk_in.event_id,
        Rsvp.supporter_id == supporter.id,
        Rsvp.state == RsvpState.WALK_IN,
        Rsvp.id != walk_in.id,
    )
    if db.session.scalar(still_here.limit(1)) is None:
        unsubscribe(supporter)


@dataclass(frozen=True)
class WalkIn:
    """Someone the host adds at the door. Their email is kept (on the coalition's supporter
    record, sealed and blind-indexed) only with the consent they gave to news, in its words."""

    first_name: str
    zip_code: str | None = None
    email: str | None = None
    consent_wording: str | None = None


def add_walk_in(event: Event, person: WalkIn, once: str, language: str, now: datetime) -> Rsvp:
    """Checked in as they are added, once the doors are open. `once` is the nonce of the form
    that adds them: the same form sent again (a double tap, a reload) returns the walk-in it
    added instead of a second."""
    _lock(event)
    if not event.is_scheduled:
        raise EventClosed
    key = WALK_IN_KEY + once
    added = _walk_in_added(event, key)
    if added is not None:
        return added
    if not event.doors_are_open(now):  # the page shows no form before; the start may have moved
        raise DoorsNotOpen
    wants_news = bool(person.email and person.consent_wording)
    if wants_news and _emails_taken(event) >= current_app.config["WALK_IN_EMAILS_PER_EVENT"]:
        raise WalkInEmailsFull
    walk_in = Rsvp(
        event_id=event.id,
        email_index=key,
        state=RsvpState.WALK_IN,
        language=language,
        zip_code=person.zip_code or None,
        created_at=now,
        checked_in_at=now,
    )
    walk_in.first_name = person.first_name.strip()
    try:
        # The same form sent twice at the same moment meets the unique key: one walk-in, one consent.
        with db.session.begin_nested():
            if wants_news:
                walk_in.supporter_id = _follow_up(event, person, language)
            db.session.add(walk_in)
    except IntegrityError:
        return _walk_in_added(event, key)
    rsvp_created.send(walk_in)
    return walk_in


def _emails_taken(event: Event) -> int:
    """Walk-ins of the event who gave an email, removed ones too: each subscribed or asked an address."""
    return db.session.scalar(
        select(func.count()).where(
            Rsvp.event_id == event.id,
            Rsvp.email_index.startswith(WALK_IN_KEY),
            Rsvp.supporter_id.is_not(None),
        )
    )


def _walk_in_added(event: Event, key: str) -> Rsvp | None:
    return db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.email_index == key))


def _follow_up(event: Event, person: WalkIn, language: str) -> int:
    """The walk-in's supporter record, with their consent (as an RSVP's box records it). A new
    one is on file at once: the person stood before the host and gave the address. One on file
    already keeps its state (its owner is asked by email, as after an RSVP)."""
    supporter = save_supporter(
        event.coalition_id,
        email=person.email,
        first_name=person.first_name,
        zip_code=person.zip_code,
        language=language,
        confirmed=True,
    )
    email_index = email_blind_index(person.email, coalition_id=event.coalition_id)
    _consent(event, supporter, email_index, person.consent_wording, language, source=f"walk-in:{event.id}")
    return supporter.id


@dataclass(frozen=True)
class RosterRow:
    rsvp: Rsvp
    name: str
    email: str
    phone: str


def roster(event: Event, search: str = "") -> list[RosterRow]:
    """The event's RSVPs with their contact (decrypted here, for the host of this event only),
    going first, then the waitlist in order, then walk-ins; `search` keeps names containing it.

    The name and phone are those typed with the RSVP, never the coalition's record of the
    address; only RSVPs made before they were kept (no name of their own) fall back to it."""
    rsvps = db.session.execute(
        select(Rsvp, Supporter)
        .outerjoin(Supporter, Supporter.id == Rsvp.supporter_id)  # a walk-in may have none
        .where(
            Rsvp.event_id == event.id,
            Rsvp.state != RsvpState.CANCELLED,
            or_(Rsvp.supporter_id.is_not(None), Rsvp.state == RsvpState.WALK_IN),
        )
        .order_by(Rsvp.state, Rsvp.created_at, Rsvp.id)  # going, waitlisted, walk_in
    ).all()
    rows = [_roster_row(rsvp, supporter) for rsvp, supporter in rsvps]
    needle = search.strip().casefold()
    return [row for row in rows if needle in row.name.casefold()] if needle else rows


def _roster_row(rsvp: Rsvp, supporter: Supporter | None) -> RosterRow:
    # RSVPs made before names were kept with them have none of their own: the record names them.
    typed = supporter if rsvp.first_name is None and supporter is not None else rsvp
    name = " ".join(part for part in (typed.first_name, typed.last_name) if part)
    email = supporter.email if supporter is not None else None
    return RosterRow(rsvp=rsvp, name=name, email=email or "", phone=typed.phone or "")


@supporter_erasing.connect
def forget_attendee(supporter) -> None:
    """An erased person's RSVPs are cancelled (their places go to the waitlist) and lose the
    email's blind index, which would tie the erased address to the events."""
    for attendance in db.session.scalars(select(Rsvp).where(Rsvp.supporter_id == supporter.id)).all():
        cancel(attendance, utcnow())
        attendance.email_index = f"erased:{attendance.id}"
        attendance.first_name = attendance.last_name = attendance.phone = attendance.zip_code = None
    db.session.flush()


@supporter_exporting.connect
def describe_rsvps(supporter) -> list[str]:
    rows = db.session.execute(
        select(Rsvp.created_at, Event.title, Rsvp.state)
        .join(Event, Event.id == Rsvp.event_id)
        .where(Rsvp.supporter_id == supporter.id)
        .order_by(Rsvp.created_at)
    )
    return [
        f"{made_at:%Y-%m-%d} · {'walk-in' if state == RsvpState.WALK_IN else 'RSVP'} · {title} · {state}"
        for made_at, title, state in rows
    ]
