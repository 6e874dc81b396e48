"""Signature benchmark: a viral petition on this small machine, over real HTTP.

    .venv/bin/python -m bench.signatures                      # the full run (PostgreSQL, Redis up)
    .venv/bin/python -m bench.signatures --seconds 5 --bulk-rows 100000   # quicker

Everything runs on this machine at once: gunicorn serving the app, PostgreSQL, Redis, a Celery
worker sending the confirmation emails to an aiosmtpd sink, and the load generators (wrk for
throughput, an asyncio client in this process for fixed-rate latency). It measures:
1. the ceiling: a Flask app whose POST does nothing (bench/minimal_app.py), same gunicorn settings;
2. accepted signatures per second (302 after the form, CSRF, dedupe, commit, confirmation queued),
   spread over many petitions and all on one petition;
3. p50/p99 latency of the sign request at a fixed arrival rate;
4. after the load: every signature confirmed (as if each signer clicked), the tally folded, and the
   stored counts compared with the confirmed rows;
5. the exact recount of a petition with --bulk-rows confirmed signatures by state, and the streamed
   CSV export of that many signers (time and memory growth) next to psql's \\copy of the same
   rows, three times each (bench/bulk.py, which also runs them alone).
It prints a table and writes JSON to bench/results/signatures.json.
"""

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import redis
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from bench import bulk, smtp_sink
from bench.fanout import (
    REDIS,
    REDIS_DB,
    RESULTS,
    ROOT,
    Workers,
    _free_port,
    fresh_database,
    make_settings,
    worker_env,
)
from campaign import create_app
from campaign.coalitions.services import create_coalition
from campaign.config import Config
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.notifications.models import Delivery, DeliveryState
from campaign.petitions import services, tally
from campaign.petitions.models import Petition, PetitionSignature, SignatureState

GUNICORN_READY_TIMEOUT = 30
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STAMP = re.compile(r'name="started" type="hidden" value="([^"]+)"')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=15, help="length of each throughput run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--petitions", type=int, default=32, help="petitions in the spread run")
    parser.add_argument("--gunicorn-workers", type=int, default=8)
    parser.add_argument("--gunicorn-threads", type=int, default=1)
    parser.add_argument("--rate", type=int, default=750, help="arrivals per second for latency")
    parser.add_argument("--bulk-rows", type=int, default=1_000_000, help="rows for recount and export")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        help="the Celery worker's nice value: on one machine, signing goes before confirmation mail",
    )
    parser.add_argument(
        "--without-worker",
        action="store_true",
        help="no Celery worker: the request path alone, mail left queued",
    )
    # make_settings (shared with bench/fanout.py) reads these:
    parser.add_argument("--lease", type=int, default=120)
    parser.add_argument("--parallel-tasks", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=1)
    return parser.parse_args(argv)


def seed(count: int) -> list[str]:
    """A coalition with `count` open petitions; returns their slugs."""
    from campaign.accounts.models import User
    from campaign.accounts.services import hash_password

    owner = User(email="bench@example.org", name="Bench", password_hash=hash_password("x" * 12), locale="en")
    db.session.add(owner)
    coalition = create_coalition(owner, "Bench coalition", "", "")
    slugs = []
    for number in range(count):
        petition = services.create_petition(
            coalition.id,
            owner.id,
            {"title": f"Petition {number}", "target": "The Mayor", "ask": "Act now.", "goal": 1000},
        )
        services.open_petition(petition, utcnow())
        slugs.append(petition.slug)
    db.session.commit()
    return slugs


class Gunicorn:
    def __init__(self, module: str, env: dict, workers: int, threads: int, log: Path):
        self.port = _free_port()
        command = [
            str(Path(sys.executable).with_name("gunicorn")), module, "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
            "--keep-alive", "30", "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + GUNICORN_READY_TIMEOUT
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1)  # noqa: S310 - our own server
                break
            except Exception:  # noqa: BLE001 - not up yet (the minimal app answers 404, which raises too)
                if self._answers():
                    break
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn {module} did not start; see {log}") from None
                time.sleep(0.2)

    def _answers(self) -> bool:
        import http.client

        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            connection.request("GET", "/")
            connection.getresponse().read()
            return True
        except OSError:
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def fetch_form(base: str, slug: str) -> dict:
    """What a signer's browser holds after opening the page: the form token and the form stamp
    (and a cookie, if the page set one: the form needs none). The body lacks only the email,
    which wrk adds."""
    with urllib.request.urlopen(f"{base}/petitions/{slug}") as response:  # noqa: S310 - our own server
        cookie = (response.headers["Set-Cookie"] or "").split(";", 1)[0]
        page = response.read().decode()
    body = urllib.parse.urlencode(
        {
            "csrf_token": CSRF.search(page).group(1),
            "started": STAMP.search(page).group(1),
            "first_name": "Ana",
            "zip_code": "19104",
        }
    )
    return {"path": f"/petitions/{slug}/sign", "cookie": cookie, "body": body}


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_wrk_runs = itertools.count(1)


def run_wrk(base: str, forms: list[dict], args: argparse.Namespace) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as data:
        # Addresses carry the run's number: wrk's counters start again each run, and a repeat of
        # an earlier run's address would take the (costlier) "already signed" path.
        data.write(f"run = {lua_string(f'r{next(_wrk_runs)}')}\n")
        entries = ",\n".join(
            "{" + ", ".join(f"{key}={lua_string(form[key])}" for key in ("path", "cookie", "body")) + "}"
            for form in forms
        )
        data.write(f"forms = {{\n{entries}\n}}\n")
    command = [
        "wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s", "--latency",
        "-s", str(ROOT / "bench" / "sign.lua"), base, "--", data.name,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(data.name)
    figures = dict(pair.split("=") for pair in re.search(r"RESULT (.*)", output).group(1).split())
    accepted, seconds = int(figures["accepted"]), float(figures["seconds"])
    return {
        "accepted": accepted,
        "refused": int(figures["refused"]),
        "per_second": round(accepted / seconds, 1),
        "p50_ms": float(figures["p50_ms"]),
        "p99_ms": float(figures["p99_ms"]),
    }


async def _open_loop(base: str, forms: list[dict], rate: int, seconds: int, connections: int) -> dict:
    """Requests arrive every 1/rate s whether or not earlier ones are done; latency counts from
    the arrival time, so queueing in front of a busy server shows."""
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    arrivals: asyncio.Queue = asyncio.Queue()
    latencies, statuses = [], []

    async def connection_loop(number: int):
        reader, writer = await asyncio.open_connection(host, port)
        sent = 0
        while True:
            arrival = await arrivals.get()
            if arrival is None:
                writer.close()
                return
            sent += 1
            form = forms[(number + sent) % len(forms)]
            body = f"{form['body']}&email=o{number}x{sent}%40bench.example".encode()
            writer.write(
                (
                    f"POST {form['path']} HTTP/1.1\r\nHost: {host}\r\nCookie: {form['cookie']}\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode()
                + body
            )
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - arrival)
            statuses.append(int(head.split(b" ", 2)[1]))

    loops = [asyncio.create_task(connection_loop(number)) for number in range(connections)]
    start = time.perf_counter()
    for number in range(rate * seconds):
        arrival = start + number / rate
        delay = arrival - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        arrivals.put_nowait(arrival)
    for _ in loops:
        arrivals.put_nowait(None)
    await asyncio.gather(*loops)
    latencies.sort()
    return {
        "rate": rate,
        "requests": len(latencies),
        "accepted": statuses.count(302),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
    }


def confirm_and_tally() -> dict:
    """Every signer clicks (one UPDATE stands for the clicks), then the tally folds as beat would."""
    db.session.execute(
        text(
            "UPDATE petition_signature SET state = 'confirmed', confirmed_at = now()"
            " WHERE state = 'unconfirmed'"
        )
    )
    db.session.commit()
    started = time.perf_counter()
    for petition_id in tally.petitions_with_work():
        while tally.fold(petition_id):
            db.session.commit()
    seconds = time.perf_counter() - started
    confirmed = db.session.scalar(
        select(func.count()).where(PetitionSignature.state == SignatureState.CONFIRMED)
    )
    stored = db.session.scalar(select(func.sum(Petition.signature_count)))
    return {
        "confirmed": confirmed,
        "stored_count": stored,
        "exact": confirmed == stored,
        "fold_seconds": seconds,
    }


def wait_for_mail_to_drain(args: argparse.Namespace, limit_seconds: float = 600) -> dict:
    """Seconds until no confirmation is left to ask for or to send (or the limit), and how many
    emails the worker had sent by then; nothing to wait for without a worker."""
    started = time.perf_counter()
    if args.without_worker:
        return {"seconds": 0, "emails_sent": 0}
    while time.perf_counter() - started < limit_seconds:
        db.session.rollback()  # a fresh snapshot each time
        waiting = db.session.scalar(select(func.count()).where(PetitionSignature.asked_at.is_(None)))
        unsent = db.session.scalar(
            select(func.count()).where(Delivery.state.in_((DeliveryState.QUEUED, DeliveryState.SENDING)))
        )
        if not waiting and not unsent:
            break
        time.sleep(1)
    sent = db.session.scalar(select(func.count()).where(Delivery.state == DeliveryState.SENT))
    return {"seconds": round(time.perf_counter() - started, 1), "emails_sent": sent}


def main(argv=None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("bench/signatures.py needs wrk: apt-get install wrk")
    logs = Path(tempfile.mkdtemp(prefix="bench-signatures-"))
    # Tasks an earlier run left queued (a run without the worker leaves them all) would keep this
    # run's worker busy from the start, ceiling included.
    redis.Redis.from_url(f"{REDIS}/{REDIS_DB}").flushdb()
    results: dict = {"settings": {k: v for k, v in vars(args).items() if k not in ("lease", "batch_size")}}
    with ExitStack() as stack:
        sink = smtp_sink.start(_free_port())
        stack.callback(sink.stop)
        database_url = stack.enter_context(fresh_database(args.keep_database))
        settings = make_settings(args, database_url, sink.url) | {
            "PETITION_MIN_FILL_SECONDS": 0,  # the load generator posts at once
            "PETITION_BURST_LIMIT": "100000000 per minute",  # checked (a Redis round trip), never hit
            "PETITION_SUSTAINED_LIMIT": "100000000 per day",
            "TRUSTED_HOSTS": "",
            "SESSION_COOKIE_SECURE": "0",
            "CAMPAIGN_ENV": "production",
        }
        app = create_app(Config, **{k: v for k, v in settings.items() if k != "CAMPAIGN_ENV"})
        stack.enter_context(app.app_context())
        upgrade()
        slugs = seed(args.petitions)
        env = worker_env(settings)
        if not args.without_worker:
            workers = Workers(env, logs, concurrency=1, nice=args.worker_nice)
            stack.callback(workers.stop_all)
            workers.wait_ready([workers.start()])

        minimal = Gunicorn(
            "bench.minimal_app:app", env, args.gunicorn_workers, args.gunicorn_threads, logs / "min.log"
        )
        results["ceiling"] = run_wrk(
            minimal.url, [{"path": "/sign", "cookie": "x=1", "body": "first_name=Ana"}], args
        )
        minimal.stop()
        server = Gunicorn("app:app", env, args.gunicorn_workers, args.gunicorn_threads, logs / "app.log")
        stack.callback(server.stop)
        spread = [fetch_form(server.url, slug) for slug in slugs]
        # Warm-up, not counted: each gunicorn process loads the ZIP data and compiles templates.
        run_wrk(server.url, spread, argparse.Namespace(**vars(args) | {"seconds": 3}))
        # Each load leaves the worker thousands of confirmation emails to send. The next figure is
        # measured once it has, so that no run is timed against an earlier run's backlog; the
        # signers "click" only then, or the worker would skip the emails of confirmed signatures.
        drains = results["mail_drains"] = {}
        results["spread"] = run_wrk(server.url, spread, args)
        drains["spread"] = wait_for_mail_to_drain(args)
        one = [fetch_form(server.url, slugs[0]) for _ in range(8)]
        results["all_on_one"] = run_wrk(server.url, one, args)
        drains["all_on_one"] = wait_for_mail_to_drain(args)
        results["latency"] = asyncio.run(_open_loop(server.url, spread, args.rate, args.seconds, 64))
        drains["latency"] = wait_for_mail_to_drain(args)
        results["count_after_load"] = confirm_and_tally()
        results |= bulk.measure(bulk.bulk_petition(args.bulk_rows), database_url, bulk.REPEATS)
    report(results)


def report(results: dict) -> None:
    ceiling, spread, one = results["ceiling"], results["spread"], results["all_on_one"]
    latency, count = results["latency"], results["count_after_load"]
    rows = [
        ("ceiling: minimal Flask POST", f"{ceiling['per_second']:,.0f}/s", "", ""),
        ("signatures, spread over petitions", f"{spread['per_second']:,.0f}/s", ">= 1,500/s", ""),
        ("signatures, all on one petition", f"{one['per_second']:,.0f}/s", ">= 90% of spread",
         f"{one['per_second'] / max(spread['per_second'], 1):.0%}"),
        (f"latency at {latency['rate']}/s p50", f"{latency['p50_ms']} ms", "<= 10 ms", ""),
        (f"latency at {latency['rate']}/s p99", f"{latency['p99_ms']} ms", "<= 50 ms", ""),
        ("count after tally = confirmed", f"{count['stored_count']:,} / {count['confirmed']:,}", "exact",
         "yes" if count["exact"] else "NO"),
        *bulk.report_rows(results),
    ]  # fmt: skip
    for phase, drain in results["mail_drains"].items():
        rows.append((f"(worker's backlog after {phase} sent in)", f"{drain['seconds']} s", "",
                     f"{drain['emails_sent']:,} emails sent by then"))  # fmt: skip
    width = max(len(row[0]) for row in rows)
    print()
    for name, value, target, note in rows:
        print(f"  {name:<{width}}  {value:>16}  {target:>16}  {note}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "signatures.json").write_text(json.dumps(results, indent=2))
    print(f"\n  JSON: {RESULTS / 'signatures.json'}")


if __name__ == "__main__":
    main()
