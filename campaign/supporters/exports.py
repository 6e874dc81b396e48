"""The coalition's supporters on file as a spreadsheet, streamed, with our columns or Action Network's."""

from collections.abc import Iterator

from sqlalchemy import String, func, type_coerce

from campaign.core.crypto import decryptor
from campaign.core.exports import minutes, stream_rows
from campaign.extensions import db
from campaign.supporters import action_network
from campaign.supporters.models import Supporter
from campaign.supporters.services import on_file

# The person columns, as the RSVP sheet (actions/exports.py) has them too.
PERSON_COLUMNS = ("first_name", "last_name", "email", "zip_code", "phone", "language", "subscription")
SHEET = action_network.Sheet(columns=(*PERSON_COLUMNS, "added_at_utc"), action_network=PERSON_COLUMNS)
CHUNK = 5000
# What each row reads of the person, sealed columns with the row's key to open them.
PERSON = (
    Supporter.row_key,
    Supporter.first_name,
    Supporter.last_name,
    Supporter.email,
    Supporter.zip_code,
    Supporter.phone,
    Supporter.language,
    type_coerce(Supporter.subscription, String),
)


def row_count(coalition_id: int) -> int:
    return db.session.scalar(on_file(coalition_id, func.count(Supporter.id)))


def rows(coalition_id: int) -> Iterator[tuple]:
    """Supporters on file only: confirmed by the address's owner or brought in by the coalition,
    and not erased (`on_file`). The rows come past the ORM and are opened here, the keys looked
    up once, as the signers' export does."""
    person = person_cells()
    query = on_file(coalition_id, *PERSON, minutes(Supporter.created_at)).order_by(Supporter.id)
    for row in stream_rows(query, CHUNK):
        yield (*person(row), row[len(PERSON)])


def person_cells():
    """A function from a row that starts with the PERSON columns to the PERSON_COLUMNS cells."""
    decrypt = decryptor()

    def cells(row) -> tuple:
        key, first_name, last_name, email, zip_code, phone, language, subscription = row[: len(PERSON)]
        return (
            decrypt("supporter", "first_name", key, first_name) or "",
            decrypt("supporter", "last_name", key, last_name) or "",
            decrypt("supporter", "email", key, email) or "",
            zip_code or "",
            decrypt("supporter", "phone", key, phone) or "",
            language,
            subscription,
        )

    return cells
