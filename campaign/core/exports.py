"""Exports of personal data: a log row per download, and CSV that spreadsheets open safely."""

import csv
import io
import itertools
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime

from flask import Response, stream_with_context
from sqlalchemy import DateTime, ForeignKey, Integer, Select, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from campaign.core.outbox import utcnow
from campaign.extensions import db

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Excel reads a CSV as UTF-8 only when it starts with a byte order mark.
EXCEL_UTF8_MARK = "\ufeff"


class ExportLog(db.Model):
    """Who downloaded which personal data, and when (DESIGN: exports are limited and logged):
    an organizer's account, or an API key (campaign/api) for what the API handed out."""

    __tablename__ = "export_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"), index=True)
    what: Mapped[str] = mapped_column(String(120))  # e.g. "letter:12:signatories"
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def log_export(
    coalition_id: int, user_id: int | None, what: str, row_count: int, *, api_key_id: int | None = None
) -> ExportLog:
    entry = ExportLog(
        coalition_id=coalition_id, user_id=user_id, what=what, row_count=row_count, api_key_id=api_key_id
    )
    db.session.add(entry)
    db.session.flush()
    return entry


_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each is one character


def safe_cell(value) -> str:
    """The value as text that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in _FORMULA_FIRST else text


def safe_text(text: str | None) -> str:
    """`safe_cell` of text or None, for `FormulaSafe` rows."""
    if text is None:
        return ""
    return "'" + text if text[:1] in _FORMULA_FIRST else text


class FormulaSafe:
    """Rows (tuples of str) already as `safe_cell` would make them: every cell that holds what
    someone typed (a name, a comment, a source code) passed through `safe_text`, and the others
    written by the database or this app (timestamps, state codes, statuses), which never start
    like a formula. `csv_lines` writes these as they come; other rows, cell by cell, which in a
    million-row export is a second of the ten. Rows made from these (another sheet's picks of
    their columns) are plain rows again, checked."""

    def __init__(self, rows: Iterable[tuple[str, ...]]):
        self.rows = rows

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter(self.rows)


def _safe_row(row: Iterable) -> list[str]:
    """`safe_cell` of each cell, with text (nearly every cell) checked inline: a million-row
    export calls this a million times."""
    return [
        ("'" + cell if cell[:1] in _FORMULA_FIRST else cell) if cell.__class__ is str else safe_cell(cell)
        for cell in row
    ]


ROWS_PER_WRITE = 500


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text some rows at a time, so a large export never sits in memory whole."""
    line_of = _line_writer()
    yield EXCEL_UTF8_MARK
    rows = iter(rows) if isinstance(rows, FormulaSafe) else map(_safe_row, rows)
    yield line_of(_safe_row(header))
    # A few hundred rows per piece: a piece per row cost a million-row export a second.
    while batch := list(itertools.islice(rows, ROWS_PER_WRITE)):
        yield "".join(map(line_of, batch))


def _line_writer() -> Callable[[Sequence[str]], str]:
    """A row of text cells -> its CSV line, byte for byte as csv.writer writes it.

    csv.writer quotes a cell only if it holds a comma, a double quote or a line break (and
    writes a row of one empty cell as ""). A row with none of those is its cells joined by
    commas, which str.join makes in a fifth of the time csv.writer takes (~2 µs a row of the
    signers' sheet, two seconds of a million-row export); csv.writer writes the others.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line_of(row: Sequence[str]) -> str:
        line = ",".join(row)
        if (
            line
            and line.count(",") == len(row) - 1
            and '"' not in line
            and "\r" not in line
            and "\n" not in line
        ):
            return line + "\r\n"
        writer.writerow(row)
        return _drain(buffer)

    return line_of


class minutes(FunctionElement):
    """A timestamp as "2026-11-24 18:05" text, written by the database: in a million-row export,
    formatting there costs the web process nothing, and PostgreSQL runs on the other core."""

    type = String()
    inherit_cache = True


@compiles(minutes, "postgresql")
def _minutes_in_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD HH24:MI')"


@compiles(minutes, "sqlite")
def _minutes_in_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m-%d %H:%M', {compiler.process(element.clauses, **kw)})"


def stream_rows(query: Select, chunk: int) -> Iterator[tuple]:
    """The rows of a big read, `chunk` at a time, on the session's connection and transaction.

    On PostgreSQL a server-side cursor in binary format is read one chunk ahead by a helper
    thread: while this thread decrypts and writes a chunk, PostgreSQL produces the next and
    psycopg parses it (waiting on the socket frees the GIL), which takes a fifth off a
    million-row export. Elsewhere (SQLite) SQLAlchemy reads it in chunks.
    """
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        yield from connection.execution_options(yield_per=chunk).execute(query)
        return
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    with connection.connection.driver_connection.cursor(name="campaign_stream", binary=True) as cursor:
        cursor.execute(compiled.string, compiled.params)
        yield from _read_ahead(lambda: cursor.fetchmany(chunk))


_DONE = object()


def _read_ahead(fetch) -> Iterator[tuple]:
    """Rows of the batches `fetch` returns until an empty one, the next batch fetched by a
    thread while the caller works on this one. A caller that stops early (a download cut off)
    stops the thread before the cursor closes."""
    batches: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def fetch_all() -> None:
        try:
            while not stop.is_set():
                batch = fetch()
                _put(batches, batch or _DONE, stop)
                if not batch:
                    return
        except Exception as error:  # handed to the caller, raised there
            _put(batches, error, stop)

    reader = threading.Thread(target=fetch_all, name="export-read-ahead", daemon=True)
    reader.start()
    try:
        while (batch := batches.get()) is not _DONE:
            if isinstance(batch, Exception):
                raise batch
            yield from batch
    finally:
        stop.set()
        reader.join()


def _put(batches: queue.Queue, item, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            batches.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def logged_csv(
    coalition_id: int,
    user_id: int,
    *,
    what: str,
    row_count: int,
    filename: str,
    header: Iterable[str],
    rows: Iterable[Iterable],
) -> Response:
    """A view's download of personal data: its log row is committed before the first byte leaves."""
    log_export(coalition_id, user_id, what, row_count)
    db.session.commit()
    return csv_response(filename, header, rows)


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable]) -> Response:
    return Response(
        stream_with_context(csv_lines(header, rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
