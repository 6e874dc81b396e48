"""RSVPs: one per person, a waitlist once full, cancelling frees a place for the next in line."""

from datetime import datetime

import pytest
from sqlalchemy import select, text

from campaign.actions import rsvps, services
from campaign.actions.models import EventState, Rsvp, RsvpState
from campaign.extensions import db
from campaign.supporters.models import Consent, Subscription, Supporter
from tests.actions.conftest import NOW, notices, recipients, row, rsvp_as, state_of


def minutes_after_now(minute: int) -> datetime:
    return NOW.replace(minute=minute)


def test_people_are_going_until_the_event_is_full_then_waitlisted(make_event):
    event = make_event(capacity=2)
    outcomes = [rsvp_as(event, f"p{number}@example.org") for number in range(4)]
    assert [o.state for o in outcomes] == [RsvpState.GOING] * 2 + [RsvpState.WAITLISTED] * 2
    assert recipients("going") == ["p0@example.org", "p1@example.org"]
    assert recipients("waitlisted") == ["p2@example.org", "p3@example.org"]


def test_an_event_without_a_capacity_never_waitlists(make_event):
    event = make_event(capacity=None)
    assert {rsvp_as(event, f"p{n}@example.org").state for n in range(5)} == {RsvpState.GOING}


def test_only_people_holding_a_place_get_the_private_address_and_the_calendar_file(make_event):
    event = make_event(capacity=1, address_public=False)
    rsvp_as(event, "going@example.org")
    rsvp_as(event, "waiting@example.org")
    (going,), (waiting,) = notices("going"), notices("waitlisted")
    assert going.context["address"] == "4300 Baltimore Ave"
    assert going.context["attachment"] == {"kind": "event_ics", "event_id": event.id, "language": "en"}
    assert waiting.context["address"] == "" and "attachment" not in waiting.context


def test_the_same_address_again_makes_no_second_rsvp_and_answers_as_for_a_newcomer(make_event):
    event = make_event(capacity=1)
    first = rsvp_as(event, "Ana.Reyes@Gmail.com")
    assert first.state == RsvpState.GOING
    again = rsvp_as(event, "anareyes@gmail.com ", first_name="Someone")
    # The event is full now: a newcomer would be waitlisted, so the page says so for everyone.
    assert again == rsvps.Outcome(first.rsvp_id, RsvpState.WAITLISTED)
    assert state_of(event, "ANAREYES@gmail.com") == RsvpState.GOING
    assert db.session.scalar(select(db.func.count()).select_from(Rsvp)) == 1
    assert len(notices("going")) == 1


def test_the_owner_of_the_address_is_told_of_a_repeat_rsvp_at_most_three_times(make_event):
    event = make_event()
    first = rsvp_as(event, "ana@example.org")
    for _ in range(5):
        assert rsvp_as(event, "Ana@Example.org").rsvp_id == first.rsvp_id
    told = notices("already")
    assert len(told) == 3
    assert len({message.dedupe_key for message in told}) == 3
    supporter_id = row(first).supporter_id
    assert [message.audience["supporter_ids"] for message in told] == [[supporter_id]] * 3
    assert row(first).repeat_emails == 3


def test_the_phone_number_is_kept_encrypted_on_the_supporter(make_event):
    event = make_event()
    outcome = rsvp_as(event, "ana@example.org", phone="+12155550100")
    supporter = row(outcome).supporter
    assert supporter.phone == "+12155550100"
    stored = db.session.execute(text("SELECT phone FROM supporter WHERE id = :id"), {"id": supporter.id})
    assert b"2155550100" not in bytes(stored.scalar_one())


def test_a_later_rsvp_without_a_phone_keeps_the_number_given_before(make_event):
    first, second = make_event(), make_event(zip_code="60601")
    rsvp_as(first, "ana@example.org", phone="+12155550100")
    outcome = rsvp_as(second, "ana@example.org", phone="")
    assert row(outcome).supporter.phone == "+12155550100"
    assert db.session.scalar(select(db.func.count()).select_from(Supporter)) == 1


def test_consent_is_recorded_with_the_words_shown_only_when_given(make_event):
    event = make_event()
    wording = "Juntos may email me about this campaign."
    subscribed = row(rsvp_as(event, "yes@example.org", consent=wording)).supporter
    silent = row(rsvp_as(event, "no@example.org")).supporter
    (consent,) = db.session.scalars(select(Consent)).all()
    assert (consent.supporter_id, consent.wording) == (subscribed.id, wording)
    assert consent.source == f"event:{event.id}"
    assert subscribed.subscription == Subscription.SUBSCRIBED
    assert silent.subscription == Subscription.NOT_ASKED


def test_a_cancelled_event_takes_no_rsvps(make_event):
    event = make_event()
    services.cancel(event)
    with pytest.raises(rsvps.EventClosed):
        rsvp_as(event, "ana@example.org")
    assert db.session.scalar(select(db.func.count()).select_from(Rsvp)) == 0


def test_a_proposed_event_takes_no_rsvps(make_event):
    with pytest.raises(rsvps.EventClosed):
        rsvp_as(make_event(state=EventState.PROPOSED), "ana@example.org")


def test_an_event_that_is_over_takes_no_rsvps(make_event):
    event = make_event(start=datetime(2027, 5, 29, 10, 0))  # ends 16:00 UTC
    rsvp_as(event, "during@example.org", now=datetime(2027, 5, 29, 15, 59))
    with pytest.raises(rsvps.EventClosed):
        rsvp_as(event, "after@example.org", now=datetime(2027, 5, 29, 16, 0))


def test_cancelling_a_place_promotes_the_first_in_line_with_the_calendar_file(make_event):
    event = make_event(capacity=1)
    going = rsvp_as(event, "going@example.org")
    rsvp_as(event, "second@example.org", now=minutes_after_now(1))
    rsvp_as(event, "third@example.org", now=minutes_after_now(2))

    assert rsvps.cancel(row(going), minutes_after_now(3)) is True

    assert state_of(event, "going@example.org") == RsvpState.CANCELLED
    assert state_of(event, "second@example.org") == RsvpState.GOING
    assert state_of(event, "third@example.org") == RsvpState.WAITLISTED
    (promoted,) = notices("promoted")
    assert recipients("promoted") == ["second@example.org"]
    assert promoted.context["attachment"] == {"kind": "event_ics", "event_id": event.id, "language": "en"}
    assert promoted.context["holds_place"] is True


def test_cancelling_a_waitlisted_rsvp_promotes_nobody(make_event):
    event = make_event(capacity=1)
    rsvp_as(event, "going@example.org")
    waiting = rsvp_as(event, "second@example.org", now=minutes_after_now(1))
    rsvp_as(event, "third@example.org", now=minutes_after_now(2))
    assert rsvps.cancel(row(waiting), minutes_after_now(3)) is True
    assert state_of(event, "third@example.org") == RsvpState.WAITLISTED
    assert notices("promoted") == []


def test_cancelling_twice_does_nothing_the_second_time(make_event):
    event = make_event(capacity=1)
    going = rsvp_as(event, "going@example.org")
    rsvp_as(event, "second@example.org", now=minutes_after_now(1))
    rsvp_as(event, "third@example.org", now=minutes_after_now(2))
    assert rsvps.cancel(row(going), minutes_after_now(3)) is True
    assert rsvps.cancel(row(going), minutes_after_now(4)) is False
    assert state_of(event, "third@example.org") == RsvpState.WAITLISTED
    assert len(notices("promoted")) == 1


def test_coming_back_after_cancelling_joins_the_back_of_the_line(make_event):
    event = make_event(capacity=1)
    going = rsvp_as(event, "going@example.org")
    early = rsvp_as(event, "early@example.org", now=minutes_after_now(1))
    rsvp_as(event, "late@example.org", now=minutes_after_now(2))
    rsvps.cancel(row(early), minutes_after_now(3))

    back = rsvp_as(event, "early@example.org", now=minutes_after_now(4))
    assert back == rsvps.Outcome(early.rsvp_id, RsvpState.WAITLISTED)  # the same row, at the end
    rsvps.cancel(row(going), minutes_after_now(5))

    assert state_of(event, "late@example.org") == RsvpState.GOING
    assert state_of(event, "early@example.org") == RsvpState.WAITLISTED


def test_coming_back_after_cancelling_is_confirmed_again(make_event):
    event = make_event()
    first = rsvp_as(event, "ana@example.org")
    rsvps.cancel(row(first), minutes_after_now(1))
    assert rsvp_as(event, "ana@example.org", now=minutes_after_now(2)).state == RsvpState.GOING
    assert recipients("going") == ["ana@example.org", "ana@example.org"]


def test_someone_promoted_a_second_time_is_told_again(make_event):
    event = make_event(capacity=1)
    holder = rsvp_as(event, "holder@example.org")
    ana = rsvp_as(event, "ana@example.org", now=minutes_after_now(1))
    rsvps.cancel(row(holder), minutes_after_now(2))  # ana is promoted
    rsvps.cancel(row(ana), minutes_after_now(3))
    rsvp_as(event, "holder@example.org", now=minutes_after_now(4))  # holder is back, going
    rsvp_as(event, "ana@example.org", now=minutes_after_now(5))  # ana waits again
    rsvps.cancel(row(holder), minutes_after_now(6))  # ana is promoted again
    assert state_of(event, "ana@example.org") == RsvpState.GOING
    assert recipients("promoted") == ["ana@example.org", "ana@example.org"]


def test_cancelling_an_rsvp_to_a_cancelled_event_promotes_nobody(make_event):
    event = make_event(capacity=1)
    going = rsvp_as(event, "going@example.org")
    rsvp_as(event, "waiting@example.org", now=minutes_after_now(1))
    services.cancel(event)
    assert rsvps.cancel(row(going), minutes_after_now(2)) is True
    assert notices("promoted") == []
    assert state_of(event, "waiting@example.org") == RsvpState.WAITLISTED


def test_cancelling_an_rsvp_after_the_event_ended_promotes_nobody(make_event):
    event = make_event(capacity=1)
    going = rsvp_as(event, "going@example.org")
    rsvp_as(event, "waiting@example.org", now=minutes_after_now(1))
    assert rsvps.cancel(row(going), event.ends_at) is True
    assert notices("promoted") == []
