"""Letter jobs: closing letters at their deadline and releasing embargoes (beat), and asking
signers to re-confirm a new version of the text."""

from celery import shared_task

from campaign.core.outbox import dispatch_committed, outbox_task, utcnow
from campaign.extensions import db
from campaign.letters import services
from campaign.letters.models import Letter


@shared_task(name="campaign.letters.tasks.keep_letters_on_time")
def keep_letters_on_time() -> None:
    now = utcnow()
    services.close_past_deadline(now)
    services.release_due(now)
    db.session.commit()
    dispatch_committed()  # the "letter is live" emails


@outbox_task
def ask_signers_to_reconfirm(letter_id: int) -> None:
    letter = db.session.get(Letter, letter_id)
    if letter is not None:
        services.ask_signers_to_reconfirm(letter)
