"""Policy entries imported from a CSV: store the upload, match each row to a place and a policy,
preview every row's outcome, then apply the good rows once."""

import csv
import io
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from campaign.core import sealed_files
from campaign.core.outbox import utcnow
from campaign.core.text import one_line
from campaign.extensions import db
from campaign.policies import import_cells, import_places, services
from campaign.policies.forms import latest_date
from campaign.policies.models import (
    NAME_MAX,
    SUMMARY_MAX,
    PolicyEntry,
    PolicyImport,
)
from campaign.supporters import import_files
from campaign.supporters.import_files import ImportRefused, UnreadableFile

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# What a row came to; READY rows (and AMBIGUOUS ones the organizer resolved) become entries.
READY, AMBIGUOUS, DUPLICATE, ERROR = "ready", "ambiguous", "duplicate", "error"
OUTCOMES = {
    READY: _l("Ready"),
    AMBIGUOUS: _l("Which place?"),
    DUPLICATE: _l("Already recorded"),
    ERROR: _l("Error"),
}
CITY_OF = re.compile(r"^(city of|ciudad de|town of|village of)\s+", re.IGNORECASE)
COUNTY_OF = re.compile(r"^(county of|condado de)\s+", re.IGNORECASE)
STATE_AT_END = re.compile(r",\s*([A-Za-z]{2})$")


NOTHING_READY = _l("No row is ready to import: correct the file, or choose the places asked about.")


class NothingReady(ValueError):
    """No row would become an entry: applying would only use the file up."""


@dataclass
class Row:
    """One row of the file as the preview shows it and the apply reads it."""

    number: int  # as a spreadsheet numbers it: the header is row 1
    cells: dict[str, str]
    outcome: str = READY
    problems: list[str] = field(default_factory=list)
    place: str = ""  # the place's key (see _label) once it is known
    candidates: list[tuple[str, str]] = field(default_factory=list)  # (key, label) to choose from
    fields: dict = field(default_factory=dict)  # the entry's fields

    @property
    def label(self) -> str:
        return import_places.label(self.place) if self.place else ""


@dataclass
class Preview:
    rows: list[Row]

    @property
    def counts(self) -> Counter:
        return Counter(row.outcome for row in self.rows)


def store_upload(coalition_id: int, user_id: int, upload: FileStorage) -> PolicyImport:
    """Seal the upload on disk as supporter imports do (their folder, whose periodic sweep also
    deletes a policy file a day old: an import left that long is uploaded again), and guess its
    columns from the header."""
    file_name = one_line(upload.filename or "")[:120] or "policies.csv"
    if not file_name.lower().endswith((".csv", ".txt", ".tsv")):
        raise ImportRefused(_l("Choose a .csv file: export the spreadsheet as CSV first."))
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportRefused(_l("The file is larger than 2 MB: split it into smaller files."))
    found = PolicyImport(
        coalition_id=coalition_id,
        created_by=user_id,
        file_name=file_name,
        stored_name=f"policies-{coalition_id}-{secrets.token_hex(16)}.csv",
    )
    try:
        found.encoding = import_files.store(io.BytesIO(data), found.stored_name)
        header, *rows = _records(found)
    except ImportRefused:
        import_files.delete(found.stored_name)
        raise
    _check_shape(header, rows)
    found.headers = [one_line(name)[:120] for name in header]
    found.mapping = import_cells.guess_mapping(found.headers)
    found.picks = {}
    db.session.add(found)
    db.session.flush()
    return found


def _check_shape(header: list[str] | None, rows: list) -> None:
    if not header or not any(one_line(name) for name in header):
        raise ImportRefused(_l("The file has no header row: its first line must name the columns."))
    if len(header) > import_files.MAX_COLUMNS:
        raise ImportRefused(import_files.too_many_columns())
    if not rows:
        raise ImportRefused(_l("The file has a header row but no rows below it."))
    if len(rows) > MAX_ROWS:
        raise ImportRefused(_l("The file has more than 5,000 rows: split it into smaller files."))


def _records(found: PolicyImport) -> list:
    """The header and the non-blank rows as (row number, cells), or (row number, None) for a row
    the csv module cannot read. Comma, semicolon (Excel in Spanish) or tab, whichever the first
    line has most of."""
    try:
        with sealed_files.reader(import_files.folder() / found.stored_name, found.stored_name) as binary:
            text = binary.read(MAX_BYTES + 1).decode(found.encoding, errors="replace")
    except (FileNotFoundError, ValueError) as error:
        raise UnreadableFile(str(error)) from error
    text = text.replace("\x00", "")  # a NUL stops the csv module; it is never meant
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, number = [], 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            cells = None
        if number == 1:
            records.append(cells)
        elif cells is None or any(cell.strip() for cell in cells):
            records.append((number, cells))
    return records or [None]


def remember(found: PolicyImport, mapping: list[str], picks: dict[str, str]) -> None:
    """Keep the organizer's mapping and choices, so that checking again loses none of them."""
    found.mapping = (list(mapping) + [""] * len(found.headers))[: len(found.headers)]
    found.picks = {row: key for row, key in (found.picks | picks).items() if key}
    db.session.flush()


def preview(found: PolicyImport) -> Preview:
    """Every row with its outcome, its problems in the reader's language, its place."""
    _, *records = _records(found)
    recorded = _recorded(found.coalition_id)
    seen: set[tuple] = set()
    rows = []
    level = ""  # a column named "County" or "City" says what its names are
    if "jurisdiction" in found.mapping:
        level = import_cells.level_of(found.headers[found.mapping.index("jurisdiction")])
    for number, cells in records:
        row = _row(number, cells, found.mapping, level)
        if row.outcome == READY:
            row.place = row.place or found.picks.get(str(number), "")
            if row.candidates and row.place not in dict(row.candidates):
                row.outcome, row.place = AMBIGUOUS, ""
        if row.outcome == READY:
            key = (
                import_places.identity(row.place),
                row.fields["kind"],
                row.fields["status"],
                row.fields["effective_on"],
            )
            if key in seen or key in recorded:
                row.outcome = DUPLICATE
            seen.add(key)
        rows.append(row)
    return Preview(rows)


def _row(number: int, cells: list[str] | None, mapping: list[str], level: str) -> Row:
    if cells is None:
        return Row(number, {}, ERROR, [_("This row could not be read as CSV.")])
    values = {name: one_line(cell) for name, cell in zip(mapping, cells, strict=False) if name}
    row = Row(number, values)
    _match_place(row, level)
    _read_policy(row)
    if row.problems:
        row.outcome = ERROR
    return row


def _match_place(row: Row, column_level: str) -> None:
    name = row.cells.get("jurisdiction", "")
    state_text = row.cells.get("state", "")
    if not state_text and (found := STATE_AT_END.search(name)):
        state_text, name = found.group(1), name[: found.start()]
    state = import_places.state_code(state_text)
    if state is None:
        row.problems.append(
            _("Unknown state “%(state)s”: write its postal code (CA) or its name.", state=state_text[:60])
            if state_text
            else _("No state: add the state of each jurisdiction.")
        )
        return
    level = import_cells.level_of(row.cells.get("level", "")) or column_level
    if CITY_OF.match(name):
        name, level = CITY_OF.sub("", name), level or "city"
    elif COUNTY_OF.match(name):
        name, level = COUNTY_OF.sub("", name), level or "county"
    keys = import_places.keys_named(name.strip()[:NAME_MAX], state, level)
    if len(keys) == 1:
        row.place = keys[0]
    elif keys:
        row.candidates = [(key, import_places.label(key)) for key in keys]
    else:
        row.problems.append(import_places.unknown_place(name[:NAME_MAX], state))


def _read_date(row: Row) -> date | None:
    """The row's date, or None with the reason added to its problems (or for a blank cell)."""
    try:
        return import_cells.date_of(row.cells.get("date", ""))
    except import_cells.DateOutOfRange:
        row.problems.append(
            _(
                "Row %(number)d: “%(date)s” is not between %(first)s and %(last)s.",
                number=row.number,
                date=row.cells["date"][:40],
                first=import_cells.FIRST_YEAR,
                last=latest_date().year,
            )
        )
        return None
    except import_cells.BadDate:
        row.problems.append(
            _(
                "Row %(number)d: “%(date)s” is not a date. Write 2014-05-01, 5/1/2014, May 2014 or 2014.",
                number=row.number,
                date=row.cells["date"][:40],
            )
        )
        return None


def _read_policy(row: Row) -> None:
    wording, conditions = row.cells.get("policy", ""), row.cells.get("conditions", "")
    policy = import_cells.policy_of(wording, conditions)
    if policy is None:
        row.problems.append(
            _(
                "We do not know the policy “%(policy)s”: write, for example, “Refuses detainers”, "
                "“Honors only with a judicial warrant” or “Honors all detainers”.",
                policy=wording[:80],
            )
        )
    effective_on = _read_date(row)
    source_url = import_cells.url_of(row.cells.get("source", ""))
    if source_url is None:
        row.problems.append(_("The source must be a web address starting with http:// or https://."))
    notes = row.cells.get("notes", "")
    if len(notes) > SUMMARY_MAX:
        row.problems.append(
            ngettext(
                "The notes are longer than %(num)d character: shorten them.",
                "The notes are longer than %(num)d characters: shorten them.",
                SUMMARY_MAX,
            )
        )
    if policy:
        kind, status, flags = policy
        row.fields = {
            "kind": kind.value, "status": status, "conditions": flags, "effective_on": effective_on,
            "source_url": source_url or "", "summary_en": notes,
        }  # fmt: skip


def _recorded(coalition_id: int) -> set[tuple]:
    """The coalition's entries as (place key, kind, status, date), to tell rows already recorded."""
    entries = db.session.scalars(select(PolicyEntry).where(PolicyEntry.coalition_id == coalition_id))
    return {
        (import_places.key_of(entry.jurisdiction), entry.kind, entry.status, entry.dated) for entry in entries
    }


def apply(found: PolicyImport, account_id: int | None, publish: bool) -> bool:
    """Record the ready rows as entries, private unless `publish`; False if the import was
    applied already (a second click), so that one file adds its entries once, or if its file is
    gone (the page then says so)."""
    try:
        result = preview(found)
    except UnreadableFile:
        return False
    if not result.counts[READY]:
        raise NothingReady()
    claimed = db.session.execute(
        update(PolicyImport)
        .where(PolicyImport.id == found.id, PolicyImport.applied_at.is_(None))
        .values(applied_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    db.session.refresh(found)
    for row in result.rows:
        if row.outcome == READY:
            fields = row.fields | {"public": publish}
            services.record_entry(
                found.coalition_id, import_places.jurisdiction(row.place), account_id, fields
            )
    counts = result.counts
    found.added, found.skipped = counts[READY], counts[DUPLICATE]
    found.rejected = counts[ERROR] + counts[AMBIGUOUS]
    db.session.flush()
    return True


def discard_file(found: PolicyImport) -> None:
    """The file is not needed once applied: only its counts remain."""
    import_files.delete(found.stored_name)
