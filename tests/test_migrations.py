"""The same migrations build the models' schema on SQLite and on PostgreSQL."""

import uuid

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from campaign import create_app
from campaign.config import TestConfig
from campaign.extensions import db

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def assert_migrations_match_models(database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert differences == [], "models changed without a migration: run `flask db migrate`"


def test_migrations_on_sqlite(tmp_path):
    assert_migrations_match_models(f"sqlite:///{tmp_path / 'migrated.db'}")


@pytest.mark.integration
def test_migrations_on_postgresql():
    name = f"campaign_migrations_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        assert_migrations_match_models(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _insert(table: str, **values) -> None:
    names = ", ".join(values)
    statement = f"INSERT INTO {table} ({names}) VALUES (:{', :'.join(values)})"  # noqa: S608 - fixed names
    db.session.execute(text(statement), values)


def test_supporters_who_showed_their_hand_are_on_file_after_the_upgrade(tmp_path):
    """Before `confirmed_at`, a record with a consent (even withdrawn), a subscription or a
    confirmed signature had been confirmed by its owner; one only typed into a form had not."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'backfill.db'}")
    with app.app_context():
        upgrade(revision="b7c41e2a9d05")
        when = "2026-01-01 00:00:00"
        _insert(
            "coalition", id=1, slug="c", name="C", description="", region="", created_at=when, is_demo=False
        )
        for id_, subscription in enumerate(
            ["subscribed", "not_asked", "not_asked", "unsubscribed", "not_asked"], 1
        ):
            _insert(
                "supporter",
                id=id_,
                coalition_id=1,
                language="en",
                subscription=subscription,
                created_at=f"2026-01-0{id_} 00:00:00",
                updated_at=when,
            )
        _insert(
            "consent",
            supporter_id=4,
            coalition_id=1,
            wording="Email me.",
            language="en",
            source="petition:1",
            given_at=when,
            withdrawn_at=when,
        )
        petition = dict.fromkeys(
            ("slug", "title", "title_es", "target", "ask", "ask_es", "body", "body_es"), "p"
        )
        _insert(
            "petition",
            id=1,
            coalition_id=1,
            goal=10,
            time_zone="America/New_York",
            state="open",
            signature_count=0,
            milestone_told=0,
            is_demo=False,
            created_at=when,
            paper_count=0,
            **petition,
        )
        signature = dict.fromkeys(
            ("zip_code", "us_state", "county", "city", "source", "quarantine_reason"), ""
        )
        for id_, confirmed_at in ((3, when), (5, None)):
            _insert(
                "petition_signature",
                petition_id=1,
                supporter_id=id_,
                email_index=f"index-{id_}",
                show_name=True,
                state="confirmed" if confirmed_at else "unconfirmed",
                counted=False,
                email_domain="example.org",
                language="en",
                repeat_emails=0,
                created_at=when,
                confirmed_at=confirmed_at,
                **signature,
            )
        db.session.commit()
        upgrade()
        confirmed = dict(db.session.execute(text("SELECT id, confirmed_at FROM supporter")).all())
        db.session.remove()
        db.engine.dispose()
    assert [id_ for id_, at in sorted(confirmed.items()) if at is not None] == [1, 3, 4]
    assert str(confirmed[3]).startswith("2026-01-03")  # the record's creation, the best date there is
