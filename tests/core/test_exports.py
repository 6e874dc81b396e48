"""CSV lines as csv.writer writes them, and formula safety of rows that are not yet safe."""

import csv
import io
import random

import pytest

from campaign.core.exports import FormulaSafe, _line_writer, csv_lines

# Every character csv.writer treats apart, and some it does not.
ALPHABET = ["a", "é", ",", '"', "\r", "\n", "\t", " ", "\x00", "'", "=", "-", ";"]


def written_by_csv_writer(row) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "row",
    [
        [],
        [""],
        ["", ""],
        ["solo"],
        ["Ana", "Reyes Núñez", "ana@example.org"],
        ["Pérez, Jr.", "x"],
        ['Dijo "basta"', ""],
        ["Línea 1\nLínea 2", "x"],
        ["Windows\r\nline"],
        ["\ttab", " spaces ", "'quoted"],
    ],
)
def test_a_line_is_what_csv_writer_writes(row):
    assert _line_writer()(row) == written_by_csv_writer(row)


def test_random_lines_are_what_csv_writer_writes():
    choose, line_of = random.Random(19).choice, _line_writer()
    for _ in range(5000):
        row = ["".join(choose(ALPHABET) for _ in range(choose(range(4)))) for _ in range(choose(range(5)))]
        assert line_of(row) == written_by_csv_writer(row), row


def test_rows_not_known_to_be_safe_are_made_safe_and_known_safe_ones_written_as_they_come():
    rows = [("=1+1", "Ana", 7, None), ("-x", "é, ñ", "", "@")]
    checked = "".join(csv_lines(["=h", "b", "c", "d"], rows))
    assert checked == "\ufeff'=h,b,c,d\r\n'=1+1,Ana,7,\r\n'-x,\"é, ñ\",,'@\r\n"
    safe = [("'=1+1", "Ana", "7", ""), ("'-x", "é, ñ", "", "'@")]
    assert "".join(csv_lines(["=h", "b", "c", "d"], FormulaSafe(safe))) == checked
