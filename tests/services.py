"""The real services the integration and fuzz tiers need: checks, how to start them, databases.

`python -m tests.services` runs the same check for `make test`, so the message is written once.
"""

import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379

# Nothing listens on port 1: a connection is refused at once, as by a host whose Redis is stopped.
REFUSING_REDIS = "redis://127.0.0.1:1/0"

PG_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
REDIS_START = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def postgres_problem() -> str | None:
    import psycopg

    try:
        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres", connect_timeout=3
        ) as connection:
            connection.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "not usable"
        return (
            f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT} ({type(error).__name__}: {error}).\n"
            f"Start it with:\n    {PG_START}"
        )
    return None


def redis_problem() -> str | None:
    import redis

    try:
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001
        return (
            f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT} ({type(error).__name__}: {error}).\n"
            f"Start it with:\n    {REDIS_START}"
        )
    return None


def service_problems() -> list[str]:
    return [problem for problem in (postgres_problem(), redis_problem()) if problem]


def require_services() -> None:
    """Stop the whole pytest run (exit status 1) if PostgreSQL or Redis is down: never skip."""
    _stop_run_on(service_problems())


def require_postgres() -> None:
    """The same for a tier that needs PostgreSQL alone (the fuzz)."""
    _stop_run_on([problem for problem in [postgres_problem()] if problem])


def _stop_run_on(problems: list[str]) -> None:
    import pytest

    if problems:
        pytest.exit("\n\n".join(problems), returncode=1)


@contextmanager
def scratch_database(prefix: str):
    """A database of its own on the shared server, dropped afterwards (whatever a test stored in
    it): yields its SQLAlchemy URL."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = dict(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        # A commit need not wait for the disk (2-3 ms each here, and a run makes thousands): what
        # other sessions see is the same, and nothing here crashes this server.
        connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    try:
        yield f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(app) -> None:
    """The schema as production gets it: `app`'s database migrated, as `flask db upgrade` does."""
    from flask_migrate import upgrade

    from campaign.extensions import db

    with app.app_context():
        upgrade()
        db.session.remove()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process, timeout: float = 20) -> None:
    """SIGTERM, what `systemctl stop` sends (a Celery worker finishes its task, a server its
    requests), then SIGKILL if it has not exited within `timeout`; always reaped."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(predicate, timeout: float, interval: float = 0.05, message: str = "condition"):
    """Poll `predicate` until it returns something truthy; return that, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


if __name__ == "__main__":
    found = service_problems()
    for problem in found:
        print(problem, file=sys.stderr)
    sys.exit(1 if found else 0)
