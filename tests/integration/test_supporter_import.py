"""A 10,000-row Action Network CSV imported on PostgreSQL by the real Celery worker."""

import time

import pytest
from psycopg import sql
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.supporters.models import Subscription, Supporter, SupporterImport
from tests.integration.helpers import confirm_import, log_in, make_coalition, make_organizer, upload_import
from tests.supporters.import_files import big_file

pytestmark = pytest.mark.integration

ROWS = 10_000


def test_ten_thousand_rows_import_in_the_background_with_progress(it_app, it_client, celery_worker):
    owner = make_organizer(it_app)
    coalition_id, slug = make_coalition(it_app, owner, name="Import test coalition")
    log_in(it_client, owner)
    data, expected = big_file(ROWS)
    page = upload_import(it_client, slug, data)
    started = time.perf_counter()
    confirm_import(it_client, page)
    progress_seen, figures = set(), {}
    while time.perf_counter() - started < 120:
        figures = it_client.get(f"{page}/progress.json").get_json()
        progress_seen.add(figures["rows_done"])
        if figures["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    assert figures["state"] == "done", (figures, celery_worker.tail())
    assert any(0 < done < ROWS for done in progress_seen), progress_seen  # the bar moved
    assert (figures["imported"], figures["matched"], figures["skipped"]) == (
        expected["imported"],
        expected["matched"],
        expected["skipped"],
    )
    print(f"{ROWS} rows by the worker on PostgreSQL: {elapsed:.1f} s ({ROWS / elapsed:.0f} rows/s)")
    with it_app.app_context():
        found = db.session.scalar(select(SupporterImport).where(SupporterImport.coalition_id == coalition_id))
        assert found.imported + found.matched + found.skipped == found.total_rows == ROWS
        assert found.stored_name is None
        unsubscribed = db.session.scalar(
            select(func.count()).where(
                Supporter.coalition_id == coalition_id, Supporter.subscription == Subscription.UNSUBSCRIBED
            )
        )
        assert unsubscribed == expected["unsubscribed"]
    # Every table's rows as text, as a dump would show them: no address or name in plain text
    # (supporters, consents, problems, the outbox and its errors, the export log...).
    dump = database_as_text(it_app)
    assert f"imported from an-export.csv on {found.confirmed_at:%Y-%m-%d}" in dump  # the scan sees text
    for plain in (
        "person1@example.org",
        "PERSON9@EXAMPLE.ORG",
        "person9990@example",
        "Núñez",
        "Lee1,",
        "Lee9999",
        "Begoña",
        "Iñaki",
    ):
        assert plain.casefold() not in dump.casefold(), plain


def database_as_text(app) -> str:
    """Each row of each table of the database, as PostgreSQL writes it out as text."""
    with app.app_context():
        connection = db.session.connection().connection.driver_connection
        tables = [
            name
            for (name,) in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        assert {"supporter", "consent", "import_problem", "outbox_entry"} <= set(tables)
        each_row = sql.SQL("SELECT t::text FROM {} t")
        return "\n".join(
            row for table in tables for (row,) in connection.execute(each_row.format(sql.Identifier(table)))
        )


def test_an_upload_never_confirmed_is_deleted_by_the_hourly_job(it_app, it_client):
    from datetime import timedelta

    from campaign.core.outbox import utcnow
    from campaign.supporters import import_files
    from campaign.supporters.models import ImportState
    from campaign.supporters.tasks import delete_abandoned_uploads

    owner = make_organizer(it_app)
    coalition_id, slug = make_coalition(it_app, owner, name="Abandoned upload coalition")
    log_in(it_client, owner)
    data, _ = big_file(10)
    for _ in range(2):
        upload_import(it_client, slug, data)
    with it_app.app_context():
        old, fresh = db.session.scalars(
            select(SupporterImport)
            .where(SupporterImport.coalition_id == coalition_id)
            .order_by(SupporterImport.id)
        )
        old_file, fresh_file = (import_files.folder() / found.stored_name for found in (old, fresh))
        assert b"person1@example.org" not in old_file.read_bytes()
        old.created_at = utcnow() - timedelta(hours=25)
        db.session.commit()
        delete_abandoned_uploads()
        db.session.expire_all()
        assert not old_file.exists() and fresh_file.exists()
        assert db.session.get(SupporterImport, old.id).state == ImportState.FAILED
        assert db.session.get(SupporterImport, fresh.id).state == ImportState.UPLOADED
