"""Events as iCalendar (.ics): one event, a day of action's feed, and the file RSVP emails carry."""

from datetime import UTC

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Event as CalendarEvent

from campaign.actions.models import Event, EventState
from campaign.core.calendars import published_calendar, uid_domain
from campaign.core.i18n import with_language
from campaign.core.outbox import utcnow
from campaign.core.urls import external_url
from campaign.extensions import db
from campaign.notifications.attachments import Attachment

ATTACHMENT = "event_ics"  # what an RSVP's emails name to carry the event's .ics (attachment())


def calendar_of(events: list[Event], name: str, language: str, with_private_addresses: bool = False) -> bytes:
    """Titles, descriptions and links in `language`: the page's, or the attendee's for the file
    their emails carry."""
    calendar = published_calendar("Days of action", name)
    with force_locale(language):
        for event in events:
            calendar.add_component(_entry(event, language, with_private_addresses))
    return calendar.to_ical()


def _entry(event: Event, language: str, with_private_address: bool) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.id}@{uid_domain()}")
    entry.add("summary", event.title_in(language))
    entry.add("dtstart", event.starts_at.replace(tzinfo=UTC))
    entry.add("dtend", event.ends_at.replace(tzinfo=UTC))
    entry.add("dtstamp", utcnow().replace(tzinfo=UTC))
    entry.add("sequence", event.revision)
    venue, address = event.place_for(with_private_address)
    entry.add("location", ", ".join(part for part in (venue, address, event.city, event.us_state) if part))
    url = with_language(external_url("actions.event", slug=event.day.slug, event_id=event.id), language)
    entry.add("url", url)
    lines = (_("Hosted by %(host)s", host=event.host_name), event.description_in(language), url)
    entry.add("description", "\n\n".join(line for line in lines if line))
    entry.add("status", "CANCELLED" if event.state == EventState.CANCELLED else "CONFIRMED")
    return entry


def attachment(event_id: int, language: str = "en") -> Attachment | None:
    """The file in an attendee's email, in the language of their RSVP: it goes only to people
    holding a place, so it carries the address even when the address is private. A notice that
    names no language gets English."""
    event = db.session.get(Event, event_id)
    if event is None:
        return None
    data = calendar_of([event], event.title_in(language), language, with_private_addresses=True)
    return Attachment("event.ics", "text/calendar; method=PUBLISH", data)
