"""Upkeep from times stored on each event: reminders the day before and on the morning of the
event, and forgetting who came once the event is long over."""

from datetime import datetime, timedelta

from sqlalchemy import String, cast, or_, select, update

from campaign.actions import notices
from campaign.actions.models import Event, EventState, Rsvp
from campaign.extensions import db
from campaign.notifications import services as notifications

REMINDERS = ("day_before", "morning")


def send_due_reminders(now: datetime) -> int:
    """Email the attendees of every event whose reminder time has come; returns how many events.

    Each reminder is claimed with a conditional update before its emails are queued, in the same
    transaction, so two beat runs (or two workers) never send it twice. A reminder still unsent
    when its event starts is dropped (late is worse than never), and so is a day-before reminder
    still unsent once the morning one is due (the beat job was down): that would say it twice.
    """
    sent = 0
    for name in REMINDERS:
        due_at, sent_at = getattr(Event, f"{name}_due_at"), getattr(Event, f"{name}_sent_at")
        conditions = [
            Event.state == EventState.SCHEDULED,
            due_at <= now,
            sent_at.is_(None),
            Event.starts_at > now,
        ]
        if name == "day_before":
            conditions.append(or_(Event.morning_due_at.is_(None), Event.morning_due_at > now))
        for event in db.session.scalars(select(Event).where(*conditions)).all():
            claimed = db.session.execute(
                update(Event).where(Event.id == event.id, sent_at.is_(None)).values({sent_at: now})
            ).rowcount
            if claimed:
                key = f"{name}:{event.revision}"  # a moved event is reminded again
                notices.tell_attendees(event, name, key=key, include_waitlist=False)
                sent += 1
    db.session.flush()
    return sent


def forget_attendees(now: datetime, kept_days: int) -> int:
    """Events that ended more than `kept_days` ago lose the link from each RSVP to its person
    (and the email's blind index, the name, phone and ZIP code typed with it, walk-ins' too), the
    notices sent to their attendees, and their host's contact; states, check-ins and the host's
    report stay, so the summary's figures do not change. Returns how many RSVPs were unlinked."""
    ended = select(Event.id).where(Event.ends_at < now - timedelta(days=kept_days))
    still_linked = select(Rsvp.event_id).where(Rsvp.event_id.in_(ended), Rsvp.supporter_id.is_not(None))
    for event_id in db.session.scalars(still_linked.distinct()).all():
        # The RSVP confirmations, reminders and changes sent would still say who came.
        notifications.forget_notices(f"event:{event_id}:")
    unlinked = db.session.execute(
        update(Rsvp)
        # A walk-in who gave no email has no supporter, only the name and ZIP code typed at the door.
        .where(Rsvp.event_id.in_(ended), or_(Rsvp.supporter_id.is_not(None), Rsvp.first_name.is_not(None)))
        .values(
            supporter_id=None,
            email_index="forgotten:" + cast(Rsvp.id, String),
            first_name=None,
            last_name=None,
            phone=None,
            zip_code=None,
        )
    ).rowcount
    db.session.execute(
        update(Event)
        .where(Event.id.in_(ended), Event.host_email.is_not(None))
        .values(host_email=None, host_contact_name=None)
    )
    return unlinked
