"""The signers' sheet written the simple way (the ORM's objects, each value decrypted by its
attribute, each cell checked, csv.writer a row at a time), which the fast export must match byte
for byte; and a crowd of signers with every kind of row in it."""

import csv
import io
import random

from sqlalchemy import select, update

from campaign.core.exports import EXCEL_UTF8_MARK, FORMULA_STARTS
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.petitions import exports, signing
from campaign.petitions.models import Petition, PetitionSignature, SignatureState
from campaign.supporters.models import Supporter
from campaign.supporters.services import erase_supporter_data
from tests.older_formats import fernet_token, unbind_rows

# Names, comments and sources as people type them: formulas, accents, and the cells csv.writer
# quotes (commas, quotes, line breaks), blanks and spaces.
FIRST_NAMES = ("Ana", "José María", "=1+1", "+34 600 000 000", "-Begoña", "@iñaki", "Zoë", "O'Brien")
LAST_NAMES = ("Reyes Núñez", "", "Pérez, Jr.", 'Dijo "basta"', "-", "  espacios  ", "Ñandú")
COMMENTS = (
    "",
    "Por mi familia.",
    '=HYPERLINK("http://evil.example")',
    "\tcon tabulador",
    "\nempieza con salto",
    "Línea 1\nLínea 2",
    "Windows\r\nline",
    'coma, y "comillas"',
    "@todos",
    "¡Sí se puede!",
)
SOURCES = ("", "juntos", "=evil()", "-fb", "+tw", "boletín, enero")
ZIP_CODES = ("19104", "90012", "99999", "10001")  # 99999 is no place: its state, county and city blank


def sign_a_crowd(petition: Petition, count: int) -> None:
    """`count` signers of the petition: most confirmed, some quarantined (exported), unconfirmed
    or struck out (not exported); some erased, some forgotten (no person linked), and some with
    values in the formats older versions wrote."""
    pick = random.Random(2026).choice  # every mix of the values, the same in each run
    for number in range(count):
        fields = {
            "first_name": pick(FIRST_NAMES),
            "last_name": pick(LAST_NAMES),
            "email": f"{pick(('', '-', '+'))}signer{number}@crowd.example",
            "zip_code": pick(ZIP_CODES),
            "comment": pick(COMMENTS),
            "source": pick(SOURCES),
        }
        signing.sign(petition, fields, "es", None, None, quarantine_reason=pick(("",) * 8 + ("bot",)))
    of_petition = PetitionSignature.petition_id == petition.id
    db.session.execute(
        update(PetitionSignature)
        .where(
            of_petition, PetitionSignature.state == SignatureState.UNCONFIRMED, PetitionSignature.id % 7 != 3
        )
        .values(state=SignatureState.CONFIRMED, confirmed_at=utcnow())
    )
    db.session.execute(
        update(PetitionSignature)
        .where(of_petition, PetitionSignature.id % 23 == 5)
        .values(state=SignatureState.INVALID)
    )
    db.session.execute(
        update(PetitionSignature).where(of_petition, PetitionSignature.id % 31 == 7).values(supporter_id=None)
    )
    for number in range(0, count, 13):
        erase_supporter_data(f"signer{number}@crowd.example")
    db.session.commit()
    unbind_rows(db, Supporter, where=Supporter.id % 11 == 2)
    unbind_rows(db, Supporter, token=fernet_token, where=Supporter.id % 11 == 6)
    unbind_rows(db, PetitionSignature, where=PetitionSignature.id % 11 == 2)


def _cells(signature: PetitionSignature) -> dict:
    person = signature.supporter
    return {
        "first_name": person and person.first_name,
        "last_name": person and person.last_name,
        "email": person and person.email,
        "zip_code": signature.zip_code,
        "city": signature.city,
        "state": signature.us_state,
        "county": signature.county,
        "source": signature.source,
        "status": signature.state.value,
        "comment": signature.comment,
        "signed_at_utc": signature.created_at.strftime("%Y-%m-%d %H:%M"),
        "confirmed_at_utc": signature.confirmed_at and signature.confirmed_at.strftime("%Y-%m-%d %H:%M"),
    }


def _line(cells: list) -> str:
    buffer = io.StringIO()
    texts = ["" if cell is None else cell for cell in cells]
    csv.writer(buffer).writerow(["'" + text if text.startswith(FORMULA_STARTS) else text for text in texts])
    return buffer.getvalue()


def simple_sheet(petition_id: int, action_network: bool = False) -> tuple[str, list[str]]:
    """(header line, a line per signer) of the sheet, or of its Action Network version (confirmed
    signers on file only, Action Network's headers), written the simple way."""
    sheet = exports.SHEET
    states = exports.ACTION_NETWORK_EXPORTED if action_network else exports.EXPORTED
    db.session.expire_all()
    signatures = db.session.scalars(
        select(PetitionSignature).where(
            PetitionSignature.petition_id == petition_id, PetitionSignature.state.in_(states)
        )
    )
    if action_network:
        signatures = [s for s in signatures if s.supporter and s.supporter.erased_at is None]
    columns = sheet.action_network if action_network else sheet.columns
    lines = [_line([_cells(signature)[column] for column in columns]) for signature in signatures]
    return _line(list(sheet.header(action_network))), lines


def assert_written_the_simple_way(text: str, petition_id: int, action_network: bool = False) -> None:
    """`text` is the simple way's sheet byte for byte, in the export's own row order (it has none
    of its own: PostgreSQL returns the rows in whatever order its join makes)."""
    header, lines = simple_sheet(petition_id, action_network)
    by_cells = {tuple(_parsed(line)[0]): line for line in lines}
    assert text.startswith(EXCEL_UTF8_MARK + header)
    exported = _parsed(text.removeprefix(EXCEL_UTF8_MARK + header))
    assert sorted(exported) == sorted(_parsed("".join(lines)))
    assert text == EXCEL_UTF8_MARK + header + "".join(by_cells[tuple(cells)] for cells in exported)


def _parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))
