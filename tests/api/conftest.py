"""API fixtures: a coalition with people, keys made through the service, and a caller."""

from datetime import datetime

import pytest
from sqlalchemy import update

from campaign.api import keys
from campaign.api.models import Scope
from campaign.supporters import services as supporters
from campaign.supporters.models import Supporter
from tests.petitions.conftest import make_petition, sign  # noqa: F401 - fixtures

# Fixed times, so that answers can be compared with docs/api/ whole.
CREATED = datetime(2026, 3, 1, 15, 30)
MODIFIED = datetime(2026, 3, 2, 9, 0)

PEOPLE = [
    {
        "email": "ana@example.org",
        "first_name": "Ana",
        "last_name": "Reyes",
        "zip_code": "90012",
        "language": "es",
    },
    {"email": "ben@example.org", "first_name": "Ben", "zip_code": "19104", "language": "en"},
]


@pytest.fixture(autouse=True)
def _room_for_many_calls(app, monkeypatch):
    """A test calls faster than a script may (4 a second); the limit's own tests set theirs."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1000 per minute")
    monkeypatch.setitem(app.config, "API_REFUSED_LIMIT", "1000 per minute")


@pytest.fixture
def make_key(db):
    """`make_key(coalition, scope)` -> the token of a new key of that coalition."""

    def make(coalition, scope=Scope.READ_PEOPLE, last_day=None, name="Sync"):
        creator = coalition.roles[0].user_id
        _, token = keys.create_key(coalition.id, creator, name, scope, last_day)
        db.session.commit()
        return token

    return make


@pytest.fixture
def add_people(db):
    """Supporters of `coalition` on file (PEOPLE by default), the first subscribed, at fixed times."""

    def add(coalition, people=PEOPLE):
        made = [supporters.upsert_supporter(coalition.id, **fields, confirmed=True) for fields in people]
        supporters.record_consent(made[0], "Send me updates.", "es", source="test")
        db.session.execute(
            update(Supporter)
            .where(Supporter.id.in_([each.id for each in made]))
            .values(created_at=CREATED, updated_at=MODIFIED)
        )
        db.session.commit()
        return [each.id for each in made]

    return add


@pytest.fixture
def call(client):
    """GET an API path with a token; the response."""

    def get(path, token=None, **params):
        headers = {"OSDI-API-Token": token} if token is not None else {}
        return client.get(path, headers=headers, query_string=params or None)

    return get


# Last: the helpers' table (helper_table.py) builds on the records made with the fixed times above.
from tests.api.helper_table import helper  # noqa: E402, F401 - a fixture
