"""What the database holds, checked column by column from the SQLAlchemy metadata.

Every table, every row: an enum column holds one of its enum's values; text (encrypted text
read through its key) holds no NUL, lone surrogate or control character (bidirectional ones
included), and no line break unless the column is meant to have several lines. A column is
multi-line when it is `Text`, or when its name ends with the name of a textarea on the site's
forms (`invitation_message` is the invite form's `message`); every other string column is a
single line.
"""

import re
import unicodedata
from collections.abc import Iterator

from sqlalchemy import JSON, Enum, Text

from campaign.extensions import db
from tests.traces import opened_rows

# Columns that hold a whole document, not something a person typed into one field.
DOCUMENTS = {"stored_mail.raw"}  # an email as sent: headers, CRLF line ends, MIME parts
LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")
EXAMPLES_PER_COLUMN = 3


def _control(value: str) -> str | None:
    """What is wrong with the characters of `value` wherever it is stored, if anything."""
    for char in value:
        if char == "\x00":
            return "NUL"
        category = unicodedata.category(char)
        if category == "Cs":
            return "lone surrogate"
        if category == "Cc" and char not in "\t\r\n":
            return f"control character {char!r}"
        if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
            return f"bidirectional control {char!r}"
    return None


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def invalid_values(textarea_names: set[str]) -> list[str]:
    """One line per column holding something it must not, with a few examples."""
    found: dict[str, list[str]] = {}
    for table, row in opened_rows(db):
        for column in table.c:
            value = row[column.name]
            for problem in _problems(table.name, column, value, textarea_names):
                found.setdefault(f"{table.name}.{column.name}: {problem}", []).append(
                    f"row {row.get('id', '?')}: {value!r:.80}"
                )
    return [f"{what} ({', '.join(rows[:EXAMPLES_PER_COLUMN])})" for what, rows in sorted(found.items())]


def _problems(table: str, column, value, textarea_names: set[str]) -> Iterator[str]:
    if value is None:
        return
    if isinstance(column.type, Enum):
        if value not in column.type.enums:
            yield f"{value!r} is not one of {column.type.enums}"
        return
    if isinstance(column.type, JSON):
        for text in _strings(value):
            if problem := _control(text):
                yield f"{problem} in JSON"
        return
    if not isinstance(value, str):  # bytes of a column not encrypted, numbers, dates
        return
    if problem := _control(value):
        yield problem
    multiline = (
        isinstance(column.type, Text)
        or f"{table}.{column.name}" in DOCUMENTS
        or any(column.name.endswith(name) for name in textarea_names)
    )
    if not multiline and LINE_BREAK.search(value):
        yield "line break in a single-line column"
