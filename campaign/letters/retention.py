"""Retention: LETTER_SIGNERS_KEPT_DAYS after a letter is delivered (or closed), its individual
signers are named no more, nor the people who said yes for organizations added by hand;
organizations' sign-ons stay as they were given."""

from datetime import datetime, timedelta

from sqlalchemy import String, and_, case, cast, or_, select, update

from campaign.extensions import db
from campaign.letters.models import Letter, LetterState, Signature, SignerKind
from campaign.notifications import services as notifications

FORGET_BATCH = 5000


def forget_individual_signers(now: datetime, kept_days: int, batch: int = FORGET_BATCH) -> int:
    """Unlink one batch of individual sign-ons of letters done with more than `kept_days` ago
    from their people, with their names and titles, and delete the letters' notices (their
    recipient lists name the signers); forget who authorized their organizations' entries added
    by hand. Returns how many; the caller commits and calls again until 0. States, places and
    versions stay: the counts of individuals do too."""
    cutoff = now - timedelta(days=kept_days)
    done_long_ago = select(Letter.id).where(
        or_(
            and_(Letter.state == LetterState.DELIVERED, Letter.delivered_on < cutoff.date()),
            and_(Letter.state == LetterState.CLOSED, Letter.closed_at < cutoff),
        )
    )
    # Typed by hand, one per organization added so: few enough for one statement.
    authorizers = db.session.execute(
        update(Signature)
        .where(Signature.letter_id.in_(done_long_ago), Signature.authorized_by.is_not(None))
        .values(authorized_by=None)
    ).rowcount
    return authorizers + notifications.forget_signers_batch(
        Signature,
        Signature.letter_id,
        "letter",
        [Signature.letter_id.in_(done_long_ago), Signature.kind == SignerKind.INDIVIDUAL],
        {
            "signer_name": None,
            "signer_title": None,
            "show_name": False,
            "pending_consent": None,
            # "person:<supporter id>" would still point at the person; the unique index
            # (one confirmed sign-on per signer) needs a value only where there was one.
            "signer_key": case(
                (Signature.signer_key.is_(None), None), else_="forgotten:" + cast(Signature.id, String)
            ),
        },
        batch,
    )
