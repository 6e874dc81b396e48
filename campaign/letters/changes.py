"""The letter's public change log (`LetterChange`): corrections, new versions, renamed signatories."""

from sqlalchemy import select

from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.letters.models import ChangeKind, Letter, LetterChange


def log_change(
    letter: Letter, kind: ChangeKind, user_id: int | None, note: str = "", **details
) -> LetterChange:
    change = LetterChange(
        letter=letter,
        kind=kind,
        version=letter.version,
        note=note,
        details=details,
        changed_at=utcnow(),
        changed_by_id=user_id,
    )
    db.session.add(change)
    db.session.flush()
    return change


def change_log(letter: Letter) -> list[LetterChange]:
    """Newest first, as the public page shows it."""
    return db.session.scalars(
        select(LetterChange)
        .where(LetterChange.letter_id == letter.id)
        .order_by(LetterChange.changed_at.desc(), LetterChange.id.desc())
    ).all()
