"""The coalition's events as the API shows them, and their attendances (the RSVPs of people on
file), as OSDI names their fields.

An event is public data: what its public page shows, and counts. A private place (its venue and
address, `Event.place_for`) reaches only people holding a place, by email: never the API,
whatever the key's scope."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import url_for
from sqlalchemy import Select, and_, not_, select

from campaign.actions.models import (
    WALK_IN_KEY,
    DayOfAction,
    DayState,
    Event,
    EventKind,
    EventState,
    Rsvp,
    RsvpState,
)
from campaign.actions.services import rsvp_figures
from campaign.api.hal import NAMESPACE, Page, collection, identifiers, link, page_of, timestamp
from campaign.core.markdown import render_markdown
from campaign.extensions import db
from campaign.supporters.models import Supporter
from campaign.supporters.services import on_file

ORIGIN_SYSTEM = "Campaign desk"
# Published events only: a proposal or a declined one is nobody's business outside the coalition.
EVENT_STATUS = {EventState.SCHEDULED: "confirmed", EventState.CANCELLED: "cancelled"}
# OSDI's response statuses. A waitlisted person would come if a place frees: "tentative". A walk-in
# came without an RSVP, and is listed as having accepted. Our own state is given beside it.
ATTENDANCE_STATUS = {
    RsvpState.GOING: "accepted",
    RsvpState.WALK_IN: "accepted",
    RsvpState.WAITLISTED: "tentative",
    RsvpState.CANCELLED: "declined",
}
OWN_STATUS = f"{NAMESPACE}:status"
DAY_FILTER = "day_of_action"  # the query parameter naming a day's slug: its events only


def listed_events(coalition_id: int, day_slug: str | None = None) -> Select:
    """The coalition's events on its published days of action, scheduled or cancelled; of one
    day (by its slug) if given."""
    query = (
        select(Event)
        .join(DayOfAction, DayOfAction.id == Event.day_id)
        .where(
            Event.coalition_id == coalition_id,
            DayOfAction.state == DayState.PUBLISHED,
            Event.state.in_(EVENT_STATUS),
        )
    )
    return query if day_slug is None else query.where(DayOfAction.slug == day_slug)


def page_of_events(coalition_id: int, day_slug: str | None, number: int, size: int) -> Page:
    """A page of events, oldest first; `extra` holds each one's number of people holding a place."""
    page = page_of(listed_events(coalition_id, day_slug), Event.id, number, size)
    page.extra = accepted_counts([event.id for event in page.items])
    return page


def listed_event(coalition_id: int, event_id: int) -> Event | None:
    return db.session.scalar(listed_events(coalition_id).where(Event.id == event_id))


def accepted_counts(event_ids: list[int]) -> dict[int, int]:
    counts, _ = rsvp_figures(event_ids)
    return {event_id: states.get(RsvpState.GOING, 0) for event_id, states in counts.items()}


def local_timestamp(moment: datetime, zone: str) -> str:
    """A UTC time of the database as the event's local time with its offset: 2027-05-29T10:00:00-04:00."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")


def event_resource(event: Event, accepted: int) -> dict:
    """An event as OSDI names its fields; a field we do not know is left out, as OSDI allows."""
    day = event.day
    resource = {
        "identifiers": identifiers(event.id),
        "origin_system": ORIGIN_SYSTEM,
        "created_date": timestamp(event.created_at),
        "modified_date": timestamp(event.updated_at),
        # Administrative: the events of a day often share a title, and differ by their city.
        "name": f"{event.title} ({event.city}, {event.us_state})",
        "title": event.title,
        "description": str(render_markdown(event.description)),
        "browser_url": url_for("actions.event", slug=day.slug, event_id=event.id, _external=True),
        "type": "open",
        "status": EVENT_STATUS[event.state],
        "start_date": local_timestamp(event.starts_at, event.time_zone),
        "end_date": local_timestamp(event.ends_at, event.time_zone),
        f"{NAMESPACE}:time_zone": event.time_zone,
        f"{NAMESPACE}:kind": event.kind.value,
        "capacity": event.capacity,
        "total_accepted": accepted,
        "location": location(event),
        f"{NAMESPACE}:day_of_action": {
            "slug": day.slug,
            "title": day.title,
            "browser_url": url_for("actions.public_day", slug=day.slug, _external=True),
        },
        "_links": {
            "self": link("api.events.show", event_id=event.id),
            "osdi:attendances": link("api.events.attendances", event_id=event.id),
            "osdi:record_attendance_helper": link("api.events.record_attendance", event_id=event.id),
        },
    }
    return {name: value for name, value in resource.items() if value not in (None, "")}


def location(event: Event) -> dict:
    """Where the event is, as its public page shows it: the place's name and street only when
    public, and never a virtual event's meeting link (its street address field holds the link)."""
    venue, address = event.place_for(holds_a_place=False)
    street = address and event.kind != EventKind.VIRTUAL
    place = {
        "venue": venue or None,
        "address_lines": [address] if street else None,
        "locality": event.city,
        "region": event.us_state,
        "postal_code": event.zip_code,
        "country": "US",
        # The ZIP code's center, not the place's: the same for a private place as for a public one.
        "location": {"latitude": event.lat, "longitude": event.lon, "accuracy": "Approximate"},
    }
    return {name: value for name, value in place.items() if value is not None}


def events_resource(page: Page, query: dict) -> dict:
    embedded = [event_resource(each, page.extra[each.id]) for each in page.items]
    return collection("api.events.index", "osdi:events", page, embedded, query)


def attendances_of(event: Event) -> Select:
    """The event's RSVPs and walk-ins whose person is on file (confirmed, not erased); not a
    walk-in the host took back (added by mistake: nobody came)."""
    return select(Rsvp).where(
        Rsvp.event_id == event.id,
        Rsvp.supporter_id.in_(on_file(event.coalition_id, Supporter.id)),
        not_(and_(Rsvp.state == RsvpState.CANCELLED, Rsvp.email_index.startswith(WALK_IN_KEY))),
    )


def page_of_attendances(event: Event, number: int, size: int) -> Page:
    return page_of(attendances_of(event), Rsvp.id, number, size)


def attendance(event: Event, attendance_id: int) -> Rsvp | None:
    return db.session.scalar(attendances_of(event).where(Rsvp.id == attendance_id))


def attendance_resource(rsvp: Rsvp) -> dict:
    resource = {
        "identifiers": identifiers(rsvp.id),
        "origin_system": ORIGIN_SYSTEM,
        "created_date": timestamp(rsvp.created_at),
        "modified_date": timestamp(rsvp.updated_at),
        "action_date": timestamp(rsvp.created_at),
        "status": ATTENDANCE_STATUS[rsvp.state],
        OWN_STATUS: rsvp.state.value,
        "attended": rsvp.checked_in_at is not None,
        "_links": {
            "self": link("api.events.attendance", event_id=rsvp.event_id, attendance_id=rsvp.id),
            "osdi:event": link("api.events.show", event_id=rsvp.event_id),
            "osdi:person": link("api.people.show", person_id=rsvp.supporter_id),
        },
    }
    if rsvp.source:
        resource["referrer_data"] = {"source": rsvp.source}
    return resource


def attendances_resource(event: Event, page: Page) -> dict:
    embedded = [attendance_resource(each) for each in page.items]
    return collection("api.events.attendances", "osdi:attendances", page, embedded, {}, event_id=event.id)


def recorded_resource(event: Event, state: RsvpState, source: str | None) -> dict:
    """The record attendance helper's answer: what a newcomer gets now (a place, or the waitlist),
    whoever the person was. No id and no person: a write key reads no people, and the answer is
    the same for a new address, one on file, and one already going (api/attendance_helper.py)."""
    resource = {
        "origin_system": ORIGIN_SYSTEM,
        "status": ATTENDANCE_STATUS[state],
        OWN_STATUS: state.value,
        "_links": {"osdi:event": link("api.events.show", event_id=event.id)},
    }
    if source:
        resource["referrer_data"] = {"source": source}
    return resource
