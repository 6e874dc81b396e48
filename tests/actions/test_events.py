"""Events: place and time zone from the ZIP code, UTC times, reminder due times, changes,
cancelling, proposals and host links."""

from datetime import datetime

import pytest
from sqlalchemy import select

from campaign.actions import notices as action_notices
from campaign.actions import reminders, rsvps, services
from campaign.actions.models import EventState, RsvpState
from campaign.core.outbox import OutboxEntry
from campaign.extensions import db
from tests.actions.conftest import NOW, event_fields, notices, recipients, row, rsvp_as, state_of


@pytest.mark.parametrize(
    ("zip_code", "city", "state", "zone", "utc_start"),
    [
        ("60601", "Chicago", "IL", "America/Chicago", datetime(2027, 5, 29, 15, 0)),
        ("19104", "Philadelphia", "PA", "America/New_York", datetime(2027, 5, 29, 14, 0)),
        ("90012", "Los Angeles", "CA", "America/Los_Angeles", datetime(2027, 5, 29, 17, 0)),
    ],
)
def test_an_event_takes_its_place_and_time_zone_from_the_zip_code_and_keeps_utc(
    make_event, zip_code, city, state, zone, utc_start
):
    event = make_event(zip_code=zip_code, start=datetime(2027, 5, 29, 10, 0))
    assert (event.city, event.us_state, event.time_zone) == (city, state, zone)
    assert event.lat == pytest.approx(services.place_of(zip_code).lat)
    assert event.lon == pytest.approx(services.place_of(zip_code).lon)
    assert event.starts_at == utc_start
    assert event.ends_at == utc_start.replace(hour=utc_start.hour + 2)
    assert services.local_start(event) == datetime(2027, 5, 29, 10, 0)


def test_reminders_fall_due_at_ten_the_day_before_and_eight_the_same_morning_local_time(make_event):
    event = make_event(zip_code="60601", start=datetime(2027, 5, 29, 10, 0))  # CDT, UTC-5
    assert event.day_before_due_at == datetime(2027, 5, 28, 15, 0)
    assert event.morning_due_at == datetime(2027, 5, 29, 13, 0)
    assert event.day_before_sent_at is None and event.morning_sent_at is None


def test_an_early_start_is_reminded_two_hours_before_instead_of_at_eight(make_event):
    event = make_event(zip_code="19104", start=datetime(2027, 5, 29, 7, 0))  # EDT, UTC-4
    assert event.morning_due_at == datetime(2027, 5, 29, 9, 0)  # 05:00 local
    assert event.day_before_due_at == datetime(2027, 5, 28, 14, 0)


def test_reminders_follow_the_local_clock_across_the_end_of_daylight_saving_time(make_event):
    # Clocks go back on Sunday 7 November 2027: the day before is EDT, the morning EST.
    event = make_event(zip_code="19104", start=datetime(2027, 11, 7, 11, 0))
    assert event.day_before_due_at == datetime(2027, 11, 6, 14, 0)
    assert event.morning_due_at == datetime(2027, 11, 7, 13, 0)
    assert event.starts_at == datetime(2027, 11, 7, 16, 0)


def test_a_reminder_whose_time_has_passed_when_the_event_is_created_is_not_scheduled(make_event):
    created = datetime(2027, 5, 28, 14, 30)  # half an hour after 10:00 EDT on the day before
    event = make_event(zip_code="19104", start=datetime(2027, 5, 29, 10, 0), now=created)
    assert event.day_before_due_at is None
    assert event.morning_due_at == datetime(2027, 5, 29, 12, 0)


def test_changing_the_time_tells_everyone_going_or_waiting_and_reschedules_the_reminders(make_event):
    event = make_event(capacity=1)
    rsvp_as(event, "going@example.org")
    rsvp_as(event, "waiting@example.org")
    rsvps.cancel(row(rsvp_as(event, "gone@example.org")), NOW)
    reminders.send_due_reminders(event.day_before_due_at)
    assert event.day_before_sent_at is not None

    later = datetime(2027, 5, 28, 15, 0)
    moved = services.update_event(event, event_fields(start=datetime(2027, 5, 30, 10, 0), capacity=1), later)

    assert moved is True
    assert recipients("changed") == ["going@example.org", "waiting@example.org"]
    assert event.day_before_due_at == datetime(2027, 5, 29, 14, 0)
    assert event.morning_due_at == datetime(2027, 5, 30, 12, 0)
    assert event.day_before_sent_at is None and event.morning_sent_at is None


def test_the_change_notice_gives_the_new_time_and_a_private_address_only_to_people_going(make_event):
    event = make_event(capacity=1, address_public=False)
    people = rsvp_as(event, "going@example.org"), rsvp_as(event, "waiting@example.org")
    services.update_event(
        event, event_fields(start=datetime(2027, 5, 29, 11, 0), capacity=1, address_public=False), NOW
    )
    contexts = {m.audience["supporter_ids"][0]: m.context for m in notices("changed")}
    going, waiting = (contexts[row(person).supporter_id] for person in people)
    assert going["starts_at"] == waiting["starts_at"] == "2027-05-29T15:00:00"
    assert going["address"] == "4300 Baltimore Ave" and "attachment" in going
    assert waiting["address"] == "" and "attachment" not in waiting


def test_changing_the_place_tells_attendees_too(make_event):
    event = make_event()
    rsvp_as(event, "going@example.org")
    assert services.update_event(event, event_fields(address="1 Penn Square"), NOW) is True
    assert recipients("changed") == ["going@example.org"]


def test_changing_only_the_description_tells_nobody(make_event):
    event = make_event()
    rsvp_as(event, "going@example.org")
    due = (event.day_before_due_at, event.morning_due_at)
    assert services.update_event(event, event_fields(description="Bring water too."), NOW) is False
    assert notices("changed") == []
    assert event.description == "Bring water too."
    assert (event.day_before_due_at, event.morning_due_at) == due


def test_raising_the_capacity_lets_the_waitlist_in_in_order(make_event):
    event = make_event(capacity=1)
    rsvp_as(event, "first@example.org", now=datetime(2027, 5, 1, 12, 0))
    for minute, name in enumerate(("second", "third", "fourth"), start=1):
        rsvp_as(event, f"{name}@example.org", now=datetime(2027, 5, 1, 12, minute))

    assert services.update_event(event, event_fields(capacity=3), NOW) is False
    assert recipients("promoted") == ["second@example.org", "third@example.org"]
    assert state_of(event, "third@example.org") == RsvpState.GOING
    assert state_of(event, "fourth@example.org") == RsvpState.WAITLISTED


def test_a_cancelled_event_cannot_be_changed(make_event):
    event = make_event()
    services.cancel(event)
    with pytest.raises(services.EventStateError):
        services.update_event(event, event_fields(capacity=10), NOW)


def test_cancelling_an_event_tells_everyone_going_or_waiting(make_event):
    event = make_event(capacity=1)
    rsvp_as(event, "going@example.org")
    rsvp_as(event, "waiting@example.org")
    rsvps.cancel(row(rsvp_as(event, "gone@example.org")), NOW)

    services.cancel(event)

    assert event.state == EventState.CANCELLED
    assert recipients("cancelled") == ["going@example.org", "waiting@example.org"]
    with pytest.raises(services.EventStateError):
        services.cancel(event)
    assert len(notices("cancelled")) == 2


def host_emails() -> list[str]:
    return [
        entry.payload["what"]
        for entry in db.session.scalars(select(OutboxEntry).order_by(OutboxEntry.id))
        if entry.task_name.endswith("email_host")
    ]


def test_approving_a_proposal_schedules_it_and_sends_its_host_the_host_link(make_event):
    event = make_event(state=EventState.PROPOSED)
    services.approve(event)
    assert event.state == EventState.SCHEDULED
    assert host_emails() == ["host_link"]
    with pytest.raises(services.EventStateError):
        services.approve(event)
    with pytest.raises(services.EventStateError):
        services.decline(event)
    assert event.state == EventState.SCHEDULED


def test_declining_a_proposal_tells_its_host_and_it_cannot_be_approved_after(make_event):
    event = make_event(state=EventState.PROPOSED)
    services.decline(event)
    assert event.state == EventState.DECLINED
    assert host_emails() == ["declined"]
    with pytest.raises(services.EventStateError):
        services.approve(event)
    assert event.state == EventState.DECLINED


def test_a_host_link_opens_its_own_event_only(make_event):
    first, second = make_event(), make_event(zip_code="60601")
    assert action_notices.event_for_host_token(action_notices.host_token(first)) is first
    assert action_notices.event_for_host_token(action_notices.host_token(second)) is second


def test_a_tampered_host_link_opens_nothing(make_event):
    token = action_notices.host_token(make_event())
    payload, _, signature = token.rpartition(".")
    tampered = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert action_notices.event_for_host_token(tampered) is None
    assert action_notices.event_for_host_token("not-a-token") is None
    # An RSVP's link is signed for another purpose and opens no host page.
    event = make_event()
    outcome = rsvp_as(event, "ana@example.org")
    assert action_notices.event_for_host_token(action_notices.rsvp_token(row(outcome))) is None


def test_a_new_host_key_makes_earlier_host_links_stop_working(make_event):
    event = make_event()
    old = action_notices.host_token(event)
    services.new_host_key(event)
    assert action_notices.event_for_host_token(old) is None
    assert action_notices.event_for_host_token(action_notices.host_token(event)) is event
