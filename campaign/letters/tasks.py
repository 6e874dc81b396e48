"""Letter jobs: closing letters at their deadline and releasing embargoes (beat), asking signers
to re-confirm a new version or telling them of a correction, forgetting individual signers (daily)."""

from celery import shared_task
from flask import current_app

from campaign.core.outbox import dispatch_committed, outbox_task, utcnow
from campaign.extensions import db
from campaign.letters import retention, services
from campaign.letters.models import Letter, LetterChange


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


@outbox_task
def tell_signers_of_correction(change_id: int) -> None:
    change = db.session.get(LetterChange, change_id)
    if change is not None:
        services.tell_signers_of_correction(change)


@shared_task(name="campaign.letters.tasks.forget_individual_signers")
def forget_individual_signers() -> None:
    """Daily: letters done with for LETTER_SIGNERS_KEPT_DAYS no longer name their individual signers."""
    now, kept_days = utcnow(), current_app.config["LETTER_SIGNERS_KEPT_DAYS"]
    while retention.forget_individual_signers(now, kept_days):
        db.session.commit()
