"""Fast-test fixtures: an app on in-memory SQLite with tasks run in-process.

One app serves every test of a pytest process: building one costs a tenth of a second (mostly
compiling the URL rules), and each new app compiles its templates and SQL statements again. Each
test still gets it as new: its own app context (`g`), empty tables, and the config, hooks
(`app.before_request(...)` works as on a new app), Jinja loader and namespaces, rate-limit
counters and Celery app as they were before any test ran. A test that adds a route takes an app
of its own: `@pytest.mark.fresh_app`.
"""

import copy
import gc
import logging
import re
import time
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_string, policy

import pytest
from celery import _state as celery_state
from flask import g
from flask_babel import refresh
from itsdangerous import TimestampSigner
from sqlalchemy import select
from xdist.scheduler import LoadScopeScheduling

from campaign import create_app
from campaign.config import TestConfig
from campaign.core.mail import StoredMail
from campaign.extensions import db as _db
from campaign.extensions import limiter
from tests.services import REFUSING_REDIS

# Modules of checks shared by two tiers, not collected themselves: their asserts explain failures too.
pytest.register_assert_rewrite("tests.petitions.signer_cases")


class TierScopes(LoadScopeScheduling):
    """How `make test` (`-n 2 --dist loadscope`) shares the tests between its two processes.

    The browser tests are one unit of work (they share one chromium); an integration module is
    one (it shares its module fixtures; each process that runs integration tests has its own
    database, Redis databases and Celery worker, see tests/integration/conftest.py); every other
    test is a unit of its own, so the fast tier fills the gaps up to the end. xdist hands out the
    units with the most tests first. (Scopes are decided here because pytest 9.2 ignores the
    `xdist_group` marks that `--dist loadgroup` reads.)
    """

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        if path.startswith("tests/browser/"):
            return "tests/browser"
        if path.startswith("tests/integration/"):
            return path
        return nodeid


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # before xdist's own scheduler
def pytest_xdist_make_scheduler(config, log):
    return TierScopes(config, log) if config.getvalue("dist") == "loadscope" else None


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    """Under xdist the tiers check their services here, in the controller, before any test: a
    worker that stops the run ends it with an internal error, and its message is lost."""
    from tests.browser.conftest import require_chromium
    from tests.services import require_postgres, require_services

    if any(nodeid.startswith("tests/integration/") for nodeid in ids):
        require_services()
    if any(nodeid.startswith("tests/fuzz/") for nodeid in ids):
        require_postgres()
    if any(nodeid.startswith("tests/browser/") for nodeid in ids):
        require_chromium()


def pytest_collection_finish(session):
    """Spare the collector the modules and tests just loaded, and run it less often: with them,
    its full passes took a seventh of the fast tier's time."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


@pytest.fixture(autouse=True)
def _loggers_enabled():
    """Every test starts with every logger on. `flask db upgrade` (a migration test, the
    integration tier's schema) runs Alembic's `fileConfig`, which turns off every logger made
    before it; with the tiers mixed in one process (xdist), a later test's caplog saw nothing."""
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.disabled = False


def _new_app():
    app = create_app(TestConfig)
    # The fixture's app context stays open, so test-client requests share its `g`, where
    # Flask-Babel caches the language; each request must choose its language afresh.
    app.before_request(refresh)
    with app.app_context():
        _db.create_all()
    return app


def _process_wide():
    """What the last app built takes over for the whole process: the limiter's storage (the
    extension is one object, bound to one app's storage at a time) and Celery's current app
    (which a task called directly runs in)."""
    return (
        limiter._storage,  # noqa: SLF001 - no public setter
        limiter._limiter,  # noqa: SLF001
        celery_state.default_app,
        celery_state._tls.current_app,  # noqa: SLF001
    )


def _put_back(state) -> None:
    limiter._storage, limiter._limiter, default, current = state  # noqa: SLF001
    celery_state.set_default_app(default)
    celery_state._set_current_app(current)  # noqa: SLF001


# What a test may register on the app, as on a new one (a before_request hook...): taken off after it.
HOOKS = (
    "before_request_funcs",
    "after_request_funcs",
    "teardown_request_funcs",
    "teardown_appcontext_funcs",
    "template_context_processors",
    "url_value_preprocessors",
    "url_default_functions",
    "error_handler_spec",
    "shell_context_processors",
)
JINJA_NAMESPACES = ("globals", "filters", "tests")


def _copied(value):
    """A copy of nested dicts and lists whose leaves (functions, bound methods) stay the same."""
    if isinstance(value, dict):
        copied = copy.copy(value)  # keeps a defaultdict's factory
        for key, item in value.items():
            copied[key] = _copied(item)
        return copied
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


class Pristine:
    """The shared app and what a test may change on it, as it was before any test ran."""

    def __init__(self, app):
        self.app = app
        self.config = copy.deepcopy(dict(app.config))
        self.hooks = {name: _copied(getattr(app, name)) for name in HOOKS}
        self.jinja = {name: dict(getattr(app.jinja_env, name)) for name in JINJA_NAMESPACES}
        self.loader = app.jinja_env.loader
        self.endpoints = set(app.view_functions)
        self.process_wide = _process_wide()

    def lend(self):
        """Make the process-wide state this app's, with no counts, and return what it was."""
        borrowed = _process_wide()
        _put_back(self.process_wide)
        limiter.reset()
        # A test that found its storage down leaves the limiter counting in its fallback memory,
        # which reset() does not empty: the shared app starts each test on its own storage.
        limiter._storage_dead = False  # noqa: SLF001
        # core/counters.py's stores, core/outage.py's record, core/page_cache.py's pages
        for state in ("counters", "outages", "page_cache"):
            self.app.extensions.pop(state, None)
        # Flask refuses hooks once an app has served a request; this one's are put back after.
        self.app._got_first_request = False  # noqa: SLF001
        return borrowed

    def restore(self) -> None:
        """Undo what the test changed: rows, settings, hooks, template loader and namespaces."""
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())
        config = self.app.config
        for name in config.keys() - self.config.keys():
            del config[name]
        for name, value in self.config.items():
            if name not in config or config[name] != value:
                config[name] = copy.deepcopy(value)
        for name, hooks in self.hooks.items():
            if getattr(self.app, name) != hooks:
                setattr(self.app, name, _copied(hooks))
        for name, entries in self.jinja.items():
            namespace = getattr(self.app.jinja_env, name)
            if namespace != entries:
                namespace.clear()
                namespace.update(entries)
        self.app.jinja_env.loader = self.loader
        added = set(self.app.view_functions) - self.endpoints
        assert not added, f"{sorted(added)} would stay on the shared app: use @pytest.mark.fresh_app"


@pytest.fixture(scope="session")
def _pristine():
    borrowed = _process_wide()
    pristine = Pristine(_new_app())
    _put_back(borrowed)
    return pristine


@pytest.fixture
def app(request):
    """The shared app (a fresh one with `@pytest.mark.fresh_app`), in an app context of the
    test's own; the process-wide state another tier's app had is given back afterwards, so
    tiers sharing a process (xdist) never see each other's."""
    if request.node.get_closest_marker("fresh_app"):
        borrowed = _process_wide()
        app = _new_app()
        with app.app_context():
            yield app
            _db.session.remove()
            _db.drop_all()
        _put_back(borrowed)
        return
    pristine = request.getfixturevalue("_pristine")
    borrowed = pristine.lend()
    with pristine.app.app_context():
        try:
            yield pristine.app
        finally:
            _put_back(borrowed)
            pristine.restore()


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


@pytest.fixture
def make_coalition(db):
    """A coalition of `creator`, committed."""
    from campaign.coalitions import services as coalitions

    def make(creator, name="ICE Out of LA", region="Los Angeles", description="Ending deportations."):
        coalition = coalitions.create_coalition(creator, name, description, region)
        db.session.commit()
        return coalition

    return make


@pytest.fixture
def add_teammate(db, make_user):
    """An account holding `role` in `coalition`."""
    from campaign.coalitions.models import CoalitionRole

    def add(coalition, role, email):
        user = make_user(email=email, name=email.split("@")[0].title())
        db.session.add(CoalitionRole(coalition=coalition, user=user, role=role))
        db.session.commit()
        return user

    return add


@pytest.fixture
def as_role(db, make_user, login, client, coalition):
    """Log in as a new teammate of `coalition` holding `role`."""
    from campaign.coalitions.models import CoalitionRole

    def become(role, email="teammate@example.org"):
        user = make_user(email=email)
        db.session.add(CoalitionRole(coalition=coalition, user=user, role=role))
        db.session.commit()
        client.post("/accounts/logout")
        login(email)
        return user

    return become


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
