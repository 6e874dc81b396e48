"""An import that fails halfway goes on later from its last committed batch, with nothing twice;
it stops, its file deleted, only when its retries are spent or its file cannot be read. One that
waits for a worker says so. (tests/integration/test_import_restart.py restarts PostgreSQL under
the real worker.)"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from campaign.core import outbox
from campaign.core.outbox import DONE, FAILED, PENDING, OutboxEntry, utcnow
from campaign.core.sealed_files import CHUNK
from campaign.supporters import imports
from campaign.supporters.models import Consent, ImportProblem, ImportState, Supporter, SupporterImport
from tests.supporters.import_files import big_file
from tests.supporters.test_import_supporters import MAPPED, confirm, import_folder, upload, uploaded  # noqa: F401

pytestmark = pytest.mark.usefixtures("import_folder")

ROWS = 400
BATCH = 50
# A real error from the database, raised inside the loop once some batches are committed: the
# first supporter insert past FAIL_AFTER people aborts its batch.
FAIL_AFTER = 120


@pytest.fixture
def failing_disk(db):
    """A trigger that fails the batch that would take the coalition past FAIL_AFTER supporters;
    `failing_disk()` takes it away (the disk replaced). The schema outlives the test's data."""
    db.session.execute(
        text(
            "CREATE TRIGGER failing_disk BEFORE INSERT ON supporter"
            " WHEN (SELECT count(*) FROM supporter) >= 120"  # FAIL_AFTER
            " BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
    )
    db.session.commit()

    def replace_the_disk():
        db.session.execute(text("DROP TRIGGER IF EXISTS failing_disk"))
        db.session.commit()

    yield replace_the_disk
    replace_the_disk()


@pytest.fixture
def small_batches(app):
    app.config.update(IMPORT_BATCH_ROWS=BATCH, OUTBOX_SWEEP_AFTER_SECONDS=0)


def start(db, client, coalition, data) -> SupporterImport:
    upload(client, coalition, data)
    found = uploaded(db)
    confirm(client, coalition, found.id, MAPPED)  # runs in-process once the response is sent
    db.session.expire_all()
    return db.session.get(SupporterImport, found.id)


def the_entry(db) -> OutboxEntry:
    db.session.expire_all()
    return db.session.scalar(select(OutboxEntry).where(OutboxEntry.task_name.endswith("run_import")))


def retry_now(db) -> None:
    """The backoff has passed and the sweeper (beat's job) runs: in-process, the task runs now."""
    entry = the_entry(db)
    entry.not_before = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert outbox.sweep() == 1
    db.session.expire_all()


def test_a_failure_halfway_is_retried_and_goes_on_from_the_last_batch(
    db, client, coalition, small_batches, failing_disk
):
    data, expected = big_file(ROWS)
    found = start(db, client, coalition, data)
    entry = the_entry(db)
    assert (entry.state, entry.attempts) == (PENDING, 1)
    assert "disk I/O error" in entry.last_error
    assert entry.not_before > utcnow()  # backing off
    # What was committed stays, the batch that failed left nothing, and the file waits.
    assert found.state == ImportState.RUNNING and found.stored_name
    assert 0 < found.rows_done < ROWS and found.rows_done % BATCH == 0
    assert found.imported + found.matched + found.skipped == found.rows_done
    assert (import_folder_of(found)).exists()
    progress = client.get(f"/coalitions/{coalition.slug}/supporters/imports/{found.id}/progress.json")
    assert progress.get_json()["state"] == "running" and progress.get_json()["hint"] == ""

    failing_disk()  # the disk is replaced
    retry_now(db)
    found = db.session.get(SupporterImport, found.id)
    assert found.state == ImportState.DONE and found.stored_name is None
    assert (found.imported, found.matched, found.skipped) == (
        expected["imported"],
        expected["matched"],
        expected["skipped"],
    )
    assert found.rows_done == ROWS
    # Nothing twice: one record, one consent and one problem per row that made them.
    assert db.session.scalar(select(func.count(Supporter.id))) == expected["imported"]
    consents = db.session.scalar(select(func.count(Consent.id)))
    assert consents == expected["imported"] - expected["unsubscribed"]
    assert db.session.scalar(select(func.count(ImportProblem.id))) == expected["skipped"]
    assert (the_entry(db).state, the_entry(db).attempts) == (DONE, 2)


def import_folder_of(found: SupporterImport):
    from campaign.supporters import import_files

    return import_files.folder() / found.stored_name


def test_it_stops_and_deletes_its_file_once_the_retries_are_spent(
    app, db, client, coalition, small_batches, failing_disk
):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    found = start(db, client, coalition, big_file(ROWS)[0])
    stored = import_folder_of(found)
    for _ in range(2):
        retry_now(db)
    entry, found = the_entry(db), db.session.get(SupporterImport, found.id)
    assert (entry.state, entry.attempts) == (FAILED, 3)
    assert found.state == ImportState.FAILED and found.finished_at and found.stored_name is None
    assert not stored.exists()
    assert found.rows_done == FAIL_AFTER // BATCH * BATCH  # the batches done before stay done
    page = client.get(f"/coalitions/{coalition.slug}/supporters/imports/{found.id}").get_data(as_text=True)
    assert "This import stopped" in page


@pytest.mark.parametrize("damage", ["deleted", "changed at the start", "changed past its first chunk"])
def test_a_file_that_cannot_be_read_stops_the_import_at_once(db, client, coalition, small_batches, damage):
    data, _ = big_file(3000)
    assert len(data) > 2 * CHUNK
    upload(client, coalition, data)
    found = uploaded(db)
    stored = import_folder_of(found)
    sealed = bytearray(stored.read_bytes())
    if damage == "deleted":
        stored.unlink()
    else:
        at = 40 if damage == "changed at the start" else CHUNK + 500
        sealed[at] ^= 0xFF
        stored.write_bytes(bytes(sealed))
    confirm(client, coalition, found.id, MAPPED)
    db.session.expire_all()
    entry, found = the_entry(db), db.session.get(SupporterImport, found.id)
    assert (entry.state, entry.attempts) == (FAILED, 1), entry.last_error  # no retry reads it
    assert entry.last_error.startswith("UnreadableFile")
    assert found.state == ImportState.FAILED and not stored.exists()
    # A chunk further in fails where it is: the rows before it were imported.
    assert (found.rows_done > 0) == (damage == "changed past its first chunk")


def test_a_wait_for_the_worker_is_said_after_two_minutes_in_english_and_spanish(db, client, coalition):
    upload(client, coalition, big_file(10)[0])
    found = uploaded(db)
    # Confirmed, and never started: no worker took it (with a broker, the request only queues it).
    assert imports.confirm(found, MAPPED, "Email me news.", "en", "Ana Organizer")
    db.session.commit()
    url = f"/coalitions/{coalition.slug}/supporters/imports/{found.id}"
    assert client.get(f"{url}/progress.json").get_json()["hint"] == ""
    assert "worker" not in client.get(url).get_data(as_text=True)

    found.confirmed_at = utcnow() - timedelta(minutes=3)
    db.session.commit()
    figures = client.get(f"{url}/progress.json").get_json()
    assert figures["state"] == "queued"
    assert figures["hint"] == (
        "The background worker hasn’t picked this up yet. If this lasts, check that the worker is running."
    )
    assert figures["hint"] in client.get(url).get_data(as_text=True).replace("&#39;", "’")
    spanish = client.get(f"{url}/progress.json?lang=es").get_json()["hint"]
    assert spanish.startswith("El proceso en segundo plano") and "worker" not in spanish
    assert spanish in client.get(f"{url}?lang=es").get_data(as_text=True)
