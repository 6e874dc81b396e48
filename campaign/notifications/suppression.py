"""The coalition's list of addresses it must not email, decided here once for every sender."""

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from campaign.core.crypto import email_blind_index
from campaign.extensions import db
from campaign.notifications.models import Suppression
from campaign.supporters.signals import address_screening

# The reason of the mark an erased person's address leaves: their new record, made by an organizer
# pasting or inviting them, must not be asked again; one they make themselves (a petition they
# sign and consent on) is theirs, so the mark does not silence what they asked for.
ERASED = "erased"


def suppressed_indexes(coalition_id: int, email_indexes: list[str | None]) -> set[str]:
    wanted = [index for index in email_indexes if index]
    if not wanted:
        return set()
    return set(
        db.session.scalars(
            select(Suppression.email_index).where(
                Suppression.coalition_id == coalition_id,
                Suppression.email_index.in_(wanted),
                Suppression.reason != ERASED,
            )
        )
    )


def was_erased(coalition_id: int, address: str) -> bool:
    """The address's owner asked this coalition to erase them: no one may ask them anything."""
    return (
        db.session.scalar(
            select(Suppression.id).where(
                Suppression.coalition_id == coalition_id,
                Suppression.email_index == email_blind_index(address, coalition_id=coalition_id),
                Suppression.reason == ERASED,
            )
        )
        is not None
    )


@address_screening.connect
def screen_addresses(coalition_id: int, addresses: list[str]) -> dict[str, str]:
    """The marks of imported addresses that have one, in one query: "erased" or "suppressed" by
    address (two spellings of one address share its mark)."""
    indexes = {address: email_blind_index(address, coalition_id=coalition_id) for address in addresses}
    if not indexes:
        return {}
    reasons = dict(
        db.session.execute(
            select(Suppression.email_index, Suppression.reason).where(
                Suppression.coalition_id == coalition_id,
                Suppression.email_index.in_(set(indexes.values())),
            )
        ).all()
    )
    return {
        address: ERASED if reasons[index] == ERASED else "suppressed"
        for address, index in indexes.items()
        if index in reasons
    }


def mark_erased(coalition_id: int, email_index: str) -> None:
    """Keep only the blind index of an erased address, as a "do not ask" mark (replacing a
    bounce's, whose reason quotes the server)."""
    db.session.execute(
        update(Suppression)
        .where(Suppression.coalition_id == coalition_id, Suppression.email_index == email_index)
        .values(reason=ERASED)
    )
    _add(coalition_id, email_index, ERASED)


def is_suppressed(coalition_id: int, address: str) -> bool:
    return bool(suppressed_indexes(coalition_id, [email_blind_index(address, coalition_id=coalition_id)]))


def suppress(coalition_id: int, address: str, reason: str) -> None:
    """Add the address (as its blind index) unless it is there already."""
    _add(coalition_id, email_blind_index(address, coalition_id=coalition_id), reason)


def _add(coalition_id: int, email_index: str, reason: str) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(Suppression(coalition_id=coalition_id, email_index=email_index, reason=reason))
    except IntegrityError:
        pass
