"""Integration fixtures: a fresh PostgreSQL database, Redis, a real SMTP server and a Celery worker.

The web app under test and the worker subprocess share one set of settings (`settings`), so
tokens signed by one are accepted by the other and data encrypted by one is readable by both.
"""

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from werkzeug.serving import make_server

from campaign import create_app
from campaign.config import Config
from tests.services import (
    REDIS_HOST,
    REDIS_PORT,
    REFUSING_REDIS,
    free_port,
    migrate,
    require_services,
    scratch_database,
    stop_process,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# `make test` runs the tests in two pytest processes (xdist workers gw0 and gw1), and both may run
# integration tests at once: each has its own database, SMTP server, Celery worker, logs and
# Redis databases. Without xdist the run is gw0's.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
# Per worker: its session broker, a database number of its own flushed at the start and end of the run,
# and the broker of tests that kill a worker or stop its database (`kill_broker`), so the session
# worker never takes their tasks, flushed before and after each. bench/ uses 12 (fanout, signatures), 15
# (dead_connections) and 1 (api).
REDIS_DB_PAIRS = ((13, 14), (10, 11), (8, 9), (6, 7), (4, 5), (2, 3))
# CAMPAIGN_TEST_REDIS_SLOT shifts the pairs, so that runs in two checkouts at once (with -n 1)
# never take each other's tasks.
REDIS_SLOT = int(XDIST_WORKER.removeprefix("gw")) + int(os.environ.get("CAMPAIGN_TEST_REDIS_SLOT", "0"))
REDIS_DB, KILL_TEST_REDIS_DB = REDIS_DB_PAIRS[REDIS_SLOT]
WORKER_LOG = ARTIFACTS / f"celery-worker-{XDIST_WORKER}.log"
WORKER_READY_TIMEOUT = 60


def pytest_collection_modifyitems(config, items):
    """A service that is down stops the run before any test, with how to start it; never a skip.
    Under xdist the controller checks instead (tests/conftest.py)."""
    if hasattr(config, "workerinput"):
        return
    here = Path(__file__).parent
    if any(here in Path(item.path).parents for item in items):
        require_services()


@pytest.fixture(scope="session")
def services_up():
    require_services()


@pytest.fixture(scope="session")
def database_url(services_up):
    with scratch_database("campaign_it") as url:
        yield url


@pytest.fixture(scope="session")
def redis_url(services_up):
    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    broker = redis.Redis.from_url(url)
    broker.flushdb()
    yield url
    broker.flushdb()  # the session's queues and rate-limit counters: nothing is left for the next run


@pytest.fixture
def kill_broker(services_up):
    """A broker of the test's own, empty, for workers it kills or whose database it stops: the
    session worker never takes their tasks, nor they the session's."""
    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{KILL_TEST_REDIS_DB}"
    broker = redis.Redis.from_url(url)
    broker.flushdb()
    yield url
    broker.flushdb()  # a killed worker's unacknowledged message stays there otherwise


class SmtpInbox:
    """What the real SMTP server received, parsed, safe to read from the test thread.

    It also records every RCPT TO it was offered, and answers the addresses given to
    `refuse()` with a permanent failure, as a receiving server does for a mailbox that is gone.
    """

    def __init__(self):
        self._messages = []
        self._by_recipient = {}  # To header -> messages: read per signer, in tests of thousands
        self._rcpts = []
        self._refused = {}
        self._changed = threading.Condition()

    def refuse(self, address: str, reply: str = "550 5.1.1 No such mailbox here") -> None:
        with self._changed:
            self._refused[address.lower()] = reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._changed:
            self._rcpts.append(address)
            refusal = self._refused.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self._record(envelope)
        return "250 Message accepted for delivery"

    def _record(self, envelope) -> None:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._changed:
            self._messages.append(message)
            self._by_recipient.setdefault(str(message["To"]), []).append(message)
            self._changed.notify_all()

    def rcpt_attempts(self, address: str) -> int:
        """How many times a client offered this recipient (accepted or refused)."""
        with self._changed:
            return sum(1 for rcpt in self._rcpts if rcpt.lower() == address.lower())

    def messages(self) -> list:
        with self._changed:
            return list(self._messages)

    def to(self, address: str) -> list:
        with self._changed:
            return list(self._by_recipient.get(address, []))

    def wait_for_mail_to(self, address: str, timeout: float = 30, count: int = 1) -> list:
        """Block until `count` messages to `address` have arrived; the messages sent to it so far."""
        with self._changed:
            received = self._changed.wait_for(
                lambda: len(self._by_recipient.get(address, ())) >= count, timeout
            )
            messages = list(self._by_recipient.get(address, ()))
        if not received:
            raise AssertionError(
                f"{len(messages)} of {count} mails to {address} within {timeout}s; got {self._summary()}"
            )
        return messages

    def wait_for(self, predicate, timeout: float = 30):
        """Block until `predicate(messages)` is truthy and return its value."""
        with self._changed:
            result = self._changed.wait_for(lambda: predicate(list(self._messages)), timeout)
        if not result:
            raise AssertionError(f"mail not received within {timeout}s; got {self._summary()}")
        return result

    def _summary(self) -> list:
        return [(message["To"], message["Subject"]) for message in self.messages()]


def start_smtp(inbox: SmtpInbox) -> Controller:
    """Serve `inbox` with aiosmtpd on a free local port; `inbox.url` is its SMTP_URL."""
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    return controller


@pytest.fixture(scope="session")
def smtp_server():
    inbox = SmtpInbox()
    controller = start_smtp(inbox)
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def settings(database_url, redis_url, smtp_server):
    """The configuration the web app and the worker share."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "SMTP_URL": smtp_server.url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATA_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "IP_HASH_KEY": secrets.token_urlsafe(32),
        "PUBLIC_URL": "http://localhost",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 64,
    }


def make_app(settings: dict, **overrides):
    """A web app on the shared settings, as a test client would see it."""
    return create_app(
        Config,
        **{
            **settings,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "TRUSTED_HOSTS": None,
            "PETITION_MIN_FILL_SECONDS": 0,  # test clients fill forms at once; its own test covers it
            **overrides,
        },
    )


@pytest.fixture(scope="session")
def it_app(settings):
    app = make_app(settings)
    migrate(app)
    return app


@pytest.fixture(scope="module")
def redis_down_app(it_app, settings):
    """The web app as it is while Redis is down: same database, broker unreachable."""
    return make_app(settings, REDIS_URL=REFUSING_REDIS, RATELIMIT_STORAGE_URI=REFUSING_REDIS)


@pytest.fixture(scope="module")
def sweeper_app(it_app, settings):
    """The beat job's view: the real Redis, and rows count as left behind at once."""
    return make_app(settings, OUTBOX_SWEEP_AFTER_SECONDS=0)


@pytest.fixture(scope="session")
def live_server(it_app):
    """The integration app served over real HTTP (werkzeug, threaded): its base URL, for tests
    that call it as a script or a partner's server does, with `requests`."""
    server = make_server("127.0.0.1", 0, it_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def it_client(it_app):
    return it_app.test_client()


def _worker_env(settings: dict, extra_env: dict | None = None) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in _ENV_NAMES.values()}
    env.update({name: str(settings[key]) for key, name in _ENV_NAMES.items()})
    env.update(CAMPAIGN_ENV="development", PYTHONUNBUFFERED="1")
    env.update({name: str(value) for name, value in (extra_env or {}).items()})
    return env


_ENV_NAMES = {
    "SQLALCHEMY_DATABASE_URI": "DATABASE_URL",
    "REDIS_URL": "REDIS_URL",
    "SMTP_URL": "SMTP_URL",
    "SECRET_KEY": "SECRET_KEY",
    "DATA_KEYS": "DATA_KEYS",
    "BLIND_INDEX_KEY": "BLIND_INDEX_KEY",
    "IP_HASH_KEY": "IP_HASH_KEY",
    "PUBLIC_URL": "PUBLIC_URL",
    "ARGON2_TIME_COST": "ARGON2_TIME_COST",
    "ARGON2_MEMORY_KIB": "ARGON2_MEMORY_KIB",
}


class Worker:
    def __init__(self, process: subprocess.Popen, log_path: Path):
        self.process, self.log_path = process, log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as a machine or the OOM killer does.

        Needs a worker started in a session of its own (`start_worker(..., own_session=True)`).
        """
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        stop_process(self.process)  # warm shutdown: finish the current task, then exit


def start_worker(settings: dict, name: str, log_path: Path, extra_env=None, own_session=False) -> Worker:
    """`celery -A worker.celery_app worker`, as production runs it, against the test services.

    `extra_env` adds or overrides environment variables (e.g. NOTIFY_BATCH_SIZE); `own_session`
    puts it in a process group of its own, so that `Worker.kill()` can kill it with its children.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    celery = Path(sys.executable).with_name("celery")
    command = [
        str(celery), "-A", "worker.celery_app", "worker", "--loglevel=INFO", "--concurrency=1",
        "--pool=prefork", "-Q", "celery", "-n", f"{name}-{os.getpid()}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_worker_env(settings, extra_env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=own_session,
        )
    worker = Worker(process, log_path)

    def ready():
        if process.poll() is not None:
            raise AssertionError(f"the Celery worker exited with {process.returncode}:\n{worker.tail()}")
        return " ready." in worker.log()

    try:
        wait_until(ready, WORKER_READY_TIMEOUT, interval=0.1, message=f"the Celery worker {name}")
    except AssertionError:
        stop_process(process)
        raise
    return worker


@pytest.fixture(scope="session")
def celery_worker(it_app, settings):
    """The worker most tests share: the session's broker (Redis db REDIS_DB) and SMTP server."""
    worker = start_worker(settings, "it", WORKER_LOG)
    yield worker
    worker.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """On a failing test that used the worker, show its last log lines next to the failure."""
    report = yield
    if not report.failed:
        return report
    logs = [WORKER_LOG] if "celery_worker" in item.fixturenames else []
    logs += item.stash.get(EXTRA_WORKER_LOGS, [])
    for log_path in logs:
        if log_path.exists():
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-60:])
            report.sections.append((f"{log_path.name} (tail)", tail))
    return report


EXTRA_WORKER_LOGS = pytest.StashKey[list]()


@pytest.fixture
def extra_workers(request, settings):
    """Start more workers for one test (`extra_workers(name, **env)`); all stopped at its end.

    Their logs are in test-artifacts/ and shown next to a failure, like the session worker's.
    """
    started = []

    def start(name: str, own_session: bool = False, **extra_env) -> Worker:
        log_path = ARTIFACTS / f"celery-worker-{XDIST_WORKER}-{name}.log"
        request.node.stash.setdefault(EXTRA_WORKER_LOGS, []).append(log_path)
        worker = start_worker(settings, name, log_path, extra_env, own_session)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


class PrivateRedis:
    """A redis-server on a free port, without persistence: restarted, it comes back empty, and
    whatever was queued in it is gone (only PostgreSQL keeps the work)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.outages: list[tuple[float, float]] = []  # (stopped, answering again), time.monotonic()

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.process = subprocess.Popen([*command, "--appendonly", "no"], stdout=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        wait_until(lambda: self._answers(client), 10, message="the private redis-server")
        if self.outages:
            self.outages[-1] = (self.outages[-1][0], time.monotonic())

    def stop(self) -> None:
        stop_process(self.process, timeout=10)  # SIGTERM, what `systemctl stop redis` sends
        self.outages.append((time.monotonic(), float("inf")))

    def _answers(self, client) -> bool:
        # One that exited (its port taken meanwhile) must not pass for whatever answers there.
        assert self.process.poll() is None, f"redis-server exited with {self.process.returncode}"
        try:
            return client.ping()
        except redis.ConnectionError:
            return False


@pytest.fixture
def private_redis():
    """Stopped at the end whatever happened, also when it never came up."""
    server = PrivateRedis()
    try:
        server.start()
        yield server
    finally:
        if server.process is not None:
            stop_process(server.process, timeout=10)
