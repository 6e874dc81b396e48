"""Letter jobs: the beat job that closes letters at their deadline and releases embargoes."""

from celery import shared_task

from campaign.core.outbox import dispatch_committed, utcnow
from campaign.extensions import db
from campaign.letters import services


@shared_task(name="campaign.letters.tasks.keep_letters_on_time")
def keep_letters_on_time() -> None:
    now = utcnow()
    services.close_past_deadline(now)
    services.release_due(now)
    db.session.commit()
    dispatch_committed()  # the "letter is live" emails
