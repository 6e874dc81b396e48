"""The CSV files uploaded for import, on disk: sealed as they are written, opened as they are read."""

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from campaign.core import sealed_files
from campaign.core.outbox import WillNeverWork
from campaign.core.text import one_line

MAX_COLUMNS = 200
# The longest line read, in characters: a header of MAX_COLUMNS names is far shorter, and a
# longer line is refused or skipped before the csv module splits it into a list.
MAX_LINE = 64 * 1024
CHUNK = 64 * 1024


class UnreadableFile(WillNeverWork):
    """The stored file cannot be read (gone, changed, cut, or sealed under a data key no longer
    configured): trying again will not read it."""


class ImportRefused(ValueError):
    """An upload we cannot import; `message` tells the organizer why."""

    def __init__(self, message):
        super().__init__("upload refused")
        self.message = message


def folder() -> Path:
    """This database's uploads. Named after the database, as the periodic jobs' lock is: two
    sites sharing an instance folder must not take each other's files for strays."""
    database = hashlib.sha256(current_app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:12]
    path = Path(current_app.instance_path) / "imports" / database
    path.mkdir(parents=True, exist_ok=True)
    return path


def too_large():
    megabytes = current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024)
    return lazy_ngettext(
        "The file is larger than %(num)d MB: split it into smaller files.",
        "The file is larger than %(num)d MB: split it into smaller files.",
        megabytes,
    )


def store(stream, stored_name: str) -> str:
    """Copy the upload, sealed (it holds people's names and addresses), in chunks, checking its
    size, that it is text, and whether it is UTF-8; returns the encoding to read it with."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, written = True, 0
    with sealed_files.writer(folder() / stored_name, stored_name) as out:
        while chunk := stream.read(CHUNK):
            if written == 0 and _looks_binary(chunk[:8192]):
                raise ImportRefused(_l("This file is not a CSV file: export the spreadsheet as CSV first."))
            written += len(chunk)
            if written > limit:
                raise ImportRefused(too_large())
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            out.write(chunk)
    if written == 0:
        raise ImportRefused(_l("The file is empty."))
    try:
        utf8.decode(b"", final=True)  # a character cut off at the end
    except UnicodeDecodeError:
        is_utf8 = False
    # Not UTF-8: most likely Excel's plain "CSV" on Windows, whose Windows-1252 is Latin-1 plus
    # curly quotes, dashes and € where Latin-1 has invisible control characters.
    return "utf-8-sig" if is_utf8 else "cp1252"


BINARY_STARTS = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def _looks_binary(start: bytes) -> bool:
    """An image, a PDF, a spreadsheet or a UTF-16 export: text has few NUL bytes, if a hostile
    cell has one (that row is skipped, not the file)."""
    return start.startswith(BINARY_STARTS) or start.count(b"\x00") > len(start) // 20


@contextmanager
def rows(stored_name: str, encoding: str) -> Iterator[Iterator[list[str] | None]]:
    """The stored file's rows, opened and decoded as they are read; None for a row the csv
    module cannot read or whose line is longer than MAX_LINE. UnreadableFile if the file does
    not open, at once or at the chunk that does not."""
    try:
        binary = sealed_files.reader(folder() / stored_name, stored_name)
    except (FileNotFoundError, ValueError) as error:
        raise UnreadableFile(str(error)) from error
    with io.TextIOWrapper(binary, encoding=encoding, newline="", errors="replace") as text:
        yield _readable(csv.reader(_CappedLines(text)))


class _CappedLines:
    """A text's lines for the csv module, none longer than MAX_LINE characters: a longer one is
    read through in pieces, never held whole, and stands as a csv.Error, after which the reader
    goes on with the next line (a generator could not: it ends when it raises)."""

    def __init__(self, text):
        self.text = text

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.text.readline(MAX_LINE)
        if not line:
            raise StopIteration
        if len(line) < MAX_LINE or line.endswith(("\n", "\r")):
            return line
        while len(rest := self.text.readline(MAX_LINE)) == MAX_LINE and not rest.endswith(("\n", "\r")):
            pass
        raise csv.Error("line too long")


def _readable(reader) -> Iterator[list[str] | None]:
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield None
        except ValueError as error:  # a sealed chunk that does not open (decoding never fails)
            raise UnreadableFile(str(error)) from error


def header_and_count(stored_name: str, encoding: str) -> tuple[list[str], int]:
    """The header row, made one line each, and the number of non-blank rows after it (an
    unreadable one counts: the import reports it)."""
    with rows(stored_name, encoding) as read:
        header = next(read, None)
        total = sum(1 for row in read if row is None or any(cell.strip() for cell in row))
    if header is None:  # the file is not empty (`store` refuses that): its first line is too long
        raise ImportRefused(too_many_columns())
    header = [one_line(name)[:120] for name in header]
    if not any(header):
        raise ImportRefused(_l("The file has no header row: its first line must name the columns."))
    if len(header) > MAX_COLUMNS:
        raise ImportRefused(too_many_columns())
    return header, total


def too_many_columns():
    return lazy_ngettext(
        "The file has more than %(num)d column.",
        "The file has more than %(num)d columns.",
        MAX_COLUMNS,
    )


def delete(stored_name: str) -> None:
    (folder() / stored_name).unlink(missing_ok=True)


def delete_stray(cutoff: datetime, keep: set[str]) -> int:
    """Delete the files last written before `cutoff` (naive UTC) whose names are not in `keep`."""
    moment = cutoff.replace(tzinfo=UTC).timestamp()
    deleted = 0
    for path in folder().iterdir():
        try:
            stray = path.name not in keep and path.stat().st_mtime < moment
        except FileNotFoundError:  # deleted meanwhile by a discard or a finished import
            continue
        if stray:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
