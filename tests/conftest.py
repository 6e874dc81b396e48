"""Fast-test fixtures: an app on in-memory SQLite with tasks run in-process."""

import re
import time
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_string, policy

import pytest
from flask import g
from flask_babel import refresh
from itsdangerous import TimestampSigner
from sqlalchemy import select

from campaign import create_app
from campaign.config import TestConfig
from campaign.core.mail import StoredMail
from campaign.extensions import db as _db


@pytest.fixture
def app():
    app = create_app(TestConfig)
    # The fixture's app context stays open, so test-client requests share its `g`, where
    # Flask-Babel caches the language; each request must choose its language afresh.
    app.before_request(refresh)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


class Mailbox:
    """The mail the app stored instead of sending (no SMTP_URL in fast tests)."""

    def messages(self):
        rows = _db.session.scalars(select(StoredMail).order_by(StoredMail.id)).all()
        return [message_from_string(row.raw, policy=policy.default) for row in rows]

    def to(self, address):
        return [m for m in self.messages() if m["To"] == address]

    def last_link(self, address, path_fragment):
        message = self.to(address)[-1]
        text = message.get_body(preferencelist=("plain",)).get_content()
        return re.search(rf"https?://[^\s]*{re.escape(path_fragment)}[^\s]*", text).group(0)


@pytest.fixture
def mailbox(app):
    return Mailbox()


@pytest.fixture
def make_user(db):
    """A verified organizer account."""
    from campaign.accounts.models import User
    from campaign.accounts.services import hash_password
    from campaign.core.outbox import utcnow

    def make(email="organizer@example.org", password="correct horse battery", name="Ana Organizer"):
        user = User(
            email=email,
            name=name,
            password_hash=hash_password(password),
            email_verified_at=utcnow(),
            locale="en",
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    def do_login(email="organizer@example.org", password="correct horse battery"):
        response = client.post("/accounts/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do_login


@pytest.fixture
def coalition(db, make_user, login):
    """A coalition owned by the logged-in organizer (organizer@example.org)."""
    from campaign.coalitions import services as coalitions

    owner = make_user()
    login()
    coalition = coalitions.create_coalition(owner, "Philadelphia Family Unity Network", "", "Philadelphia")
    db.session.commit()
    return coalition


# Nothing listens on port 1: a connection is refused at once, as by a host whose Redis is stopped.
REFUSING_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def limits_storage_down(app):
    """The counters of abuse limits and throttles (core/counters.py) kept in a Redis that is down.
    List it before fixtures that log in: the storage is chosen at the first count."""
    assert "counters" not in app.extensions, "limits_storage_down must come before the first count"
    app.config["RATELIMIT_STORAGE_URI"] = REFUSING_REDIS


@pytest.fixture
def signed_ago(monkeypatch):
    """Time travel for signed links: `with signed_ago(days=15): token = make_token(...)` signs
    with a timestamp that old. Only for making tokens: a session cookie signed inside would be
    old too."""

    @contextmanager
    def back_then(**age):
        past = int(time.time() - timedelta(**age).total_seconds())
        with monkeypatch.context() as patch:
            patch.setattr(TimestampSigner, "get_timestamp", lambda self: past)
            yield

    return back_then


@pytest.fixture
def csrf_on(app, monkeypatch):
    """Turn on CSRF checks as in production (TestConfig has them off); call it once the test's
    data is set up, since fixtures post organizer forms without tokens."""
    return lambda: monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.fixture
def requests_start_afresh(app):
    """The test's requests share the fixture's app context and its `g`, where Flask-Login keeps
    the account it loaded and Flask-WTF the CSRF token it read: forget both at each request, so
    that a browser without the session cookie is nobody, as in life (use before any request)."""

    def forget():
        for cached in ("_login_user", "csrf_token"):
            g.pop(cached, None)

    app.before_request(forget)
