"""The signers' spreadsheet, streamed: rows are read in chunks and written as they come."""

from collections.abc import Iterable, Iterator

from sqlalchemy import Select, String, func, select, type_coerce

from campaign.core.crypto import column_decryptor
from campaign.core.exports import FormulaSafe, minutes, safe_text, stream_rows
from campaign.extensions import db
from campaign.petitions.models import Petition, PetitionSignature, SignatureState
from campaign.supporters import action_network
from campaign.supporters.models import Supporter

# Action Network's sheet has the person and place columns only: it has no column for our sources
# and states.
SHEET = action_network.Sheet(
    columns=(
        "first_name",
        "last_name",
        "email",
        "zip_code",
        "city",
        "state",
        "county",
        "source",
        "status",
        "comment",
        "signed_at_utc",
        "confirmed_at_utc",
    ),
    action_network=("first_name", "last_name", "email", "zip_code", "city", "state", "county"),
)
EXPORTED = (SignatureState.CONFIRMED, SignatureState.QUARANTINED)
# Its sheet has no status column to tell a quarantined row (a bot, or an address never
# confirmed) from a signer, and Action Network takes every row as a person: signers only.
ACTION_NETWORK_EXPORTED = (SignatureState.CONFIRMED,)
CHUNK = 5000


def _of(petition: Petition, states: tuple[SignatureState, ...], people_only: bool = False):
    conditions = (PetitionSignature.petition_id == petition.id, PetitionSignature.state.in_(states))
    if not people_only:
        return conditions
    # An erased signer's blank row keeps the full sheet adding up, but would be an empty person
    # in Action Network.
    on_file = select(Supporter.id).where(Supporter.erased_at.is_(None))
    return (*conditions, PetitionSignature.supporter_id.in_(on_file))


def row_count(
    petition: Petition, states: tuple[SignatureState, ...] = EXPORTED, people_only: bool = False
) -> int:
    return db.session.scalar(select(func.count()).where(*_of(petition, states, people_only)))


def rows(
    petition: Petition, states: tuple[SignatureState, ...] = EXPORTED, people_only: bool = False
) -> FormulaSafe:
    """Read on the session's connection, past the ORM, and the contact columns decrypted here with
    the keys looked up once: per row, that is what a million-row export spends its time on. The
    query is made at once, while `petition` is loaded: the rows are read once the download's log
    is committed, which expires it. In no particular order (people sort the sheet by the signing
    time): sorting a million rows would spill to disk before the first row could leave."""
    return FormulaSafe(_decrypted(stream_rows(query(petition, states, people_only), CHUNK)))


def query(
    petition: Petition, states: tuple[SignatureState, ...] = EXPORTED, people_only: bool = False
) -> Select:
    """What the sheet reads, as stored (contact columns encrypted); bench/bulk.py times PostgreSQL
    writing exactly this with COPY, the ceiling of the export."""
    return (
        select(
            Supporter.row_key,
            Supporter.first_name,
            Supporter.last_name,
            Supporter.email,
            PetitionSignature.row_key,
            PetitionSignature.comment,
            PetitionSignature.zip_code,
            PetitionSignature.city,
            PetitionSignature.us_state,
            PetitionSignature.county,
            PetitionSignature.source,
            type_coerce(PetitionSignature.state, String),
            minutes(PetitionSignature.created_at),
            minutes(PetitionSignature.confirmed_at),
        )
        # Erased and forgotten signers keep their row, blank where the person was: the sheet
        # still adds up to the petition's count, and its places and sources to the tallies.
        .outerjoin(Supporter, Supporter.id == PetitionSignature.supporter_id)
        .where(*_of(petition, states, people_only))
    )


def _decrypted(rows: Iterable[tuple]) -> Iterator[tuple[str, ...]]:
    """The sheet's cells: what people typed decrypted and made formula-safe; the places (from our
    ZIP code data), the status and the times (written by the database) as they come."""
    first_name_of = column_decryptor("supporter", "first_name")
    last_name_of = column_decryptor("supporter", "last_name")
    email_of = column_decryptor("supporter", "email")
    comment_of = column_decryptor("petition_signature", "comment")
    for (
        supporter_key,
        first_name,
        last_name,
        email,
        signature_key,
        comment,
        zip_code,
        city,
        us_state,
        county,
        source,
        state,
        signed,
        confirmed,
    ) in rows:
        yield (
            safe_text(first_name_of(supporter_key, first_name)),
            safe_text(last_name_of(supporter_key, last_name)),
            safe_text(email_of(supporter_key, email)),
            safe_text(zip_code),
            city,
            us_state,
            county,
            safe_text(source),
            state,
            safe_text(comment_of(signature_key, comment)),
            signed,
            confirmed or "",
        )
