"""Reminders from times stored on each event: the day before, and the morning of the event."""

from datetime import datetime

from sqlalchemy import or_, select, update

from campaign.actions import notices
from campaign.actions.models import Event, EventState
from campaign.extensions import db

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
