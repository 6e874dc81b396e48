"""Reminders from times stored on each event: the day before, and the morning of the event."""

from datetime import datetime

from sqlalchemy import select, update

from campaign.actions import notices
from campaign.actions.models import Event, EventState
from campaign.extensions import db

REMINDERS = ("day_before", "morning")


def send_due_reminders(now: datetime) -> int:
    """Email the attendees of every event whose reminder time has come; returns how many events.

    Each reminder is claimed with a conditional update before its emails are queued, in the same
    transaction, so two beat runs (or two workers) never send it twice. A reminder still unsent
    when its event starts is dropped: late is worse than never.
    """
    sent = 0
    for name in REMINDERS:
        due_at, sent_at = getattr(Event, f"{name}_due_at"), getattr(Event, f"{name}_sent_at")
        due = db.session.scalars(
            select(Event).where(
                Event.state == EventState.SCHEDULED, due_at <= now, sent_at.is_(None), Event.starts_at > now
            )
        ).all()
        for event in due:
            claimed = db.session.execute(
                update(Event).where(Event.id == event.id, sent_at.is_(None)).values({sent_at: now})
            ).rowcount
            if claimed:
                key = f"{name}:{event.starts_at.isoformat()}"
                notices.tell_attendees(event, name, key=key, include_waitlist=False)
                sent += 1
    db.session.flush()
    return sent
