"""Supporter imports: a line too long to be a CSV row is never held or split whole."""

import resource
import time

import pytest
from sqlalchemy import select

from campaign.supporters.import_files import MAX_LINE
from campaign.supporters.models import ImportProblem, Supporter, SupporterImport
from tests.supporters.import_files import AN_HEADER, csv_bytes
from tests.supporters.test_import_supporters import confirm, import_folder, upload, uploaded  # noqa: F401

pytestmark = pytest.mark.usefixtures("import_folder")


def test_a_header_of_millions_of_columns_is_refused_cheaply(db, client, coalition):
    """8 MB of commas on one line: refused from its first 64 KiB, not split into a list first."""
    data = b"," * (8 * 1024 * 1024) + b"\n"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    response = upload(client, coalition, data)
    elapsed = time.monotonic() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    text = client.get(response.location).get_data(as_text=True) if response.status_code == 302 else ""
    text = text or response.get_data(as_text=True)
    assert "more than 200 columns" in text
    assert db.session.scalar(select(SupporterImport.id)) is None
    assert grown_mb < 50 and elapsed < 3, (grown_mb, elapsed)


@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"])
def test_a_data_row_longer_than_the_cap_is_a_row_problem(db, client, coalition, end):
    good = "Pat,Lee,pat@example.org,37203,,en,subscribed"
    long_row = "Lou,Ray,lou@example.org,37203,,en,subscribed," + "," * (MAX_LINE * 3)
    data = end.join([",".join(AN_HEADER), good, long_row, good.replace("pat", "kim"), ""]).encode()
    upload(client, coalition, data)
    found = uploaded(db)
    assert found.total_rows == 3
    assert len(client.get(f"/coalitions/{coalition.slug}/supporters/imports/{found.id}").data) < 100_000
    client.get(confirm(client, coalition, found.id, found.mapping).location).close()
    db.session.expire_all()
    found = db.session.get(SupporterImport, found.id)
    assert (found.imported, found.skipped) == (2, 1)
    assert sorted(s.email for s in db.session.scalars(select(Supporter))) == [
        "kim@example.org",
        "pat@example.org",
    ]
    problems = db.session.execute(select(ImportProblem.row_number, ImportProblem.problem)).all()
    assert problems == [(3, "unreadable_row")]


def test_a_long_quoted_cell_over_lines_still_reads(db, client, coalition):
    """Lines are capped, not rows: a cell with line breaks is read across them (and skipped)."""
    note = "\n".join(["a note line"] * 50)
    rows = [("Pat", "Lee", "pat@example.org", "37203", "", "en", "subscribed", note)]
    upload(client, coalition, csv_bytes(rows, header=(*AN_HEADER, "notes")))
    found = uploaded(db)
    assert found.total_rows == 1
    client.get(confirm(client, coalition, found.id, [*found.mapping[:7], ""]).location).close()
    db.session.expire_all()
    assert db.session.get(SupporterImport, found.id).imported == 1
