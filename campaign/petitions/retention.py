"""Retention: PETITION_SIGNERS_KEPT_DAYS after a petition closes, its signatures name nobody."""

from datetime import datetime, timedelta

from sqlalchemy import String, cast, select, update

from campaign.extensions import db
from campaign.notifications import services as notifications
from campaign.petitions.models import PaperBatch, PaperEntry, Petition, PetitionSignature, PetitionState

FORGET_BATCH = 5000


def unlinked(prefix: str) -> dict:
    """The values that no longer tie a signature to its person: for erasure (signing.py) and
    for retention. The blind index is replaced, not emptied: the unique (petition, email_index)
    index needs a value, and one made of the row's id collides with none."""
    return {
        "email_index": prefix + cast(PetitionSignature.id, String),
        "comment": None,
        "show_name": False,
        "ip_hash": None,
        "email_domain": "",
        # What a stranger typed with the address, waiting for a confirmation that will not come.
        "pending_first_name": None,
        "pending_last_name": None,
        "pending_consent": None,
        "pending_consent_language": None,
        "pending_tag_ids": None,  # the coalition's labels meant for the person
    }


def forget_signers(now: datetime, kept_days: int, batch: int = FORGET_BATCH) -> int:
    """Unlink one batch of the signatures of petitions closed more than `kept_days` ago from
    their people, with their comments, hashes and email domains, delete the petitions' notices
    (confirmation requests, reminders: their recipients are the signers) and clear their paper
    names. Returns how many signatures; the caller commits and calls again until 0.

    Each row keeps its state, place and source, so the count, the tallies by place, the counts
    by source, the recount and the delivery PDF come out as before.
    """
    closed_long_ago = select(Petition.id).where(
        Petition.state == PetitionState.CLOSED, Petition.closed_at < now - timedelta(days=kept_days)
    )
    forgotten = notifications.forget_signers_batch(
        PetitionSignature,
        PetitionSignature.petition_id,
        "petition",
        [PetitionSignature.petition_id.in_(closed_long_ago)],
        unlinked("forgotten:"),
        batch,
    )
    paper_batches = select(PaperBatch.id).where(PaperBatch.petition_id.in_(closed_long_ago))
    db.session.execute(
        update(PaperEntry)
        .where(PaperEntry.batch_id.in_(paper_batches), PaperEntry.name.is_not(None))
        .values(name=None)
    )
    return forgotten
