"""Supporter imports from CSV: store the upload, preview it, then read it in batches."""

import secrets
from collections.abc import Iterator
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update
from werkzeug.datastructures import FileStorage

from campaign.core.addresses import NotSendable, sendable_address
from campaign.core.exports import FORMULA_STARTS
from campaign.core.outbox import utcnow
from campaign.core.text import CONTROL, one_line
from campaign.extensions import db
from campaign.supporters import action_network, import_files, services
from campaign.supporters.import_files import ImportRefused
from campaign.supporters.models import (
    ZIP_CODE,
    Consent,
    ImportProblem,
    ImportState,
    Subscription,
    Supporter,
    SupporterImport,
)
from campaign.supporters.signals import address_screening

PREVIEW_ROWS = 5
# The longest value kept per field; a longer one is a mistake (a whole row in a cell) or an attack.
LONGEST = {"email": 254, "first_name": 100, "last_name": 100, "phone": 30, "language": 40, "subscription": 40}
# What the error CSV and the page say about a cell: the key is stored, the words are translated
# for whoever reads them.
PROBLEMS = {
    "missing_email": _l("No email address: the row was skipped."),
    "bad_email": _l("Not an email address we can send to: the row was skipped."),
    "control_characters": _l("Invisible control characters: the row was skipped."),
    "too_long": _l("Too long to be this field: the row was skipped."),
    "unreadable_row": _l("The row could not be read as CSV: it was skipped."),
    "bad_zip_code": _l("Not a five-digit ZIP code: imported without it."),
    "erased": _l("This person asked to have their data erased: the row was skipped."),
    "unknown_status": _l("No subscription status we know: imported as not subscribed."),
}

WAITING_FOR_A_WORKER = _l(
    "The background worker hasn’t picked this up yet. If this lasts, check that the worker is running."
)


def worker_hint(supporter_import: SupporterImport) -> str:
    """What the progress page says besides the figures: "" unless the import waits for a worker."""
    return str(WAITING_FOR_A_WORKER) if supporter_import.waits_for_a_worker(utcnow()) else ""


def store_upload(coalition_id: int, user_id: int, upload: FileStorage) -> SupporterImport:
    """Copy the upload to the instance folder in chunks, sealed (it holds people's names and
    addresses), checking its size, that it is text, and whether it is UTF-8 (else it is read as
    Windows-1252), then read its header and count its rows."""
    file_name = one_line(upload.filename or "")[:120] or "upload.csv"
    if not file_name.lower().endswith((".csv", ".txt")):
        raise ImportRefused(_l("Choose a .csv file: export the spreadsheet as CSV first."))
    stored_name = f"{coalition_id}-{secrets.token_hex(16)}.csv"
    try:
        encoding = import_files.store(upload.stream, stored_name)
        header, total = import_files.header_and_count(stored_name, encoding)
    except ImportRefused:
        import_files.delete(stored_name)
        raise
    supporter_import = SupporterImport(
        coalition_id=coalition_id,
        created_by_id=user_id,
        file_name=file_name,
        stored_name=stored_name,
        encoding=encoding,
        headers=header,
        mapping=[action_network.guess_field(name) for name in header],
        total_rows=total,
    )
    db.session.add(supporter_import)
    db.session.flush()
    return supporter_import


def preview_rows(supporter_import: SupporterImport) -> list[list[str]]:
    """The first rows as the organizer sees them before confirming: one line each, cut short,
    with anything that looks like an email address masked."""
    shown = []
    with import_files.rows(supporter_import.stored_name, supporter_import.encoding) as rows:
        next(rows, None)
        for row in filter(None, rows):
            shown.append([_masked(one_line(cell)[:60]) for cell in row[: import_files.MAX_COLUMNS]])
            if len(shown) == PREVIEW_ROWS:
                break
    return shown


def _masked(cell: str) -> str:
    local, at, domain = cell.partition("@")
    return f"{local[:1]}•••@{domain}" if at else cell


def confirm(
    supporter_import: SupporterImport, mapping: list[str], wording: str, language: str, organizer: str
) -> bool:
    """Queue the import with this mapping and wording; False if it was already confirmed (a
    second click), so that one file is imported once."""
    day = utcnow().date().isoformat()
    source = f"imported from {supporter_import.file_name} on {day} by {one_line(organizer)}"
    result = db.session.execute(
        update(SupporterImport)
        .where(SupporterImport.id == supporter_import.id, SupporterImport.state == ImportState.UPLOADED)
        .values(
            state=ImportState.QUEUED,
            mapping=mapping,
            consent_wording=wording,
            consent_language=language,
            consent_source=source[:255],
            confirmed_at=utcnow(),
        )
    )
    return result.rowcount == 1


def run_batches(import_id: int) -> Iterator[SupporterImport]:
    """Import the file's rows a batch at a time, yielding after each so that the caller commits
    it: progress shows, and a worker that dies resumes after the last committed batch. Two
    runners of one import (a message delivered twice) meet in the batch's conditional update,
    and the later one stops."""
    supporter_import = db.session.get(SupporterImport, import_id)
    if supporter_import is None or supporter_import.state not in (ImportState.QUEUED, ImportState.RUNNING):
        return
    supporter_import.state = ImportState.RUNNING
    yield supporter_import
    batch_size = current_app.config["IMPORT_BATCH_ROWS"]
    with import_files.rows(supporter_import.stored_name, supporter_import.encoding) as rows:
        numbered = _numbered_rows(rows, skip=supporter_import.rows_done)
        while batch := _take(numbered, batch_size):
            if not _import_batch(supporter_import, batch):
                return
            yield supporter_import
    _finish(supporter_import, ImportState.DONE)
    yield supporter_import


def fail(import_id: int) -> None:
    """The task gave up: the organizer sees it failed, and the file is not kept."""
    supporter_import = db.session.get(SupporterImport, import_id)
    if supporter_import is not None and supporter_import.state != ImportState.DONE:
        _finish(supporter_import, ImportState.FAILED)


def _finish(supporter_import: SupporterImport, state: ImportState) -> None:
    if supporter_import.stored_name:
        import_files.delete(supporter_import.stored_name)
    supporter_import.stored_name = None
    supporter_import.state, supporter_import.finished_at = state, utcnow()
    db.session.flush()


def discard(supporter_import: SupporterImport) -> None:
    """An upload the organizer will not import: its file is deleted now."""
    _finish(supporter_import, ImportState.FAILED)


def discard_abandoned(cutoff: datetime) -> list[str]:
    """Discard the uploads left unconfirmed since before `cutoff`; the names of their files, to
    delete once that is committed. An organizer confirming one at this moment wins."""
    waiting = dict(
        db.session.execute(
            select(SupporterImport.id, SupporterImport.stored_name).where(
                SupporterImport.state == ImportState.UPLOADED, SupporterImport.created_at < cutoff
            )
        ).all()
    )
    if not waiting:
        return []
    discarded = db.session.scalars(
        update(SupporterImport)
        .where(SupporterImport.id.in_(waiting), SupporterImport.state == ImportState.UPLOADED)
        .values(state=ImportState.FAILED, stored_name=None, finished_at=utcnow())
        .returning(SupporterImport.id)
    )
    return [waiting[import_id] for import_id in discarded if waiting[import_id]]


def delete_stray_files(cutoff: datetime) -> int:
    """Delete the stored files written before `cutoff` that no import names: uploads whose
    request failed after the file was written."""
    named = select(SupporterImport.stored_name).where(SupporterImport.stored_name.is_not(None))
    return import_files.delete_stray(cutoff, keep=set(db.session.scalars(named)))


def _numbered_rows(rows, skip: int) -> Iterator[tuple[int, list[str] | None]]:
    """(spreadsheet row number, cells) of each non-blank data row, after the first `skip`; cells
    None for a row that could not be read."""
    next(rows, None)  # the header
    seen = 0
    for line, row in enumerate(rows, start=2):
        if row is not None and not any(cell.strip() for cell in row):
            continue
        seen += 1
        if seen > skip:
            yield line, row


def _take(iterator, count: int) -> list:
    return [item for _, item in zip(range(count), iterator, strict=False)]


def _import_batch(supporter_import: SupporterImport, batch: list) -> bool:
    """Save one batch's rows; False if another runner already did (nothing is changed then)."""
    claimed = db.session.execute(
        update(SupporterImport)
        .where(
            SupporterImport.id == supporter_import.id, SupporterImport.rows_done == supporter_import.rows_done
        )
        .values(rows_done=supporter_import.rows_done + len(batch))
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    outcome = _Outcome()
    checked = [
        (line, values) for line, row in batch if (values := _checked(supporter_import, line, row, outcome))
    ]
    # The do-not-email list is asked once for the batch: a query per row was half an import's time.
    marks = suppression_marks(supporter_import.coalition_id, [values["email"] for _, values in checked])
    for line, values in checked:
        _import_row(supporter_import, line, values, marks.get(values["email"]), outcome)
    outcome.save(supporter_import)
    db.session.execute(
        update(SupporterImport)
        .where(SupporterImport.id == supporter_import.id)
        .values(
            imported=SupporterImport.imported + outcome.imported,
            matched=SupporterImport.matched + outcome.matched,
            skipped=SupporterImport.skipped + outcome.skipped,
        )
    )
    db.session.refresh(supporter_import)
    return True


class _Outcome:
    """What one batch did, written in a few statements at its end rather than one per row."""

    def __init__(self):
        self.imported = self.matched = self.skipped = 0
        self.subscribe: list[int] = []
        self.unsubscribe: list[int] = []
        self.problems: list[dict] = []

    def problem(self, line: int, column: str, key: str, skipped: bool = True) -> None:
        self.problems.append({"row_number": line, "column": column[:120], "problem": key, "skipped": skipped})
        self.skipped += skipped

    def save(self, supporter_import: SupporterImport) -> None:
        if self.problems:
            rows = [problem | {"import_id": supporter_import.id} for problem in self.problems]
            db.session.execute(insert(ImportProblem), rows)
        if self.unsubscribe:
            services.unsubscribe_all(self.unsubscribe)
        # A person listed twice, subscribed and unsubscribed, stays unsubscribed whatever the
        # order: as across batches, where a later row never resubscribes someone on file.
        unsubscribed = set(self.unsubscribe)
        self.subscribe = [id_ for id_ in dict.fromkeys(self.subscribe) if id_ not in unsubscribed]
        if self.subscribe:
            db.session.execute(
                update(Supporter)
                .where(Supporter.id.in_(self.subscribe))
                .values(subscription=Subscription.SUBSCRIBED)
            )
            consent = {
                "coalition_id": supporter_import.coalition_id,
                "wording": supporter_import.consent_wording,
                "language": supporter_import.consent_language,
                "source": supporter_import.consent_source,
                "given_at": supporter_import.confirmed_at,
            }
            db.session.execute(insert(Consent), [consent | {"supporter_id": id_} for id_ in self.subscribe])


def _checked(
    supporter_import: SupporterImport, line: int, row: list[str] | None, outcome: _Outcome
) -> dict | None:
    """The row's values to import, or None (and the problem noted) if it is skipped."""
    if row is None:
        outcome.problem(line, "", "unreadable_row")
        return None
    return _values(supporter_import, line, row, outcome)


def _import_row(
    supporter_import: SupporterImport, line: int, values: dict, mark: str | None, outcome: _Outcome
) -> None:
    """`mark`: what the coalition's do-not-email list says of the address, if anything."""
    if mark == "erased":
        outcome.problem(line, _column_of(supporter_import, "email") or "email", "erased")
        return
    subscribed = _subscribed(supporter_import, line, values.pop("subscription", ""), outcome) and mark is None
    saved = services.save_supporter(supporter_import.coalition_id, confirmed=True, **values)
    if not saved.is_new:
        # The record on file is the person's own: an import never changes it, except to honour
        # an unsubscribe another tool recorded.
        outcome.matched += 1
        if not subscribed and saved.subscription != Subscription.UNSUBSCRIBED:
            outcome.unsubscribe.append(saved.id)
        return
    outcome.imported += 1
    (outcome.subscribe if subscribed else outcome.unsubscribe).append(saved.id)


def suppression_marks(coalition_id: int, addresses: list[str]) -> dict[str, str]:
    """What the coalition's do-not-email list says of the addresses it marks: "erased" or
    "suppressed" by address (erasure leaves no record to match, only this mark). The API's
    signup helper screens with it too."""
    marks: dict[str, str] = {}
    for _, marked in address_screening.send(coalition_id, addresses=addresses):
        for address, mark in (marked or {}).items():
            if marks.get(address) != "erased":  # the stronger mark wins
                marks[address] = mark
    return marks


def _subscribed(supporter_import: SupporterImport, line: int, status: str, outcome: _Outcome) -> bool:
    """Whether the row subscribes its person. A file without a status column is the organizer's
    list of people who gave the consent they confirmed; in a file with one, only "subscribed"
    does: a blank cell or a word we do not know is no consent."""
    column = _column_of(supporter_import, "subscription")
    if column is None:
        return True
    known = action_network.subscription_status(status)
    if known is None:
        outcome.problem(line, column, "unknown_status", skipped=False)
    return known == "subscribed"


def _column_of(supporter_import: SupporterImport, field: str) -> str | None:
    """The header of the column mapped to `field`, or None if none is."""
    for mapped, header in zip(supporter_import.mapping, supporter_import.headers, strict=False):
        if mapped == field:
            return header
    return None


def _values(supporter_import: SupporterImport, line: int, row: list[str], outcome: _Outcome) -> dict | None:
    """The row's mapped cells, checked: None (and the problem noted) if the row is skipped."""
    values, columns = {}, {}
    for field, header, cell in zip(supporter_import.mapping, supporter_import.headers, row, strict=False):
        if not field:
            continue
        cell = _unescaped(cell.strip())
        if CONTROL.search(cell) or "\n" in cell or "\r" in cell:
            outcome.problem(line, header, "control_characters")
            return None
        if len(cell) > LONGEST.get(field, 10):
            outcome.problem(line, header, "too_long")
            return None
        values[field], columns[field] = cell, header
    email_header = columns.get("email", "email")
    if not values.get("email"):
        outcome.problem(line, email_header, "missing_email")
        return None
    try:
        values["email"] = sendable_address(values["email"])
    except NotSendable:
        outcome.problem(line, email_header, "bad_email")
        return None
    values["first_name"] = values.get("first_name", "")
    values["language"] = _language(values.get("language", ""))
    zip_code = values.pop("zip_code", "")[:5]
    if ZIP_CODE.match(zip_code):
        values["zip_code"] = zip_code
    elif zip_code:
        outcome.problem(line, columns["zip_code"], "bad_zip_code", skipped=False)
    return {name: value for name, value in values.items() if value != "" or name == "first_name"}


def _unescaped(cell: str) -> str:
    """The cell as it was before a formula-safe export (ours, core/exports.py) put an apostrophe
    before its first character: "'+16155550100" is the phone number "+16155550100"."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS else cell


def _language(value: str) -> str:
    value = value.strip().lower()
    if value.startswith(("es", "spa", "españ", "espan")):
        return "es"
    return "en"


def problems_rows(supporter_import: SupporterImport) -> Iterator[tuple]:
    """The error CSV's rows: where, and what, never a cell's value."""
    query = (
        select(ImportProblem.row_number, ImportProblem.column, ImportProblem.problem)
        .where(ImportProblem.import_id == supporter_import.id)
        .order_by(ImportProblem.row_number, ImportProblem.id)
    )
    for row_number, column, key in db.session.execute(query):
        yield row_number, column, str(PROBLEMS.get(key, key))
