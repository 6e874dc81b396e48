"""Reminders: sent from the times stored on each event, once each, to people holding a place."""

from datetime import datetime, timedelta

from campaign.actions import rsvps, services
from campaign.actions.reminders import send_due_reminders
from tests.actions.conftest import event_fields, notices, recipients, row, rsvp_as

DAY_BEFORE = datetime(2027, 5, 28, 14, 0)  # 10:00 EDT the day before a 10:00 Philadelphia event
MORNING = datetime(2027, 5, 29, 12, 0)  # 08:00 EDT the same day
SECOND = timedelta(seconds=1)


def philadelphia_event(make_event):
    """A full event at 10:00 in Philadelphia: two people going, one waiting, one cancelled."""
    event = make_event(zip_code="19104", start=datetime(2027, 5, 29, 10, 0), capacity=2)
    rsvp_as(event, "one@example.org")
    rsvp_as(event, "two@example.org")
    rsvp_as(event, "waiting@example.org")
    rsvps.cancel(row(rsvp_as(event, "gone@example.org")), datetime(2027, 5, 2))
    return event


def test_nothing_is_sent_before_the_day_before_reminder_falls_due(make_event):
    philadelphia_event(make_event)
    assert send_due_reminders(DAY_BEFORE - SECOND) == 0
    assert notices("day_before") == [] and notices("morning") == []


def test_the_day_before_reminder_goes_once_to_each_person_going(make_event):
    event = philadelphia_event(make_event)
    assert send_due_reminders(DAY_BEFORE) == 1
    assert recipients("day_before") == ["one@example.org", "two@example.org"]
    assert event.day_before_sent_at == DAY_BEFORE
    assert all(m.context["attachment"]["kind"] == "event_ics" for m in notices("day_before"))

    assert send_due_reminders(DAY_BEFORE) == 0
    assert send_due_reminders(DAY_BEFORE + timedelta(hours=3)) == 0
    assert len(notices("day_before")) == 2
    assert notices("morning") == []


def test_the_morning_reminder_goes_once_at_its_time(make_event):
    philadelphia_event(make_event)
    send_due_reminders(DAY_BEFORE)
    assert send_due_reminders(MORNING - SECOND) == 0
    assert send_due_reminders(MORNING) == 1
    assert send_due_reminders(MORNING + timedelta(minutes=30)) == 0
    assert recipients("morning") == ["one@example.org", "two@example.org"]
    assert len(notices("day_before")) == 2


def test_someone_promoted_before_the_reminder_gets_it(make_event):
    event = philadelphia_event(make_event)
    rsvps.cancel(row(rsvp_as(event, "one@example.org")), DAY_BEFORE - timedelta(hours=1))
    send_due_reminders(DAY_BEFORE)
    assert recipients("day_before") == ["two@example.org", "waiting@example.org"]


def test_nothing_is_sent_once_the_event_has_started(make_event):
    event = philadelphia_event(make_event)
    assert send_due_reminders(event.starts_at) == 0
    assert send_due_reminders(event.starts_at + timedelta(hours=1)) == 0
    assert notices("day_before") == [] and notices("morning") == []


def test_a_cancelled_event_is_not_reminded(make_event):
    event = philadelphia_event(make_event)
    services.cancel(event)
    assert send_due_reminders(MORNING) == 0
    assert notices("day_before") == [] and notices("morning") == []


def test_events_at_the_same_local_time_are_reminded_at_their_own_local_time(make_event):
    los_angeles = make_event(zip_code="90012", start=datetime(2027, 5, 29, 10, 0))
    new_york = make_event(zip_code="10001", start=datetime(2027, 5, 29, 10, 0))
    rsvp_as(los_angeles, "la@example.org")
    rsvp_as(new_york, "ny@example.org")
    assert los_angeles.day_before_due_at - new_york.day_before_due_at == timedelta(hours=3)

    assert send_due_reminders(datetime(2027, 5, 28, 14, 0)) == 1  # 10:00 in New York, 07:00 in LA
    assert recipients("day_before") == ["ny@example.org"]
    assert send_due_reminders(datetime(2027, 5, 28, 16, 59)) == 0
    assert send_due_reminders(datetime(2027, 5, 28, 17, 0)) == 1  # 10:00 in Los Angeles
    assert recipients("day_before") == ["la@example.org", "ny@example.org"]

    assert send_due_reminders(datetime(2027, 5, 29, 12, 0)) == 1  # 08:00 in New York
    assert send_due_reminders(datetime(2027, 5, 29, 15, 0)) == 1  # 08:00 in Los Angeles
    assert recipients("morning") == ["la@example.org", "ny@example.org"]


def test_a_moved_event_is_reminded_again_for_its_new_time(make_event):
    event = philadelphia_event(make_event)
    send_due_reminders(DAY_BEFORE)
    services.update_event(
        event, event_fields(start=datetime(2027, 5, 30, 10, 0), capacity=2), DAY_BEFORE + timedelta(hours=1)
    )
    assert send_due_reminders(DAY_BEFORE + timedelta(hours=2)) == 0
    assert send_due_reminders(DAY_BEFORE + timedelta(days=1)) == 1
    assert recipients("day_before") == ["one@example.org"] * 2 + ["two@example.org"] * 2


def test_a_day_before_reminder_missed_until_the_morning_is_not_sent_with_the_morning_one(make_event):
    philadelphia_event(make_event)
    assert send_due_reminders(MORNING) == 1
    assert notices("day_before") == []
    assert recipients("morning") == ["one@example.org", "two@example.org"]
