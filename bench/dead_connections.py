"""Dead pooled connections: what each way of surviving them costs a signature, and what each loses.

    .venv/bin/python -m bench.dead_connections                   # about a minute and a half
    .venv/bin/python -m bench.dead_connections --signatures 200   # quicker, noisier

Six apps on one fresh PostgreSQL database (and Redis database 15, flushed), each with a pool of
its own, differing only in how they meet a pooled connection the server has closed:
- none:         nothing (main before this change): the request fails, SQLAlchemy drops the pool;
- pre_ping:     `pool_pre_ping=True`, a round trip ("SELECT" of nothing) at each checkout;
- idle_ping:    a ping at checkout only for a connection idle longer than --idle-seconds;
- retry:        core/database.py's retry alone: a view whose connection is lost before it
                committed runs once more;
- closed_check: core/database.py's checkout check alone: a poll() of the idle socket;
- kept:         the app as it is built: the check and the retry.

It measures, in this process through the test client (one thread; the variants take turns,
request by request, in a new shuffled order each time, so the machine's drift falls on all alike):
1. a checkout and check-in of a pooled connection, alone (microseconds);
2. the sign POST: wall time, this process's CPU and PostgreSQL's CPU (its backends' /proc
   counters) per request;
3. what each loses: --threads signers fill the pool, every backend of the database is
   terminated (as a restart does), and the same signers post again at once, then again after
   --idle-seconds: the requests that did not get their 302.
It prints a table and writes JSON to bench/results/dead_connections.json.
"""

import argparse
import json
import os
import random
import secrets
import statistics
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import psycopg
import redis
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

from bench.fanout import PG, REDIS, RESULTS, fresh_database
from bench.signatures import seed
from campaign import create_app
from campaign.config import Config
from campaign.core import database
from campaign.extensions import db

# Flushed before and after: one no test uses (tests/integration/conftest.py's REDIS_DB_PAIRS take
# 2-11, 13 and 14, one pair per xdist worker) and fanout's 12 neither.
REDIS_DB = 15
VARIANTS = ("none", "pre_ping", "idle_ping", "retry", "closed_check", "kept")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--signatures", type=int, default=1000, help="sign POSTs per variant")
    parser.add_argument("--checkouts", type=int, default=20000)
    parser.add_argument("--threads", type=int, default=4, help="signers at once when counting losses")
    parser.add_argument("--idle-seconds", type=float, default=2.0)
    parser.add_argument("--keep-database", action="store_true")
    return parser.parse_args(argv)


def build(variant: str, settings: dict, idle_seconds: float):
    pre_ping = variant == "pre_ping"
    app = create_app(Config, **settings, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": pre_ping})
    with app.app_context():
        engine = db.engine
    if variant not in ("closed_check", "kept"):
        event.remove(engine, "checkout", database._replace_if_closed)
    if variant not in ("retry", "kept"):
        event.remove(engine, "handle_error", database._refused_is_unavailable)
        event.remove(engine, "commit", database._note_commit)
        app.view_functions = {name: view.__wrapped__ for name, view in app.view_functions.items()}
    if variant == "idle_ping":
        ping_when_idle(engine, idle_seconds)
    return app


def ping_when_idle(engine, seconds: float) -> None:
    """The cheaper pre-ping: only a connection that waited in the pool longer than `seconds`."""

    @event.listens_for(engine, "checkin")
    def checked_in(dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection, record, proxy):
        if time.monotonic() - record.info.get("idle_since", time.monotonic()) > seconds:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except psycopg.Error as error:
                raise DisconnectionError("ping failed") from error


def backend_pid(app) -> int:
    """The backend of the one connection a single-threaded client keeps in this app's pool."""
    with app.app_context(), db.engine.connect() as connection:
        return connection.connection.dbapi_connection.info.backend_pid


def backend_cpu(pid: int) -> float:
    """CPU seconds this PostgreSQL backend has used (its /proc counters, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def time_checkouts(app, count: int) -> dict:
    """A checkout and check-in of a pooled connection, alone: what a check adds to every
    transaction. Wall and CPU microseconds in this process, and PostgreSQL's CPU for it."""
    with app.app_context():
        engine = db.engine
    pid = backend_pid(app)
    wall, cpu, server = time.perf_counter(), time.process_time(), backend_cpu(pid)
    for _ in range(count):
        with engine.connect():
            pass
    return {
        "wall_us": (time.perf_counter() - wall) / count * 1e6,
        "cpu_us": (time.process_time() - cpu) / count * 1e6,
        "server_cpu_us": (backend_cpu(pid) - server) / count * 1e6,
    }


def sign(client, slug: str, email: str) -> int:
    data = {"first_name": "Ana", "email": email, "zip_code": "19104"}
    return client.post(f"/petitions/{slug}/sign", data=data).status_code


def time_signing(apps: dict, slug: str, args) -> dict:
    """Request by request, the variants in a new shuffled order each time, so that the machine's
    drift (other processes come and go) falls on all of them alike."""
    clients = {name: app.test_client() for name, app in apps.items()}
    for name in apps:  # warm: templates compiled, ZIP data loaded, a pooled connection
        sign(clients[name], slug, f"warm-{name}@bench.example")
    pids = {name: backend_pid(app) for name, app in apps.items()}
    measured = {name: {"walls": [], "cpu": 0.0, "server_cpu": 0.0} for name in apps}
    order = list(apps)
    for number in range(args.signatures):
        random.shuffle(order)
        for name in order:
            server = backend_cpu(pids[name])
            cpu, wall = time.thread_time(), time.perf_counter()
            status = sign(clients[name], slug, f"{name}-{number}@bench.example")
            measured[name]["walls"].append(time.perf_counter() - wall)
            measured[name]["cpu"] += time.thread_time() - cpu
            measured[name]["server_cpu"] += backend_cpu(pids[name]) - server
            assert status == 302, f"{name}: {status}"
    return {name: summarize(**figures) for name, figures in measured.items()}


def summarize(walls: list, cpu: float, server_cpu: float) -> dict:
    walls = sorted(walls)
    return {
        "requests": len(walls),
        "median_ms": statistics.median(walls) * 1000,
        "p90_ms": walls[int(len(walls) * 0.9)] * 1000,
        "cpu_ms": cpu / len(walls) * 1000,
        "server_cpu_ms": server_cpu / len(walls) * 1000,
    }


class Admin:
    """A connection of its own, to do to this database's sessions what a restart does."""

    def __init__(self, database_url: str):
        self.name = database_url.rsplit("/", 1)[1]
        self.connection = psycopg.connect(**PG, dbname="postgres", autocommit=True)

    def terminate_all(self) -> None:
        # With a timeout, each call returns once its backend has exited (and its socket is closed).
        self.connection.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = %s", [self.name]
        )


def count_losses(app, slug: str, admin: Admin, args, name: str) -> dict:
    """Sign requests that did not get their 302 right after a restart, and after a pause."""

    def together(label: str) -> int:
        statuses = []

        def signer(number: int):
            client = app.test_client()
            for count in range(3):
                statuses.append(sign(client, slug, f"{name}-{label}-{number}-{count}@bench.example"))

        threads = [threading.Thread(target=signer, args=(n,)) for n in range(args.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sum(status != 302 for status in statuses)

    together("fill")  # the pool holds a connection per signer
    admin.terminate_all()
    lost_at_once = together("at-once")
    admin.terminate_all()
    time.sleep(args.idle_seconds)
    return {"lost_at_once": lost_at_once, "lost_after_idle": together("after-idle")}


def main(argv=None) -> None:
    args = parse_args(argv)
    broker = redis.Redis.from_url(f"{REDIS}/{REDIS_DB}")
    broker.flushdb()
    results: dict = {"settings": vars(args)}
    with ExitStack() as stack:
        stack.callback(broker.flushdb)  # the confirmation kicks the sign requests published
        database_url = stack.enter_context(fresh_database(args.keep_database))
        settings = {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": f"{REDIS}/{REDIS_DB}",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "DATA_KEYS": Fernet.generate_key().decode(),
            "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
            "IP_HASH_KEY": secrets.token_urlsafe(32),
            "WTF_CSRF_ENABLED": False,
            "TRUSTED_HOSTS": None,
            "PETITION_MIN_FILL_SECONDS": 0,
            "PETITION_BURST_LIMIT": "100000000 per minute",  # checked (a Redis round trip), never hit
            "PETITION_SUSTAINED_LIMIT": "100000000 per day",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_KIB": 64,
        }
        setup = create_app(Config, **settings)
        with setup.app_context():
            upgrade()
            slug = seed(1)[0]
            db.session.remove()
        apps = {name: build(name, settings, args.idle_seconds) for name in VARIANTS}
        admin = Admin(database_url)
        stack.callback(admin.connection.close)
        checkouts = {name: time_checkouts(app, args.checkouts) for name, app in apps.items()}
        signing = time_signing(apps, slug, args)
        for name, app in apps.items():
            results[name] = {"checkout": checkouts[name], "sign": signing[name]}
            results[name].update(count_losses(app, slug, admin, args, name))
    report(results)


def report(results: dict) -> None:
    base = results["none"]
    rows = [
        ("", "checkout: wall", "CPU", "PG CPU", "sign POST: median", "CPU", "PG CPU", "lost: at once",
         "after idle"),
    ]  # fmt: skip
    for name in VARIANTS:
        figures = results[name]

        def against_base(part: str, key: str, unit: str, digits: int, figures=figures) -> str:
            value, difference = figures[part][key], figures[part][key] - base[part][key]
            return f"{value:.{digits}f} {unit} ({difference:+.{digits}f})"

        rows.append(
            (
                name,
                against_base("checkout", "wall_us", "µs", 1),
                against_base("checkout", "cpu_us", "µs", 1),
                against_base("checkout", "server_cpu_us", "µs", 1),
                f"{figures['sign']['median_ms']:.2f} ms",
                against_base("sign", "cpu_ms", "ms", 3),
                against_base("sign", "server_cpu_ms", "ms", 3),
                str(figures["lost_at_once"]),
                str(figures["lost_after_idle"]),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    print()
    for row in rows:
        print("  " + "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    print("\n  In brackets: the difference from `none`. PG CPU: the backend's, from /proc (10 ms ticks).")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dead_connections.json").write_text(json.dumps(results, indent=2))
    print(f"  JSON: {RESULTS / 'dead_connections.json'}")


if __name__ == "__main__":
    main()
