"""Calendar files: the public feed keeps private addresses out; an attendee's file has it."""

from datetime import datetime

from icalendar import Calendar

from campaign.actions import calendar, services
from campaign.notifications import attachments
from tests.actions.conftest import NOW, event_fields

PRIVATE = "12 Safe House Lane"
PUBLIC = "1 Penn Square"


def locations(data: bytes) -> dict[str, str]:
    entries = Calendar.from_ical(data).walk("VEVENT")
    return {str(entry["summary"]): str(entry["location"]) for entry in entries}


def test_the_public_feed_never_shows_a_private_address(make_event):
    hidden = make_event(address=PRIVATE, address_public=False, title="Vigil")
    shown = make_event(address=PUBLIC, address_public=True, title="Rally")
    feed = calendar.calendar_of([hidden, shown], "Families Belong Together", "en")
    assert PRIVATE.encode() not in feed
    assert locations(feed) == {
        "Vigil": "Philadelphia, PA",  # a private place keeps its venue name out too
        "Rally": f"Clark Park, {PUBLIC}, Philadelphia, PA",
    }


def test_times_are_in_utc_and_a_cancelled_event_is_marked_so(make_event):
    event = make_event(zip_code="90012", start=datetime(2027, 5, 29, 10, 0))
    services.cancel(event)
    (entry,) = Calendar.from_ical(calendar.calendar_of([event], "Day", "en")).walk("VEVENT")
    assert entry.decoded("dtstart").replace(tzinfo=None) == datetime(2027, 5, 29, 17, 0)
    assert entry.decoded("dtstart").utcoffset().total_seconds() == 0
    assert str(entry["status"]) == "CANCELLED"


def test_the_file_attached_to_an_attendee_email_includes_the_private_address(make_event):
    event = make_event(address=PRIVATE, address_public=False, title="Vigil")
    attachment = attachments.build({"kind": "event_ics", "event_id": event.id})
    assert attachment.content_type.startswith("text/calendar")
    assert attachment.filename.endswith(".ics")
    assert locations(attachment.data) == {"Vigil": f"Clark Park, {PRIVATE}, Philadelphia, PA"}


def test_no_file_for_an_event_that_no_longer_exists(make_event):
    assert attachments.build({"kind": "event_ics", "event_id": 999999}) is None


def test_a_moved_event_comes_with_a_higher_sequence_so_calendars_replace_it(make_event):
    event = make_event(zip_code="19104", start=datetime(2027, 5, 29, 10, 0))
    (before,) = Calendar.from_ical(calendar.calendar_of([event], "Day", "en")).walk("VEVENT")
    services.update_event(event, event_fields(start=datetime(2027, 5, 29, 11, 0)), NOW)
    (after,) = Calendar.from_ical(calendar.calendar_of([event], "Day", "en")).walk("VEVENT")
    assert (before["uid"], before["sequence"]) == (after["uid"], 0) and after["sequence"] == 1
