"""The same app under every start: without Redis, `flask run` and gunicorn's workers run the
periodic jobs (one process at a time), and an installed package finds its templates, static
files, migrations and Spanish catalog from any directory. Real processes; no PostgreSQL or Redis."""

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from campaign import create_app
from campaign.accounts.models import User
from campaign.actions import rsvps
from campaign.actions import services as actions
from campaign.actions.models import EventState
from campaign.coalitions.services import create_coalition
from campaign.config import TestConfig
from campaign.core.mail import StoredMail, recipient_index
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.petitions import services as petitions
from campaign.petitions import signing
from campaign.petitions.models import PetitionSignature
from tests.actions.conftest import event_fields
from tests.services import free_port, stop_process, wait_until

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    name: getattr(TestConfig, name) for name in ("SECRET_KEY", "DATA_KEYS", "BLIND_INDEX_KEY", "IP_HASH_KEY")
}
# Settings of the shell running the tests that would change what a server under test does.
OUTSIDE_SETTINGS = ("REDIS_URL", "SMTP_URL", "DATABASE_URL", "INSTANCE_PATH", "FLASK_APP", "PYTHONPATH")
ATTENDEE = "rosa@example.org"


class Server:
    """A server subprocess on a free port, its output kept in a file for failure messages;
    `with Server(...) as server:` stops it at the end, and one that never answers is stopped."""

    def __init__(self, command: list[str], env: dict, log: Path, cwd: Path = ROOT):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [str(arg).replace("{port}", str(self.port)) for arg in command]
        with log.open("wb") as output:
            self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=output)
        try:
            wait_until(self._answers, timeout=60, interval=0.2, message="the server to answer")
        except BaseException:
            self.stop()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.url + path, headers=headers or {})  # noqa: S310 - http://
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()

    def _answers(self) -> bool:
        assert self.process.poll() is None, f"the server exited; {self.output()}"
        try:
            return self.get("/healthz")[0] == 200
        except OSError:
            return False

    def output(self) -> str:
        return "its output ends:\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def stop(self) -> None:
        stop_process(self.process, timeout=15)


def clean_env(**settings) -> dict:
    return {k: v for k, v in os.environ.items() if k not in OUTSIDE_SETTINGS} | settings


def server_env(folder: Path) -> dict:
    """What `make run` sets, on a SQLite file and instance folder of the test's own."""
    return clean_env(
        CAMPAIGN_ENV="development",
        DATABASE_URL=f"sqlite:///{folder / 'campaign.db'}",
        INSTANCE_PATH=str(folder / "instance"),
        PYTHONPATH=str(ROOT),
        **KEYS,
    )


def the_lock(site) -> Path:
    """The periodic jobs' lock file the server made for its database (one per database)."""
    return wait_until(
        lambda: next((site.folder / "instance").glob("periodic-jobs-*.lock"), None),
        timeout=10,
        message="the periodic jobs' lock",
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A SQLite file as `flask db upgrade` leaves it; the command started no periodic jobs."""
    folder = tmp_path_factory.mktemp("migrated")
    command = [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"]
    subprocess.run(command, cwd=ROOT, env=server_env(folder), check=True, capture_output=True)
    assert not list((folder / "instance").glob("periodic-jobs-*.lock"))
    return folder / "campaign.db"


@pytest.fixture
def site(migrated, tmp_path):
    """The migrated file copied for this test, a coalition in it, and an app on it (with the
    servers' keys) through which the test acts as the web pages would."""
    shutil.copy(migrated, tmp_path / "campaign.db")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'campaign.db'}")
    with app.app_context():
        owner = User(email="organizer@example.org", name="Ana", password_hash="-", locale="en")
        db.session.add(owner)
        db.session.flush()
        coalition = create_coalition(owner, "Philadelphia Family Unity Network")
        db.session.commit()
        yield SimpleNamespace(coalition_id=coalition.id, author_id=owner.id, folder=tmp_path)
        db.session.remove()


def open_petition(site) -> str:
    fields = {"title": "End ICE detainers", "target": "The Mayor", "ask": "Sign.", "body": "Now."}
    fields |= {"title_es": "", "ask_es": "", "body_es": "", "goal": 100, "deadline": None, "time_zone": "UTC"}
    petition = petitions.create_petition(site.coalition_id, site.author_id, fields)
    petitions.open_petition(petition, utcnow())
    db.session.commit()
    return petition.slug


def confirmed_signature(slug: str, email: str) -> None:
    fields = {"first_name": "Ana", "email": email, "zip_code": "19104"}
    signature_id = signing.sign(petitions.sign_target(slug), fields, "en", None, None)
    signature = db.session.get(PetitionSignature, signature_id)
    signing.confirm(signature, utcnow(), signing.shown_digest(signature))
    db.session.commit()


def event_to_remind_now(site) -> None:
    """An event starting in 90 minutes, made two days ago, so its morning reminder is due now."""
    local_now = datetime.now(ZoneInfo("America/New_York")).replace(tzinfo=None, second=0, microsecond=0)
    starts = local_now + timedelta(minutes=90)
    day_fields = {"title": "Families Belong Together", "starts_on": starts.date(), "ends_on": starts.date()}
    day_fields |= {"title_es": "", "description": "", "description_es": "", "demand": "", "demand_es": ""}
    day = actions.create_day(site.coalition_id, site.author_id, day_fields | {"proposals_open": False})
    actions.publish(day)
    fields = event_fields("19104", starts)
    two_days_ago = utcnow() - timedelta(days=2)
    event = actions.create_event(day, actions.Host("Juntos"), fields, EventState.SCHEDULED, two_days_ago)
    attendee = {"first_name": "Rosa", "last_name": "", "email": ATTENDEE, "zip_code": "19104", "phone": ""}
    rsvps.rsvp(event, attendee, "en", None, utcnow())
    db.session.commit()


def count(server: Server, slug: str) -> int:
    return json.loads(server.get(f"/petitions/{slug}/count.json")[1])["count"]


def reminders_to(address: str) -> list[str]:
    """Subjects of the morning reminders stored for `address` (mail is stored without SMTP_URL)."""
    db.session.remove()  # read what the server committed since
    stored = db.session.scalars(
        select(StoredMail).where(StoredMail.recipient_index == recipient_index(address))
    )
    return [mail.subject for mail in stored if mail.subject.startswith("Today:")]


def holder(lock: Path) -> int | None:
    """The pid written in the lock file while a process holds it; None while none does."""
    with lock.open() as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            written = lock.read_text().strip()
            return int(written) if written else None
    return None


def test_flask_run_moves_counts_and_sends_reminders(site):
    slug = open_petition(site)
    confirmed_signature(slug, "ana@example.org")
    event_to_remind_now(site)
    command = [sys.executable, "-m", "flask", "--app", "app", "run", "--port", "{port}"]
    with Server(command, server_env(site.folder), site.folder / "flask-run.log") as server:
        wait_until(lambda: count(server, slug) == 1, timeout=10, message="the tally to count a signature")
        confirmed_signature(slug, "luis@example.org")
        wait_until(lambda: count(server, slug) == 2, timeout=10, message="the tally to count a later one")
        reminded = wait_until(lambda: reminders_to(ATTENDEE), timeout=10, message="the event's reminder")
        assert reminded == ["Today: Rally for family unity"]
        assert holder(the_lock(site)) == server.process.pid


def test_one_gunicorn_worker_runs_the_jobs_and_another_takes_over_when_it_dies(site):
    slug = open_petition(site)
    confirmed_signature(slug, "ana@example.org")
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:{port}"]
    command += ["--no-control-socket", "app:app"]
    with Server(command, server_env(site.folder), site.folder / "gunicorn.log") as server:
        lock = the_lock(site)
        wait_until(lambda: count(server, slug) == 1, timeout=10, message="the tally to count a signature")
        first = holder(lock)
        assert first and first != server.process.pid, "a worker, not gunicorn's master, runs the jobs"
        os.kill(first, signal.SIGKILL)

        def taken_over():
            server.get("/healthz")  # a worker that had served nothing starts its thread now
            return holder(lock) not in (None, first)

        wait_until(taken_over, timeout=10, interval=0.2, message="another worker to take the jobs over")
        confirmed_signature(slug, "luis@example.org")
        wait_until(lambda: count(server, slug) == 2, timeout=10, message="the new holder's tally")


def test_an_installed_package_speaks_spanish_from_any_directory(tmp_path):
    """`pip install .` from a fresh clone (no .mo files), then the README's production commands
    run from another directory. The dependencies come from the test's own virtualenv through a
    .pth file, so only our package is built and installed (pip builds it in isolation, as a
    user's `pip install .` does)."""
    clone = tmp_path / "clone"
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    for name in filter(None, listed.stdout.split("\0")):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    assert not list(clone.rglob("*.mo"))

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    site_packages = Path(sysconfig.get_path("purelib", vars={"base": venv, "platbase": venv}))
    (site_packages / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", clone]
    installed = subprocess.run(pip, env=clean_env(), capture_output=True, text=True)
    assert installed.returncode == 0, (
        f"pip install . failed (it needs the package index):\n{installed.stderr}"
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(CAMPAIGN_ENV="development")
    upgrade = [python, "-m", "flask", "--app", "campaign", "db", "upgrade"]
    subprocess.run(upgrade, cwd=elsewhere, env=env, check=True, capture_output=True)
    instance = venv / "var" / "campaign-instance"  # Flask's instance folder of an installed package
    assert (instance / "campaign.db").is_file()

    command = [python, "-m", "gunicorn", "--bind", "127.0.0.1:{port}", "--no-control-socket"]
    command += ["campaign:create_app()"]  # the production entry of an installed package
    with Server(command, env, tmp_path / "gunicorn.log", cwd=elsewhere) as server:
        status, page = server.get("/accounts/login", {"Accept-Language": "es"})
        assert status == 200 and "<title>Iniciar sesión" in page
        assert server.get("/static/css/app.css")[0] == 200
        # The policy tracker's map is drawn from the atlas vendored into static/, which the wheel carries.
        assert server.get("/static/vendor/us-atlas/counties-albers-10m.json")[0] == 200
        status, page = server.get("/policies", {"Accept-Language": "es"})
        assert status == 200 and "Seguimiento de políticas" in page
    assert (site_packages / "campaign" / "translations" / "es" / "LC_MESSAGES" / "messages.mo").is_file()
