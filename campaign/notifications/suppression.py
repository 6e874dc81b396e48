"""The coalition's list of addresses it must not email, decided here once for every sender."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaign.core.crypto import email_blind_index
from campaign.extensions import db
from campaign.notifications.models import Suppression


def suppressed_indexes(coalition_id: int, email_indexes: list[str | None]) -> set[str]:
    wanted = [index for index in email_indexes if index]
    if not wanted:
        return set()
    return set(
        db.session.scalars(
            select(Suppression.email_index).where(
                Suppression.coalition_id == coalition_id, Suppression.email_index.in_(wanted)
            )
        )
    )


def is_suppressed(coalition_id: int, address: str) -> bool:
    return bool(suppressed_indexes(coalition_id, [email_blind_index(address, coalition_id=coalition_id)]))


def suppress(coalition_id: int, address: str, reason: str) -> None:
    """Add the address (as its blind index) unless it is there already."""
    try:
        with db.session.begin_nested():
            db.session.add(
                Suppression(
                    coalition_id=coalition_id,
                    email_index=email_blind_index(address, coalition_id=coalition_id),
                    reason=reason,
                )
            )
    except IntegrityError:
        pass
