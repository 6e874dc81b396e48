"""Days of action and their events: writing, publishing, proposals, changes and cancellations."""

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from campaign.actions import notices, rsvps
from campaign.actions.models import (
    DAY_FIELDS,
    EVENT_FIELDS,
    DayOfAction,
    DayState,
    Event,
    EventState,
    Rsvp,
    RsvpState,
)
from campaign.core import transitions
from campaign.core.crypto import canonical_email
from campaign.core.places import place_of
from campaign.core.slugs import unique_slug
from campaign.core.zones import to_local
from campaign.extensions import db
from campaign.supporters.signals import address_erasing, address_exporting

# Reminders go out at these local times: the day before, and the morning of the event (or this
# long before an early start).
DAY_BEFORE_AT = time(10, 0)
MORNING_AT = time(8, 0)
EARLY_START_NOTICE = timedelta(hours=2)


# Paths under /actions/ that a day's slug must not take.
RESERVED_SLUGS = frozenset({"host", "rsvp"})


class EventStateError(Exception):
    """The event is no longer in a state that allows this (a teammate or the host moved it)."""


class ReportNotOpen(Exception):
    """The host's report of turnout opens when the event starts."""


def create_day(coalition_id: int, author_id: int, fields: dict) -> DayOfAction:
    day = DayOfAction(
        coalition_id=coalition_id,
        created_by_id=author_id,
        slug=unique_slug(fields["title"], DayOfAction.slug, "day-of-action", reserved=RESERVED_SLUGS),
    )
    update_day(day, fields)
    db.session.add(day)
    db.session.flush()
    return day


def update_day(day: DayOfAction, fields: dict) -> None:
    for name in (*DAY_FIELDS, "starts_on", "ends_on", "proposals_open"):
        setattr(day, name, fields[name])
    db.session.flush()


def publish(day: DayOfAction) -> None:
    """The day goes public, and hosts of its events receive their host links (not before: the
    link's email sends them to the event's public page)."""
    day.state = DayState.PUBLISHED
    db.session.flush()
    for event in events_of(day, states=(EventState.SCHEDULED,)):
        notices.send_host_link(event)


def is_over(events: list[Event], day: DayOfAction, now: datetime) -> bool:
    """Once its last event has ended, wherever it was (Hawaii's evening is Philadelphia's night)."""
    ends = [event.ends_at for event in events if event.state == EventState.SCHEDULED]
    return max(ends) <= now if ends else day.ends_on < now.date()


@dataclass(frozen=True)
class Host:
    """Who hosts an event: a member organization, or for a supporter's proposal their group's name."""

    name: str
    organization_id: int | None = None
    email: str | None = None
    language: str = "en"
    contact_name: str | None = None  # who proposed the event


def create_event(day: DayOfAction, host: Host, fields: dict, state: EventState, now: datetime) -> Event:
    """`fields` as the event form gives them: local start and end, ZIP code and the written fields."""
    event = Event(
        day=day,
        coalition_id=day.coalition_id,
        host_name=host.name,
        host_organization_id=host.organization_id,
        host_email=host.email,
        host_language=host.language,
        host_contact_name=host.contact_name,
        host_key=secrets.token_hex(16),
        state=state,
    )
    _write(event, fields, now)
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, fields: dict, now: datetime) -> bool:
    """Save the form; attendees are emailed when the time or the place changed (True if they
    were), and a bigger capacity lets people in from the waitlist."""
    if event.state in (EventState.CANCELLED, EventState.DECLINED):
        raise EventStateError("a cancelled or declined event cannot be changed")
    before = _time_and_place(event)
    _write(event, fields, now)
    changed = _time_and_place(event) != before
    if changed:
        event.revision += 1
    if changed and event.is_scheduled:
        notices.tell_attendees_later(event, "changed", key=f"changed:{now.isoformat()}")
    db.session.flush()
    rsvps.promote_waitlist(event, now)
    return changed and event.is_scheduled


def _time_and_place(event: Event) -> tuple:
    return (event.starts_at, event.ends_at, event.venue, event.address, event.zip_code)


def _write(event: Event, fields: dict, now: datetime) -> None:
    for name in EVENT_FIELDS:
        setattr(event, name, fields[name])
    place = place_of(fields["zip_code"])
    event.zip_code, event.city, event.us_state = place.zip_code, place.city, place.state
    event.lat, event.lon, event.time_zone = place.lat, place.lon, place.time_zone
    zone = ZoneInfo(place.time_zone)
    event.starts_at = _utc(fields["starts_at"], zone)
    event.ends_at = _utc(fields["ends_at"], zone)
    _schedule_reminders(event, zone, now)


def _utc(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _schedule_reminders(event: Event, zone: ZoneInfo, now: datetime) -> None:
    """Reminder times follow the event's local time. A reminder whose time has already passed
    (an event set up late) is not sent: the RSVP or change email has just said it all. A moved
    event gets its reminders again, for the new time."""
    starts = local_start(event)
    day_before = datetime.combine(starts.date() - timedelta(days=1), DAY_BEFORE_AT)
    morning = min(datetime.combine(starts.date(), MORNING_AT), starts - EARLY_START_NOTICE)
    for name, local in (("day_before", day_before), ("morning", morning)):
        due = _utc(local, zone)
        if getattr(event, f"{name}_due_at") != due:
            setattr(event, f"{name}_due_at", due if due > now else None)
            setattr(event, f"{name}_sent_at", None)


def local_start(event: Event) -> datetime:
    return to_local(event.starts_at, event.time_zone)


def approve(event: Event) -> None:
    """A proposal becomes a scheduled, public event; its host receives the host link."""
    _move(event, (EventState.PROPOSED,), EventState.SCHEDULED)
    notices.send_host_link(event)


def decline(event: Event) -> None:
    _move(event, (EventState.PROPOSED,), EventState.DECLINED)
    notices.tell_host_declined(event)


def cancel(event: Event) -> None:
    """Cancelled events stay listed as cancelled; everyone holding a place or waiting is told."""
    _move(event, (EventState.SCHEDULED,), EventState.CANCELLED)
    event.revision += 1
    notices.tell_attendees_later(event, "cancelled", key="cancelled")


def _move(event: Event, allowed, to_state: EventState) -> None:
    if not transitions.move(event, allowed, to_state):
        raise EventStateError(f"not allowed while the event is {event.state.value}")


def set_host(event: Event, host: Host) -> None:
    """A new host address gets a new host link; the old address's link stops working."""
    new_address = (host.email or None) != (event.host_email or None)
    event.host_organization_id, event.host_name, event.host_email = (
        host.organization_id,
        host.name,
        host.email,
    )
    if new_address:
        new_host_key(event)
    db.session.flush()


def new_host_key(event: Event) -> None:
    """Earlier host links stop working (one was forwarded too far); the host is sent the new one."""
    event.host_key = secrets.token_hex(16)
    db.session.flush()
    notices.send_host_link(event)


def _hosted_by(email: str) -> list[Event]:
    """Events whose host contact is this address, in every coalition. The address is encrypted
    with no blind index, so the events with a host contact are compared one by one: they are few,
    and this runs only for a data request."""
    wanted = canonical_email(email)
    hosted = select(Event).where(Event.host_email.is_not(None)).order_by(Event.starts_at)
    return [event for event in db.session.scalars(hosted) if canonical_email(event.host_email) == wanted]


@address_erasing.connect
def forget_host(email: str) -> int:
    """An erased person's address and name leave the events they proposed, whether or not they
    were ever a supporter; the host link keeps working for whoever holds it."""
    events = _hosted_by(email)
    for event in events:
        event.host_email = event.host_contact_name = None
    db.session.flush()
    return len(events)


@address_exporting.connect
def describe_hosting(email: str) -> list[dict]:
    """A data copy's record per coalition whose events this address hosts."""
    by_coalition: dict[int, list[Event]] = {}
    for event in _hosted_by(email):
        by_coalition.setdefault(event.coalition_id, []).append(event)
    return [
        {
            "coalition": events[0].day.coalition.name,
            "fields": {"email": events[0].host_email, "host_name": events[0].host_contact_name},
            "consents": [],
            "activity": [f"{event.starts_at:%Y-%m-%d} · hosting · {event.title}" for event in events],
        }
        for events in by_coalition.values()
    ]


def events_of(day: DayOfAction, states=(EventState.SCHEDULED, EventState.CANCELLED)) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event).where(Event.day_id == day.id, Event.state.in_(states)).order_by(Event.starts_at)
        )
    )


RsvpFigures = tuple[dict[int, dict[RsvpState, int]], dict[int, int]]


def rsvp_figures(event_ids: list[int]) -> RsvpFigures:
    """Event id -> {state: number of RSVPs}, and event id -> people checked in, walk-ins
    included (events with none left out), in one read: the organizer's and the host's tables
    and the summary."""
    counts: dict[int, dict[RsvpState, int]] = {event_id: {} for event_id in event_ids}
    checked_in: dict[int, int] = {}
    rows = db.session.execute(
        select(Rsvp.event_id, Rsvp.state, func.count(), func.count(Rsvp.checked_in_at))
        .where(Rsvp.event_id.in_(event_ids))
        .group_by(Rsvp.event_id, Rsvp.state)
    )
    for event_id, state, number, arrived in rows:
        counts[event_id][RsvpState(state)] = number
        if arrived:
            checked_in[event_id] = checked_in.get(event_id, 0) + arrived
    return counts, checked_in


def save_report(event: Event, turnout: int, notes: str, photos_url: str, now: datetime) -> None:
    """Nobody has come before the start: a turnout sent earlier is a mistake (or a guess), and
    it would stand in the summary in place of the check-ins."""
    if not event.has_started(now):
        raise ReportNotOpen
    event.turnout, event.report_notes, event.photos_url, event.reported_at = turnout, notes, photos_url, now
    db.session.flush()
