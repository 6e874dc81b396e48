"""What days of action keep to themselves: private places, erased people, old host links."""

from datetime import datetime, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from campaign.actions import calendar, listing, notices, reminders, services
from campaign.actions import rsvps as rsvps_module
from campaign.actions.models import Rsvp, RsvpState
from campaign.core.outbox import OutboxEntry
from campaign.notifications import attachments
from campaign.notifications.models import Message
from campaign.supporters.services import erase_supporter_data
from tests.actions.conftest import NOW, row, rsvp_as, state_of
from tests.actions.conftest import notices as queued

PARISH_HALL = "St. Anne's parish hall"


def test_a_private_place_keeps_its_venue_name_off_the_public_pages_and_feed(client, make_event, day):
    event = make_event(venue=PARISH_HALL, address="12 Safe House Lane", address_public=False)
    for path in (
        f"/actions/{day.slug}",
        f"/actions/{day.slug}?zip=19104",
        f"/actions/{day.slug}/events/{event.id}",
    ):
        page = client.get(path).get_data(as_text=True)
        assert "St. Anne" not in page and "Safe House" not in page, path
    assert b"St. Anne" not in calendar.calendar_of([event], day.title, "en")
    going = row(rsvp_as(event, "ana@example.org"))
    assert queued("going")[0].context["venue"] == PARISH_HALL
    assert "St. Anne" in client.get(f"/actions/rsvp/{notices.rsvp_token(going)}").get_data(as_text=True)


def test_an_erased_attendee_gives_up_their_place_and_their_address_leaves_the_rsvp(db, make_event):
    event = make_event(capacity=1)
    ana = row(rsvp_as(event, "ana@example.org"))
    rsvp_as(event, "luis@example.org", now=NOW + timedelta(minutes=1))
    erase_supporter_data("ana@example.org")
    db.session.commit()
    assert ana.state == RsvpState.CANCELLED and ana.email_index.startswith("erased:")
    assert state_of(event, "ana@example.org") is None
    assert state_of(event, "luis@example.org") == RsvpState.GOING
    assert rsvp_as(event, "ana@example.org", now=NOW + timedelta(minutes=2)).state == RsvpState.WAITLISTED
    assert db.session.scalar(select(Rsvp.id).where(Rsvp.email_index == ana.email_index)) == ana.id


def test_a_host_link_stops_working_thirty_days_after_the_event(client, db, make_event):
    event = make_event()
    link = f"/actions/host/{notices.host_token(event)}"
    assert client.get(link).status_code == 200
    event.starts_at, event.ends_at = datetime(2020, 1, 1, 15), datetime(2020, 1, 1, 17)
    db.session.commit()
    assert client.get(link).status_code == 404


def host_emails() -> list[dict]:
    return [
        entry.payload
        for entry in OutboxEntry.query.order_by(OutboxEntry.id)
        if "email_host" in entry.task_name
    ]


def test_hosts_are_sent_their_link_when_the_day_is_published_not_before(db, coalition):
    draft = services.create_day(
        coalition.id,
        None,
        {
            "title": "Draft day",
            **dict.fromkeys(("title_es", "description", "description_es", "demand", "demand_es"), ""),
            "starts_on": datetime(2027, 5, 29).date(),
            "ends_on": datetime(2027, 5, 29).date(),
            "proposals_open": False,
        },
    )
    from tests.actions.conftest import event_fields

    event = services.create_event(
        draft,
        services.Host("Juntos", email="host@example.org"),
        event_fields(),
        services.EventState.SCHEDULED,
        NOW,
    )
    notices.send_host_link(event)
    assert host_emails() == []
    services.publish(draft)
    assert host_emails() == [{"event_id": event.id, "what": "host_link"}]


def test_a_new_host_address_gets_a_new_link_and_the_old_one_stops(make_event):
    event = make_event()
    old_token = notices.host_token(event)
    services.set_host(event, services.Host("Juntos", email="new-host@example.org"))
    assert notices.event_for_host_token(old_token) is None
    assert notices.event_for_host_token(notices.host_token(event)) == event
    assert host_emails()[-1] == {"event_id": event.id, "what": "host_link"}


def test_a_cancelled_event_is_sent_as_a_cancelled_calendar_entry_to_people_with_a_place(make_event):
    event = make_event()
    rsvp_as(event, "ana@example.org")
    services.cancel(event)
    (message,) = queued("cancelled")
    (entry,) = Calendar.from_ical(attachments.build(message.context["attachment"]).data).walk("VEVENT")
    assert str(entry["status"]) == "CANCELLED" and entry["sequence"] == 1


def test_the_day_is_over_when_its_last_event_has_ended_wherever_it_is(make_event, day):
    philadelphia = make_event(zip_code="19104", start=datetime(2027, 5, 29, 10, 0))
    honolulu = make_event(zip_code="96813", start=datetime(2027, 5, 29, 18, 0))
    events = [philadelphia, honolulu]
    assert not services.is_over(events, day, datetime(2027, 5, 30, 1, 0))  # 9 pm in Philadelphia
    assert services.is_over(events, day, honolulu.ends_at)


def test_who_came_is_forgotten_some_time_after_the_event_and_the_figures_stay(db, make_event):
    event = make_event(capacity=1)
    ana = row(rsvp_as(event, "ana@example.org"))
    rsvp_as(event, "luis@example.org", now=NOW + timedelta(minutes=1))
    rsvps_module.check_in(ana, event.starts_at)
    services.save_report(event, 12, "Good turnout", "", event.ends_at)
    before = listing.summarize([event]).total
    assert reminders.forget_attendees(event.ends_at + timedelta(days=89), kept_days=90) == 0
    notices_sent = (
        select(func.count()).select_from(Message).where(Message.dedupe_key.like(f"event:{event.id}:%"))
    )
    assert db.session.scalar(notices_sent) == 2  # each RSVP's confirmation: its recipients are the attendees
    assert reminders.forget_attendees(event.ends_at + timedelta(days=91), kept_days=90) == 2
    db.session.commit()
    assert db.session.scalar(notices_sent) == 0
    assert db.session.scalars(select(Rsvp.supporter_id).where(Rsvp.event_id == event.id)).all() == [
        None,
        None,
    ]
    assert state_of(event, "ana@example.org") is None and event.host_email is None
    assert rsvps_module.roster(event) == []
    after = listing.summarize([event]).total
    assert (
        (after.events, after.rsvps, after.attended)
        == (before.events, before.rsvps, before.attended)
        == (1, 1, 12)
    )
