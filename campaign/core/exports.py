"""Exports of personal data: a log row per download, and CSV that spreadsheets open safely."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from flask import Response, stream_with_context
from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.outbox import utcnow
from campaign.extensions import db

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Excel reads a CSV as UTF-8 only when it starts with a byte order mark.
EXCEL_UTF8_MARK = "\ufeff"


class ExportLog(db.Model):
    """Who downloaded which personal data, and when (DESIGN: exports are limited and logged)."""

    __tablename__ = "export_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(String(120))  # e.g. "letter:12:signatories"
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def log_export(coalition_id: int, user_id: int, what: str, row_count: int) -> ExportLog:
    entry = ExportLog(coalition_id=coalition_id, user_id=user_id, what=what, row_count=row_count)
    db.session.add(entry)
    db.session.flush()
    return entry


def safe_cell(value) -> str:
    """The value as text that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text a line at a time, so a large export never sits in memory whole."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield EXCEL_UTF8_MARK
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        if buffer.tell() > 64 * 1024:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable]) -> Response:
    return Response(
        stream_with_context(csv_lines(header, rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
