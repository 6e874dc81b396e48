"""Fuzz fixtures: the app on a PostgreSQL database of its own, and the site as a visitor finds it."""

import pytest

from campaign import create_app
from campaign.config import TestConfig
from tests.fuzz.site import discover
from tests.services import migrate, require_postgres, scratch_database


@pytest.fixture(scope="module")
def fuzz_database():
    """A database of its own: the fuzz fills it with what it manages to store, and drops it."""
    require_postgres()  # a service that is down fails the run, never a skip
    with scratch_database("campaign_fuzz") as url:
        yield url


def fuzz_app_on(database_url: str, **overrides):
    """The fast tier's settings (tasks in-process, mail stored, never sent) on PostgreSQL."""
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, **overrides)


@pytest.fixture(scope="module")
def fuzz_app(fuzz_database):
    app = fuzz_app_on(fuzz_database)
    migrate(app)
    # No app context stays open: each request has its own, with its own session and `g`, as
    # in production, so a request that failed leaves nothing behind for the next.
    return app


@pytest.fixture(scope="module")
def site(fuzz_app):
    """Every object a form works on, and every form found on the site's pages."""
    return discover(fuzz_app)
