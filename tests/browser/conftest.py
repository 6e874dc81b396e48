"""Browser fixtures: the app served on a real port, and Debian's chromium driven by Playwright.

The app runs as a newcomer runs it (embedded mode: SQLite file, tasks in-process, mail kept in
the database and shown at /_dev/mail) but with real CSRF, so forms are tested as browsers send them.
"""

import re
import secrets
import shutil
import threading
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from campaign import create_app
from campaign.config import Config
from campaign.extensions import db
from tests.services import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_CHROMIUM = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium"

expect.set_options(timeout=10_000)


def require_chromium() -> None:
    if not shutil.which(CHROMIUM):
        pytest.exit(
            f"Debian's chromium is not installed at {CHROMIUM}. Install it with:\n    {INSTALL_CHROMIUM}", 1
        )


def pytest_collection_modifyitems(config, items):
    """A missing browser stops the run before any test, with how to install it; never a skip.
    Under xdist the controller checks instead (tests/conftest.py)."""
    if hasattr(config, "workerinput"):
        return
    here = Path(__file__).parent
    if any(here in Path(item.path).parents for item in items):
        require_chromium()


@pytest.fixture(scope="session")
def chromium_installed():
    require_chromium()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app the live server serves; tests may use it to set up data directly."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    database = tmp_path_factory.mktemp("browser") / "campaign.db"
    app = create_app(
        Config,
        ENV_NAME="development",
        DEVELOPMENT=True,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
        REDIS_URL=None,
        PERIODIC_JOBS_IN_PROCESS=False,  # the tests run the jobs they need themselves
        SMTP_URL=None,
        RATELIMIT_STORAGE_URI="memory://",
        WTF_CSRF_ENABLED=True,
        SESSION_COOKIE_SECURE=False,
        TRUSTED_HOSTS=None,
        PUBLIC_URL=base_url,
        SECRET_KEY=secrets.token_urlsafe(32),
        DATA_KEYS=Fernet.generate_key().decode(),
        BLIND_INDEX_KEY=secrets.token_urlsafe(32),
        IP_HASH_KEY=secrets.token_urlsafe(32),
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_KIB=64,
        PETITION_MIN_FILL_SECONDS=0,  # a driven browser fills forms at once; the check has its own test
    )
    with app.app_context():
        db.create_all()
    app.config["LIVE_PORT"] = port
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """The app on http://127.0.0.1:<free port>, in a daemon thread, on a temporary SQLite file."""
    base_url = live_app.config["PUBLIC_URL"]
    server = make_server("127.0.0.1", live_app.config["LIVE_PORT"], live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_installed):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _page(browser, live_server, request, **context_options):
    context = browser.new_context(base_url=live_server, **context_options)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content())
    context.close()


@pytest.fixture
def phone_page(browser, live_server, request):
    """A phone-size page (390x844, touch), as most supporters see the site."""
    yield from _page(
        browser, live_server, request, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )


@pytest.fixture
def desktop_page(browser, live_server, request):
    yield from _page(browser, live_server, request, viewport={"width": 1280, "height": 900})


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep the call's report on the item, so page fixtures can screenshot failures."""
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
