"""Day-of-action jobs: event reminders from the times stored on each event, and forgetting who
came once an event is long over."""

from celery import shared_task
from flask import current_app

from campaign.actions import notices, reminders  # noqa: F401 - host emails
from campaign.core.outbox import dispatch_committed, utcnow
from campaign.extensions import db


@shared_task(name="campaign.actions.tasks.send_reminders")
def send_reminders() -> None:
    """Every minute: the day-before and morning reminders whose time has come, each once."""
    reminders.send_due_reminders(utcnow())
    db.session.commit()
    dispatch_committed()


@shared_task(name="campaign.actions.tasks.forget_attendees")
def forget_attendees() -> None:
    """Daily: RSVPs of events over for EVENT_ATTENDEES_KEPT_DAYS no longer say who they were."""
    reminders.forget_attendees(utcnow(), current_app.config["EVENT_ATTENDEES_KEPT_DAYS"])
    db.session.commit()
