"""The same migrations build the models' schema on SQLite and on PostgreSQL."""

import uuid

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

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
