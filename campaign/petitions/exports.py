"""The signers' spreadsheet, streamed: rows are read in chunks and written as they come."""

from collections.abc import Iterator

from sqlalchemy import func, select

from campaign.extensions import db
from campaign.petitions.models import Petition, PetitionSignature, SignatureState
from campaign.supporters.models import Supporter

HEADER = (
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
)
EXPORTED = (SignatureState.CONFIRMED, SignatureState.QUARANTINED)
CHUNK = 5000


def _of(petition: Petition):
    return (PetitionSignature.petition_id == petition.id, PetitionSignature.state.in_(EXPORTED))


def row_count(petition: Petition) -> int:
    return db.session.scalar(select(func.count()).where(*_of(petition)))


def rows(petition: Petition) -> Iterator[tuple]:
    query = (
        select(
            Supporter.first_name,
            Supporter.last_name,
            Supporter.email,
            PetitionSignature.zip_code,
            PetitionSignature.city,
            PetitionSignature.us_state,
            PetitionSignature.county,
            PetitionSignature.source,
            PetitionSignature.state,
            PetitionSignature.comment,
            PetitionSignature.created_at,
            PetitionSignature.confirmed_at,
        )
        .join(Supporter, Supporter.id == PetitionSignature.supporter_id)
        .where(*_of(petition))
        .order_by(PetitionSignature.id)
        .execution_options(yield_per=CHUNK)
    )
    for row in db.session.execute(query):
        *values, signed_at, confirmed_at = row
        yield (
            *values,
            f"{signed_at:%Y-%m-%d %H:%M}",
            f"{confirmed_at:%Y-%m-%d %H:%M}" if confirmed_at else "",
        )
