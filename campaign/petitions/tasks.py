"""Petition jobs: confirmation emails from the outbox, and the tally beat job every few seconds."""

from celery import shared_task
from flask import current_app

from campaign.core.outbox import dispatch_committed, enqueue, outbox_task, utcnow
from campaign.extensions import db
from campaign.petitions import notices, retention, services, tally, upkeep
from campaign.petitions.models import Petition, PetitionSignature

SEND_CONFIRMATIONS = "campaign.petitions.tasks.send_confirmations"


@shared_task(name=SEND_CONFIRMATIONS)
def send_confirmations() -> None:
    """Ask new signers to confirm, in batches: kicked after sign requests, and a beat job."""
    while notices.ask_waiting_signers(utcnow()):
        db.session.commit()
        dispatch_committed()


@outbox_task
def tell_already_signed(signature_id: int, repeat: int) -> None:
    signature = db.session.get(PetitionSignature, signature_id)
    if signature is not None:
        notices.tell_already_signed(signature, repeat)


@shared_task(name="campaign.petitions.tasks.keep_tallies")
def keep_tallies() -> None:
    """Every few seconds: fold new confirmations into the counts; close petitions at their deadline."""
    services.close_past_deadline(utcnow())
    db.session.commit()
    for petition_id in tally.petitions_with_work():
        while tally.fold(petition_id):
            db.session.commit()
        _tell_milestone(petition_id)
        db.session.commit()
    dispatch_committed()


def _tell_milestone(petition_id: int) -> None:
    reached = upkeep.milestone_to_tell(petition_id)
    if reached:
        enqueue(email_milestone, petition_id=petition_id, reached=reached)


@outbox_task
def check_milestone(petition_id: int) -> None:
    """After a paper batch is entered, corrected or deleted: a milestone the new total has
    reached is told as one reached online is."""
    _tell_milestone(petition_id)


@outbox_task
def email_milestone(petition_id: int, reached: int) -> None:
    petition = db.session.get(Petition, petition_id)
    if petition is not None:
        upkeep.email_milestone(petition, reached)


@shared_task(name="campaign.petitions.tasks.tidy_signatures")
def tidy_signatures() -> None:
    """Hourly: a day-old unconfirmed signature gets one reminder; closed petitions' unconfirmed
    signatures expire; IP hashes older than 30 days are forgotten, and so are the lists of
    signatures of strikes too old to undo."""
    now = utcnow()
    upkeep.send_reminders(now)
    upkeep.expire_unconfirmed(now)
    upkeep.forget_ip_hashes(now)
    upkeep.forget_old_strikes(now)
    db.session.commit()
    dispatch_committed()


@shared_task(name="campaign.petitions.tasks.forget_signers")
def forget_signers() -> None:
    """Daily: petitions closed for PETITION_SIGNERS_KEPT_DAYS no longer say who signed them."""
    now, kept_days = utcnow(), current_app.config["PETITION_SIGNERS_KEPT_DAYS"]
    while retention.forget_signers(now, kept_days):
        db.session.commit()
    db.session.commit()  # the last call's paper names


@outbox_task
def recount_petition(petition_id: int) -> None:
    """After organizers strike signatures out or undo a strike: the exact count corrects the
    tallies, and a milestone an undo has reached is told."""
    tally.recount(petition_id)
    _tell_milestone(petition_id)


@shared_task(name="campaign.petitions.tasks.recount_all")
def recount_all() -> None:
    """Nightly: the exact count of every petition repairs any drift of the running tallies."""
    for petition_id in services.petition_ids():
        tally.recount(petition_id)
        db.session.commit()
