"""Events as iCalendar (.ics): one event, a day of action's feed, and the file RSVP emails carry."""

from datetime import UTC

from flask import current_app
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from campaign.actions.models import Event, EventState
from campaign.core.outbox import utcnow
from campaign.core.text import one_line
from campaign.core.urls import external_url
from campaign.extensions import db
from campaign.notifications.attachments import Attachment, register


def calendar_of(events: list[Event], name: str, with_private_addresses: bool = False) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Campaign desk//Days of action//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))  # an X- property is not escaped: one line
    for event in events:
        calendar.add_component(_entry(event, with_private_addresses))
    return calendar.to_ical()


def _entry(event: Event, with_private_address: bool) -> CalendarEvent:
    entry = CalendarEvent()
    domain = current_app.config["PUBLIC_URL"].split("//")[-1].split("/")[0]
    entry.add("uid", f"event-{event.id}@{domain}")
    entry.add("summary", event.title)
    entry.add("dtstart", event.starts_at.replace(tzinfo=UTC))
    entry.add("dtend", event.ends_at.replace(tzinfo=UTC))
    entry.add("dtstamp", utcnow().replace(tzinfo=UTC))
    entry.add("sequence", event.revision)
    venue, address = event.place_for(with_private_address)
    entry.add("location", ", ".join(part for part in (venue, address, event.city, event.us_state) if part))
    url = external_url("actions.event", slug=event.day.slug, event_id=event.id)
    entry.add("url", url)
    entry.add("description", f"{event.host_name}\n{url}")
    entry.add("status", "CANCELLED" if event.state == EventState.CANCELLED else "CONFIRMED")
    return entry


def _attachment(event_id: int) -> Attachment | None:
    """The file in an attendee's email: it goes only to people holding a place, so it carries
    the address even when the address is private."""
    event = db.session.get(Event, event_id)
    if event is None:
        return None
    data = calendar_of([event], event.title, with_private_addresses=True)
    return Attachment("event.ics", "text/calendar; method=PUBLISH", data)


register("event_ics", _attachment)
