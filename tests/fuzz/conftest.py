"""Fuzz fixtures: the app on a PostgreSQL database of its own, and the site as a visitor finds it."""

import secrets

import psycopg
import pytest
from flask_migrate import upgrade

from campaign import create_app
from campaign.config import TestConfig
from campaign.extensions import db
from tests.fuzz.site import discover
from tests.services import PG_HOST, PG_PORT, postgres_problem

ADMIN = dict(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres", autocommit=True)


@pytest.fixture(scope="module")
def fuzz_database():
    """A database of its own: the fuzz fills it with what it manages to store, and drops it."""
    problem = postgres_problem()
    if problem:
        pytest.exit(problem, returncode=1)  # a service that is down fails the run, never a skip
    name = f"campaign_fuzz_{secrets.token_hex(4)}"
    with psycopg.connect(**ADMIN) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        # Nothing here needs to survive a crash: commits need not wait for the disk.
        connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    yield f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    with psycopg.connect(**ADMIN) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fuzz_app_on(database_url: str, **overrides):
    """The fast tier's settings (tasks in-process, mail stored, never sent) on PostgreSQL."""
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, **overrides)


@pytest.fixture(scope="module")
def fuzz_app(fuzz_database):
    app = fuzz_app_on(fuzz_database)
    with app.app_context():
        upgrade()  # the schema as production gets it: the migrations, on PostgreSQL
        db.session.remove()
    # No app context stays open: each request has its own, with its own session and `g`, as
    # in production, so a request that failed leaves nothing behind for the next.
    return app


@pytest.fixture(scope="module")
def site(fuzz_app):
    """Every object a form works on, and every form found on the site's pages."""
    return discover(fuzz_app)
