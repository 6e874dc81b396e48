"""PostgreSQL stopped under the real Celery worker in the middle of an import, then started again:
the run that failed is run again by the outbox and goes on from its last committed batch, with
no row imported twice. The database is a cluster of the test's own, never the shared one."""

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from campaign.core import outbox
from campaign.core.outbox import DONE, PENDING, OutboxEntry, utcnow
from campaign.extensions import db
from campaign.supporters import import_files
from campaign.supporters.models import Consent, ImportProblem, ImportState, Supporter, SupporterImport
from tests.integration.clusters import own_cluster
from tests.integration.conftest import make_app
from tests.integration.helpers import confirm_import, log_in, make_coalition, make_organizer, upload_import
from tests.services import migrate, wait_until
from tests.supporters.import_files import big_file

pytestmark = pytest.mark.integration

ROWS = 10_000
BATCH = 100  # a hundred commits: the database stops between two, or in the middle of one
STOP_AFTER = 1_000  # rows committed when the database is stopped


@pytest.fixture
def cluster():
    with own_cluster() as own:
        yield own


def test_an_import_goes_on_after_the_database_comes_back_with_nothing_twice(
    cluster, settings, kill_broker, extra_workers
):
    config = {"SQLALCHEMY_DATABASE_URI": cluster.url, "REDIS_URL": kill_broker, "IMPORT_BATCH_ROWS": BATCH}
    app = make_app(settings, RATELIMIT_STORAGE_URI=kill_broker, **config)
    migrate(app)
    worker = extra_workers(
        "import-restart", DATABASE_URL=cluster.url, REDIS_URL=kill_broker, IMPORT_BATCH_ROWS=BATCH
    )
    owner = make_organizer(app)
    coalition_id, slug = make_coalition(app, owner, name="Restart import coalition")
    client = app.test_client()
    log_in(client, owner)
    data, expected = big_file(ROWS)
    page = upload_import(client, slug, data)
    confirm_import(client, page)

    wait_until(
        lambda: progress(client, page)["rows_done"] >= STOP_AFTER, 60, interval=0.02, message="progress"
    )
    cluster.shut_down()
    # The run fails at its next statement, and waits for the database to record the failure.
    wait_until(
        lambda: re.search(r"outbox entry \d+ failed: OperationalError", worker.log()),
        30,
        message="the failure",
    )
    cluster.start()
    entry = wait_until(lambda: entry_in(app, PENDING), 60, message="the retry recorded")
    assert entry.attempts == 1 and entry.not_before > utcnow()  # after the backoff, not the lease
    with app.app_context():
        found = db.session.scalar(select(SupporterImport).where(SupporterImport.coalition_id == coalition_id))
        assert found.state == ImportState.RUNNING, "the import goes on: not stopped, not deleted"
        assert STOP_AFTER <= found.rows_done < ROWS and found.rows_done % BATCH == 0
        assert (import_files.folder() / found.stored_name).exists()
        assert found.imported + found.matched + found.skipped == found.rows_done

    backoff_passes(app)
    sweeper = make_app(settings, RATELIMIT_STORAGE_URI=kill_broker, OUTBOX_SWEEP_AFTER_SECONDS=0, **config)
    with sweeper.app_context():
        assert outbox.sweep() == 1
    wait_until(lambda: progress(client, page)["state"] == "done", 120, message="the import done")

    figures = progress(client, page)
    assert (figures["imported"], figures["matched"], figures["skipped"]) == (
        expected["imported"],
        expected["matched"],
        expected["skipped"],
    )
    assert entry_in(app, DONE).attempts == 2
    with app.app_context():
        # Nothing twice: a record, a consent and a problem for each row that makes one.
        count = lambda model: db.session.scalar(select(func.count(model.id)))  # noqa: E731
        assert count(Supporter) == expected["imported"]
        assert count(Consent) == expected["imported"] - expected["unsubscribed"]
        assert count(ImportProblem) == expected["skipped"]
        assert not list(Path(import_files.folder()).iterdir()), "the file is deleted once imported"


def progress(client, page: str) -> dict:
    return client.get(f"{page}/progress.json").get_json()


def entry_in(app, state: str) -> OutboxEntry | None:
    with app.app_context():
        entry = db.session.scalar(select(OutboxEntry).where(OutboxEntry.task_name.endswith(".run_import")))
        db.session.expunge_all()
        return entry if entry is not None and entry.state == state else None


def backoff_passes(app) -> None:
    with app.app_context():
        db.session.execute(update(OutboxEntry).values(not_before=utcnow()))
        db.session.commit()
