"""Signature benchmark: a viral petition on this small machine, over real HTTP, against a bare Flask POST.

    .venv/bin/python -m bench.signatures                      # the full run (PostgreSQL, Redis up)
    .venv/bin/python -m bench.signatures --seconds 8 --bulk-rows 2000     # quicker
    .venv/bin/python -m bench.signatures --sqlite             # the embedded default: SQLite, no Redis

Everything runs on this machine at once: gunicorn serving the app, PostgreSQL, Redis, a Celery
worker sending the confirmation emails to an aiosmtpd sink, and the load generators (wrk for
throughput; for latency, an asyncio client at a fixed arrival rate in a process of its own,
bench/open_loop.py). The machine is shared and its speed varies from one minute to the next, so
throughput is judged as a ratio to a ceiling measured in the same run. It measures:
1. the ceiling: a Flask app whose POST parses the form and redirects (bench/minimal_app.py) under
   the same gunicorn settings, before and after the app's throughput runs; their mean is the
   ceiling;
2. accepted signatures per second (302 after the form, CSRF, dedupe, commit, confirmation queued),
   spread over many petitions and all on one petition, each as a ratio to the ceiling; any other
   answer, or none, is counted as refused;
3. the CPU each part of the machine spends per accepted request in those runs (web, PostgreSQL,
   Redis, the worker, the SMTP sink, the load generator), from /proc (bench/timeline.py), and
   while the worker sends each load's confirmation emails after it;
4. p50/p99 latency of the sign request at a fixed arrival rate, half the spread figure just
   measured (or --rate), with the worker running, then with it stopped; second by second, each
   part's CPU, the emails sent and PostgreSQL's checkpoints beside the latency, and which of them
   the slowest 1% of requests coincide with;
5. after the load: every signature confirmed (as if each signer clicked), the tally folded, and the
   stored counts compared with the confirmed rows;
6. the exact recount of a petition with --bulk-rows confirmed signatures by state, and the streamed
   CSV export of that many signers (time and memory growth) next to psql's \\copy of the same
   rows, three times each (bench/bulk.py, which also runs them alone).
With --sqlite, 1 to 5 against the embedded default instead: a SQLite file, no Redis, tasks run in
the web process after each commit, mail stored in the database; the throughput at each of
--sqlite-workers gunicorn process counts, since SQLite takes one writer at a time.
It prints a table and writes JSON to bench/results/signatures.json (signatures-sqlite.json).
"""

import argparse
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
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import redis
from flask import current_app
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
    base_settings,
    fresh_database,
    git_commit,
    make_settings,
    worker_env,
)
from bench.timeline import (
    Meter,
    by_worker_activity,
    checkpoints,
    cpu_steps,
    per_second,
    tail_causes,
    wait_sampling,
)
from campaign import create_app
from campaign.coalitions.services import create_coalition
from campaign.config import Config
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.notifications.models import Delivery, DeliveryState, Message, MessageState
from campaign.petitions import services, tally
from campaign.petitions.models import Petition, PetitionSignature, SignatureState

GUNICORN_READY_TIMEOUT = 120  # 8 processes importing the app on a busy machine took over 30 s
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STAMP = re.compile(r'name="started" type="hidden" value="([^"]+)"')
TARGET_RATIO, TARGET_RATIO_SQLITE = 0.5, 0.3
# Warm-up runs until two in a row agree this closely (at most WARM_UP_RUNS): on a busy machine,
# 8 processes loading the ZIP data and compiling templates took a whole 5 s run (none accepted)
# and slowed the next one to a fifth of its speed.
WARM_UP_SECONDS, WARM_UP_RUNS, WARM_UP_AGREEMENT = 3, 8, 0.15
# What beat would publish while the mail drains (worker/schedule.py), and how often.
BEAT_TASKS = ("campaign.petitions.tasks.send_confirmations", "campaign.notifications.tasks.keep_sending")
BEAT_SECONDS = 5
# What the load needs of the app: no minimum fill time (wrk posts at once), the per-IP limits
# checked (a Redis round trip with Redis) and never hit, plain http on 127.0.0.1.
SIGN_SETTINGS = {
    "PETITION_MIN_FILL_SECONDS": 0,
    "PETITION_BURST_LIMIT": "100000000 per minute",
    "PETITION_SUSTAINED_LIMIT": "100000000 per day",
    "TRUSTED_HOSTS": "",
    "SESSION_COOKIE_SECURE": "0",
    "CAMPAIGN_ENV": "production",
}
# wrk's counts of requests that got no answer; its timeouts (answers slower than 2 s) are
# reported beside them, as the answer, when it comes, is counted too.
NO_ANSWER = ("connect_errors", "read_errors", "write_errors")
# The open-loop client's request number, gunicorn's time handling it (µs) and the process's id.
ACCESS_LOG_FORMAT = "%({x-bench-request}i)s %(D)s %(p)s"
SERVICES = ("REDIS_URL", "SMTP_URL")  # unset in the embedded default
SQLITE_SETTINGS = (
    "seconds", "connections", "petitions", "gunicorn_workers", "gunicorn_threads", "rate",
    "latency_connections", "sqlite_workers", "worker_class",
)  # fmt: skip


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=15, help="length of each throughput run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--petitions", type=int, default=32, help="petitions in the spread run")
    parser.add_argument("--gunicorn-workers", type=int, default=8)
    parser.add_argument("--gunicorn-threads", type=int, default=1)
    # sync, as deploy/systemd/campaign-web.service runs (gunicorn's default): a process takes a
    # connection only when it is free. With gthread (one thread, keep-alive) a busy process still
    # accepts, and back to back on this machine one of 8 served 4 requests of a run while others
    # queued theirs (the idle CPU went unused); sync spread them evenly, at the same throughput.
    parser.add_argument(
        "--worker-class", default="sync", help="gunicorn's worker class, for the app and the ceiling"
    )
    parser.add_argument(
        "--rate", type=float, help="arrivals per second for latency (default: half the spread figure)"
    )
    parser.add_argument(
        "--latency-connections",
        type=int,
        default=0,
        help="kept-alive connections of the open-loop client (default: one per request, as browsers)",
    )
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
    parser.add_argument(
        "--trace",
        action="store_true",
        help="log each request's time inside gunicorn and each process's full garbage collections, "
        "to tell where the slowest requests waited (costs the app a log line per request)",
    )
    parser.add_argument("--sqlite", action="store_true", help="the embedded default: SQLite, no Redis")
    parser.add_argument(
        "--sqlite-workers",
        type=lambda value: [int(count) for count in value.split(",")],
        default=[8, 4, 2, 1],
        help="gunicorn process counts to try against SQLite (comma-separated)",
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
    """gunicorn in a process group of its own: the group is how the CPU meter finds its workers.

    With `trace` (a folder), each request's time inside gunicorn and the process that served it
    are logged under the open-loop client's request number (a line per request: not free), and
    each process's full garbage collections (bench/gunicorn_trace.py)."""

    def __init__(
        self, module: str, env: dict, workers: int, threads: int, log: Path, trace: Path | None = None,
        worker_class: str = "gthread",
    ):  # fmt: skip
        self.port, self.trace = _free_port(), trace
        command = [
            str(Path(sys.executable).with_name("gunicorn")), module, "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers), "--worker-class", worker_class, "--threads", str(threads),
            "--keep-alive", "30", "--log-level", "warning",
        ]  # fmt: skip
        if trace:
            trace.mkdir(exist_ok=True)
            command += [
                "--access-logfile", str(trace / "access.log"), "--access-logformat", ACCESS_LOG_FORMAT,
                "--config", str(ROOT / "bench" / "gunicorn_trace.py"),
            ]  # fmt: skip
            env = env | {"BENCH_GC_LOG": str(trace / "gc.log")}
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
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
        if self.process.poll() is not None:  # twice, on this shared machine, during a mail drain
            raise RuntimeError(f"gunicorn exited with {self.process.returncode} (stopped from outside?)")
        return f"http://127.0.0.1:{self.port}"

    def served(self, since: int) -> dict[int, tuple[float, int]]:
        """From the access log past byte `since`: request number -> (ms inside gunicorn, pid)."""
        if not self.trace:
            return {}
        with (self.trace / "access.log").open() as log:
            log.seek(since)
            lines = [line.split() for line in log]
        return {int(n): (int(us) / 1000, int(pid.strip("<>"))) for n, us, pid in lines if n.isdigit()}

    def log_size(self) -> int:
        return (self.trace / "access.log").stat().st_size if self.trace else 0

    def full_collections(self, since: float, until: float) -> list[tuple[int, float, float, float]] | None:
        """(pid, start, wall ms, CPU ms) of the full garbage collections begun in the interval."""
        if not self.trace:
            return None
        path = self.trace / "gc.log"
        lines = [line.split() for line in path.read_text().splitlines()] if path.exists() else []
        found = [(int(pid), float(start), float(wall), float(cpu)) for pid, start, wall, cpu in lines]
        return [entry for entry in found if since <= entry[1] <= until]

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
_latency_runs = itertools.count(1)


def run_wrk(base: str, forms: list[dict], args: argparse.Namespace, meter: Meter | None = None) -> dict:
    """Throughput under wrk; with a meter, the CPU each part spent meanwhile (wrk's own included)."""
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
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wrk_cpu = wait_sampling(process, meter)  # wrk's output is a few lines: the pipe never fills
    output, errors = process.stdout.read(), process.stderr.read()
    os.unlink(data.name)
    if process.returncode:
        raise RuntimeError(f"wrk exited with {process.returncode}: {errors}")
    figures = dict(pair.split("=") for pair in re.search(r"RESULT (.*)", output).group(1).split())
    accepted, seconds = int(figures.pop("accepted")), float(figures.pop("seconds"))
    refusals = {name: int(count) for name, count in figures.items() if name.startswith("status_")}
    refusals |= {name: int(figures[name]) for name in NO_ANSWER if int(figures[name])}
    result = {
        "accepted": accepted,
        "refused": int(figures["refused"]) + sum(int(figures[name]) for name in NO_ANSWER),
        "refusals": refusals,
        "timeouts": int(figures["timeouts"]),
        "per_second": round(accepted / seconds, 1),
        "p50_ms": float(figures["p50_ms"]),
        "p99_ms": float(figures["p99_ms"]),
    }
    if meter:
        result["cpu_seconds"] = meter.seconds() | {"load generator": round(wrk_cpu, 2)}
        # Other sessions' work and the kernel's soft interrupts, as a share of the machine: well
        # above the ~10% of a quiet ceiling run, the figure was measured on a disturbed machine.
        result["unattributed_share"] = round(
            result["cpu_seconds"]["anything else on the machine"] / (os.cpu_count() * seconds), 2
        )
        result["cpu_per_second"] = cpu_steps(meter.series)
    return result


def per_request_us(run: dict) -> dict:
    """A run's CPU per accepted request, in µs, by part; beside it, in seconds, the machine's idle
    time and its unattributed CPU (other sessions, soft interrupts: not the app's)."""
    shared = ("idle", "anything else on the machine")
    seconds = run["cpu_seconds"]
    return {
        "requests": run["accepted"],
        "us": {
            part: round(used / max(run["accepted"], 1) * 1e6)
            for part, used in seconds.items()
            if part not in shared
        },
        "seconds": {part: seconds[part] for part in shared},
    }


def measure_ceiling(env: dict, args: argparse.Namespace, logs: Path, name: str, meter_for) -> dict:
    """bench/minimal_app.py under the app's gunicorn settings; `meter_for(process group)`."""
    minimal = Gunicorn(
        "bench.minimal_app:app", env, args.gunicorn_workers, args.gunicorn_threads, logs / f"{name}.log",
        worker_class=args.worker_class,
    )  # fmt: skip
    try:
        return run_wrk(
            minimal.url,
            [{"path": "/sign", "cookie": "x=1", "body": "first_name=Ana"}],
            args,
            meter_for(minimal.process.pid),
        )
    finally:
        minimal.stop()


def warm_up(server: Gunicorn, forms: list[dict], args: argparse.Namespace) -> list[float]:
    """Not counted: each gunicorn process loads the ZIP data and compiles templates. Short runs
    until two in a row agree; returns their signatures/s."""
    short = argparse.Namespace(**vars(args) | {"seconds": WARM_UP_SECONDS})
    rates = [run_wrk(server.url, forms, short)["per_second"]]
    while len(rates) < WARM_UP_RUNS:
        rates.append(run_wrk(server.url, forms, short)["per_second"])
        if min(rates[-2:]) > 0 and abs(rates[-1] - rates[-2]) <= WARM_UP_AGREEMENT * max(rates[-2:]):
            break
    return rates


def measure_latency(
    server: Gunicorn, forms: list[dict], rate: float, args: argparse.Namespace, meter: Meter, logs: Path
) -> dict:
    """The open-loop client (bench/open_loop.py) for --seconds at `rate`, and what each part of
    the machine did meanwhile, second by second."""
    job, output = logs / "open_loop_job.json", logs / f"open_loop_{time.time():.0f}.json"
    job.write_text(
        json.dumps(
            {"base": server.url, "forms": forms, "rate": rate, "seconds": args.seconds,
             "connections": args.latency_connections, "tag": f"l{next(_latency_runs)}"}
        )
    )  # fmt: skip
    counters_before, log_size = checkpoint_counters(), server.log_size()
    process = subprocess.Popen([sys.executable, "-m", "bench.open_loop", str(job), str(output)], cwd=ROOT)
    client_cpu = wait_sampling(process, meter)
    if process.returncode:
        raise RuntimeError(f"the open-loop client exited with {process.returncode}")
    raw = json.loads(output.read_text())
    requests, started_at = raw["requests"], raw["started_at"]
    latencies = sorted(request[3] for request in requests)
    statuses = Counter(request[4] for request in requests)
    p99 = latencies[int(len(latencies) * 0.99)]
    postgresql = db.engine.dialect.name == "postgresql"
    spans = checkpoints(started_at, started_at + args.seconds) if postgresql else None
    seconds = per_second(requests, started_at, meter.series, spans)
    collections = server.full_collections(started_at, started_at + args.seconds + 30)
    cpu = meter.seconds()

    def ms(value: float) -> float:
        return round(value * 1000, 2)

    def worst(index: int) -> dict:
        values = sorted(request[index] for request in requests)
        return {"p99_ms": ms(values[int(len(values) * 0.99)]), "max_ms": ms(values[-1])}

    return {
        "rate": rate,
        "requests": len(requests),
        "accepted": statuses[302],
        "refused": len(requests) - statuses[302],
        "refusals": {f"status_{status}": count for status, count in statuses.items() if status != 302},
        "p50_ms": ms(latencies[len(latencies) // 2]),
        "p99_ms": ms(p99),
        "max_ms": ms(latencies[-1]),
        # The client's own lateness: its schedule handing a request over late is this process
        # (or the OS not running it); written late adds the wait for a free connection.
        "client": {
            "handed_over_late": worst(1),
            "written_late": worst(2),
            "cpu_share_of_a_core": round(client_cpu / args.seconds, 3),
        },
        "cpu_seconds": cpu,
        # CPU no part accounts for (other sessions' work, the kernel's soft interrupts), as a share
        # of the machine: a tail it caused is not the app's.
        "others_share_of_machine": round(
            cpu["anything else on the machine"]
            / (os.cpu_count() * (meter.series[-1][0] - meter.series[0][0])),
            2,
        ),
        "checkpoints": {"during_run": spans, "counters": checkpoint_changes(counters_before)},
        "full_collections": collections,
        "by_worker_activity": by_worker_activity(seconds),
        "tail_causes": tail_causes(
            requests,
            seconds,
            p99,
            server.served(log_size),
            [(pid, start - started_at, wall / 1000) for pid, start, wall, _ in collections or ()],
        ),  # fmt: skip
        "per_second": seconds,
    }


def checkpoint_counters() -> dict | None:
    if db.engine.dialect.name != "postgresql":
        return None
    db.session.rollback()
    row = db.session.execute(
        text(
            "SELECT checkpoints_timed, checkpoints_req, buffers_checkpoint, buffers_backend,"
            " checkpoint_write_time, checkpoint_sync_time FROM pg_stat_bgwriter"
        )
    ).one()
    db.session.rollback()
    return dict(row._mapping)


def checkpoint_changes(before: dict | None) -> dict | None:
    """pg_stat_bgwriter's checkpoint counters over the run (the whole server's, all databases)."""
    after = checkpoint_counters()
    return before and {name: round(after[name] - value, 1) for name, value in before.items()}


def confirm_and_tally() -> dict:
    """Every signer clicks (one UPDATE stands for the clicks), then the tally folds as beat would."""
    db.session.execute(
        text(
            "UPDATE petition_signature SET state = 'confirmed', confirmed_at = CURRENT_TIMESTAMP"
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


def wait_for_mail_to_drain(
    args: argparse.Namespace, meter: Meter | None = None, limit_seconds: float = 600
) -> dict:
    """Seconds until no confirmation is left to ask for or to send (or the limit), and how many
    emails the worker had sent by then (with a meter, the CPU each part spent meanwhile: the
    worker sends a load's mail after it); nothing to wait for without a worker. Every few seconds
    the bench publishes what beat would (no beat runs here): a signature committed just after
    its process's kick ran, or a message whose last sender finished early, waits for beat."""
    started = time.perf_counter()
    if args.without_worker:
        return {"seconds": 0, "emails_sent": 0}
    celery, next_beat = current_app.extensions["celery"], started + BEAT_SECONDS
    while time.perf_counter() - started < limit_seconds:
        db.session.rollback()  # a fresh snapshot each time
        left = mail_left()
        if not any(left.values()):
            break
        if time.perf_counter() >= next_beat:
            for task in BEAT_TASKS:
                celery.send_task(task)
            next_beat += BEAT_SECONDS
        if meter:
            meter.sample()
        time.sleep(1)
    sent = db.session.scalar(select(func.count()).where(Delivery.state == DeliveryState.SENT))
    drained = {"seconds": round(time.perf_counter() - started, 1), "emails_sent": sent, "left": mail_left()}
    if meter:
        meter.sample()
        drained["cpu_seconds"] = meter.seconds()
    return drained


def mail_left() -> dict:
    """Signers not yet asked to confirm, emails not sent, and confirmation messages still sending
    (one has no deliveries until its start task has run: the worker looked done with those)."""
    return {
        "signers_waiting": db.session.scalar(
            select(func.count()).where(PetitionSignature.asked_at.is_(None))
        ),
        "emails_unsent": db.session.scalar(
            select(func.count()).where(Delivery.state.in_((DeliveryState.QUEUED, DeliveryState.SENDING)))
        ),
        "messages_sending": db.session.scalar(
            select(func.count()).where(Message.state == MessageState.SENDING)
        ),
    }


def add_ratios(results: dict, runs=("spread", "all_on_one")) -> None:
    """Each run's accepted signatures/s over the mean of the two ceilings (before and after)."""
    ceiling = (results["ceiling_before"]["per_second"] + results["ceiling_after"]["per_second"]) / 2
    results["ceiling_per_second"] = round(ceiling, 1)
    for run in runs:
        results[f"ratio_{run}"] = round(results[run]["per_second"] / ceiling, 3)
    split = results["cpu_split"] = {}
    for name in ("ceiling_before", *runs, "ceiling_after"):
        split[name] = per_request_us(results[name])
        drained = results.get("mail_drains", {}).get(name, {})
        if "cpu_seconds" in drained:  # the run's mail, sent after it: its signatures' cost too
            split[f"{name}_mail"] = per_request_us({"accepted": results[name]["accepted"]} | drained)


def latency_rate(args: argparse.Namespace, spread: dict) -> float:
    """--rate, or half the spread throughput this run measured: a load the server can take."""
    return args.rate or max(1.0, round(spread["per_second"] / 2))


def main(argv=None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("bench/signatures.py needs wrk: apt-get install wrk")
    logs = Path(tempfile.mkdtemp(prefix="bench-signatures-"))
    if args.sqlite:
        report_sqlite(run_sqlite(args, logs))
        return
    # Tasks an earlier run left queued (a run without the worker leaves them all) would keep this
    # run's worker busy from the start, ceiling included.
    redis.Redis.from_url(f"{REDIS}/{REDIS_DB}").flushdb()
    results: dict = {
        "commit": git_commit(),
        "logs": str(logs),
        "settings": {k: v for k, v in vars(args).items() if k not in ("lease", "batch_size")},
    }
    with ExitStack() as stack:
        sink = smtp_sink.start(_free_port())
        stack.callback(sink.stop)
        database_url = stack.enter_context(fresh_database(args.keep_database))
        settings = make_settings(args, database_url, sink.url) | SIGN_SETTINGS
        app = create_app(Config, **{k: v for k, v in settings.items() if k != "CAMPAIGN_ENV"})
        stack.enter_context(app.app_context())
        upgrade()
        slugs = seed(args.petitions)
        env = worker_env(settings)
        workers = Workers(env, logs, concurrency=1, nice=args.worker_nice)
        stack.callback(workers.stop_all)
        if not args.without_worker:
            workers.wait_ready([workers.start()])

        def meter_for(web_group: int) -> Meter:
            return Meter(
                web_group,
                sink_pid=sink.process.pid,
                worker_groups=lambda: {process.pid for process, _ in workers.processes},
                database=database_url.rsplit("/", 1)[1],
                counters=lambda: {"emails": sink.received.value},
            )

        results["ceiling_before"] = measure_ceiling(env, args, logs, "minimal-before", meter_for)
        server = Gunicorn(
            "app:app", env, args.gunicorn_workers, args.gunicorn_threads, logs / "app.log",
            trace=logs / "trace" if args.trace else None, worker_class=args.worker_class,
        )  # fmt: skip
        stack.callback(server.stop)
        spread = [fetch_form(server.url, slug) for slug in slugs]
        results["warm_up"] = warm_up(server, spread, args)
        # Each load leaves the worker thousands of confirmation emails to send. The next figure is
        # measured once it has, so that no run is timed against an earlier run's backlog; the
        # signers "click" only then, or the worker would skip the emails of confirmed signatures.
        drains = results["mail_drains"] = {"warm_up": wait_for_mail_to_drain(args)}
        results["spread"] = run_wrk(server.url, spread, args, meter_for(server.process.pid))
        drains["spread"] = wait_for_mail_to_drain(args, meter_for(server.process.pid))
        one = [fetch_form(server.url, slugs[0]) for _ in range(8)]
        results["all_on_one"] = run_wrk(server.url, one, args, meter_for(server.process.pid))
        drains["all_on_one"] = wait_for_mail_to_drain(args, meter_for(server.process.pid))
        results["ceiling_after"] = measure_ceiling(env, args, logs, "minimal-after", meter_for)
        add_ratios(results)
        rate = latency_rate(args, results["spread"])
        if not args.without_worker:
            results["latency_with_worker"] = measure_latency(
                server, spread, rate, args, meter_for(server.process.pid), logs
            )
            drains["latency"] = wait_for_mail_to_drain(args)
            workers.stop_all()  # the same load again, the request path alone: mail left queued
        results["latency_without_worker"] = measure_latency(
            server, spread, rate, args, meter_for(server.process.pid), logs
        )
        results["count_after_load"] = confirm_and_tally()
        results |= bulk.measure(bulk.bulk_petition(args.bulk_rows), database_url, bulk.REPEATS)
    report(results)


def run_sqlite(args: argparse.Namespace, logs: Path) -> dict:
    """The same loads against the embedded default: a SQLite file, no Redis (limits counted in
    each process, tasks run in the web process after each commit), mail stored in the database.
    SQLite takes one writer at a time, so the spread run is tried at each --sqlite-workers count
    and the rest measured at the best one; the ceiling keeps --gunicorn-workers."""
    instance = logs / "instance"
    instance.mkdir()
    settings = base_settings(f"sqlite:///{instance / 'campaign.db'}", "") | SIGN_SETTINGS
    settings = {key: value for key, value in settings.items() if key not in SERVICES} | {
        "INSTANCE_PATH": str(instance)
    }
    env = {key: value for key, value in worker_env(settings).items() if key not in SERVICES}
    results: dict = {
        "commit": git_commit(),
        "logs": str(logs),
        "database": "sqlite",
        "settings": {k: v for k, v in vars(args).items() if k in SQLITE_SETTINGS},
    }
    app = create_app(
        Config,
        PERIODIC_JOBS_IN_PROCESS=False,  # this process serves nothing; gunicorn's run the jobs
        **{k: v for k, v in settings.items() if k != "CAMPAIGN_ENV"},
    )
    with app.app_context():
        upgrade()
        slugs = seed(args.petitions)

        def meter_for(web_group: int) -> Meter:
            return Meter(web_group, embedded=True)

        def serve(workers: int) -> Gunicorn:
            server = Gunicorn(
                "app:app", env, workers, args.gunicorn_threads, logs / f"app-{workers}.log",
                trace=logs / f"trace-{workers}" if args.trace else None,
                worker_class=args.worker_class,
            )  # fmt: skip
            results.setdefault("warm_up", {})[workers] = warm_up(
                server, [fetch_form(server.url, slug) for slug in slugs], args
            )
            return server

        results["ceiling_before"] = measure_ceiling(env, args, logs, "minimal-before", meter_for)
        by_workers = results["spread_by_workers"] = {}
        for count in args.sqlite_workers:
            server = serve(count)
            spread = [fetch_form(server.url, slug) for slug in slugs]
            by_workers[count] = run_wrk(server.url, spread, args, meter_for(server.process.pid))
            server.stop()
        best = results["best_workers"] = max(by_workers, key=lambda count: by_workers[count]["per_second"])
        results["spread"] = by_workers[best]
        server = serve(best)
        try:
            one = [fetch_form(server.url, slugs[0]) for _ in range(8)]
            results["all_on_one"] = run_wrk(server.url, one, args, meter_for(server.process.pid))
            results["ceiling_after"] = measure_ceiling(env, args, logs, "minimal-after", meter_for)
            add_ratios(results)
            spread = [fetch_form(server.url, slug) for slug in slugs]
            results["latency"] = measure_latency(
                server, spread, latency_rate(args, results["spread"]), args,
                meter_for(server.process.pid), logs,
            )  # fmt: skip
        finally:
            server.stop()
        results["count_after_load"] = confirm_and_tally()
    return results


CPU_COLUMNS = (
    ("web", "web"),
    ("postgresql", "pg"),
    ("postgresql background", "pg bg"),
    ("redis", "redis"),
    ("worker", "worker"),
    ("smtp sink", "sink"),
    ("load generator", "wrk"),
    ("bench sampling", "bench"),
)


def throughput_rows(results: dict, target: float) -> list[tuple]:
    before, after = results["ceiling_before"], results["ceiling_after"]

    def refused(run: dict) -> str:
        if not run["refused"]:
            return ""
        detail = ", ".join(f"{name} {count:,}" for name, count in run["refusals"].items())
        return f"REFUSED {run['refused']:,} ({detail})"

    def unattributed(run: dict) -> str:
        return f"{run['unattributed_share']:.0%}" if "unattributed_share" in run else "?"

    rows = [
        ("ceiling: minimal Flask POST, before / after",
         f"{before['per_second']:,.0f} / {after['per_second']:,.0f}/s", "",
         f"mean {results['ceiling_per_second']:,.0f}/s; unattributed CPU {unattributed(before)} / "
         f"{unattributed(after)} of the machine"),
    ]  # fmt: skip
    for run, name in (("spread", f"spread over {results['settings']['petitions']} petitions"),
                      ("all_on_one", "all on one petition")):  # fmt: skip
        figures = results[run]
        rows.append(
            (f"signatures, {name}: ratio to the ceiling", f"{results[f'ratio_{run}']:.2f}",
             f">= {target}",
             f"{figures['per_second']:,.0f}/s; unattributed CPU {unattributed(figures)} {refused(figures)}")
        )  # fmt: skip
    return rows


def latency_rows(name: str, latency: dict) -> list[tuple]:
    client = latency["client"]
    rows = [
        (f"latency at {latency['rate']:,.0f}/s {name}, p50 / p99",
         f"{latency['p50_ms']} / {latency['p99_ms']} ms", "<= 10 / 50 ms",
         f"max {latency['max_ms']:,} ms; {latency['refused']} refused; client late <= "
         f"{client['handed_over_late']['max_ms']} ms; unattributed CPU "
         f"{latency['others_share_of_machine']:.0%} of the machine"),
    ]  # fmt: skip
    causes = latency["tail_causes"]
    tail, every = causes["tail"], causes["all"]
    rows += [
        ("  slowest 1% arrived with: worker busy, checkpoint, client late",
         f"{tail['worker_busy']:.0%}, {tail['checkpoint']:.0%}, {tail['client_late']:.0%}", "",
         f"all requests: {every['worker_busy']:.0%}, {every['checkpoint']:.0%}, {every['client_late']:.0%}"),
        ("  slowest 1%'s seconds: tasks waiting for a CPU, for I/O",
         f"{tail['cpu_waiting']:.0%}, {tail['io_waiting']:.0%}", "",
         f"all requests: {every['cpu_waiting']:.0%}, {every['io_waiting']:.0%}"),
    ]  # fmt: skip
    busy, idle = latency["by_worker_activity"].values()
    if busy and idle:
        rows.append(
            ("  seconds with the worker busy / idle: median p50, worst",
             f"{busy['median_p50_ms']} / {idle['median_p50_ms']} ms", "",
             f"worst {busy['max_ms']} / {idle['max_ms']} ms ({busy['seconds']} / {idle['seconds']} s)")
        )  # fmt: skip
    if "median_inside_gunicorn_ms" in tail:  # --trace
        rows.append(
            ("  slowest 1%: median ms inside gunicorn / before it",
             f"{tail['median_inside_gunicorn_ms']} / {tail['median_before_gunicorn_ms']}", "",
             f"all requests: {every['median_inside_gunicorn_ms']} / {every['median_before_gunicorn_ms']}; "
             f"one process served {tail['busiest_process_share']:.0%} of the slowest; "
             f"{tail['full_collection']:.0%} met a full garbage collection")
        )  # fmt: skip
    return rows


def print_table(rows: list[tuple]) -> None:
    width = max(len(row[0]) for row in rows)
    print()
    for name, value, target, note in rows:
        print(f"  {name:<{width}}  {value:>16}  {target:>16}  {note}")


def print_cpu_split(split: dict) -> None:
    """µs of CPU per accepted request by part; in seconds, the machine's idle time and its CPU
    time no part accounts for: other sessions' work, and the kernel's outside any process (the
    network's soft interrupts: ~35 µs a request for the ceiling's new connection each)."""
    names = {"ceiling_before": "ceiling, before", "spread": "spread", "spread_mail": "  then its mail",
             "all_on_one": "all on one", "all_on_one_mail": "  then its mail",
             "ceiling_after": "ceiling, after"}  # fmt: skip
    header = "".join(f"{short:>8}" for _, short in CPU_COLUMNS)
    print(f"\n  CPU µs per accepted request {header}   total   unattributed / idle (s)")
    for run, figures in split.items():
        used = figures["us"]
        cells = "".join(f"{used.get(part, 0):>8,}" for part, _ in CPU_COLUMNS)
        other, idle = figures["seconds"]["anything else on the machine"], figures["seconds"]["idle"]
        print(f"  {names[run]:<27} {cells}{sum(used.values()):>8,}   {other} / {idle}")


def write_json(results: dict, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / name).write_text(json.dumps(results, indent=2))
    print(f"\n  JSON: {RESULTS / name}\n  logs: {results['logs']}")


def report(results: dict) -> None:
    count = results["count_after_load"]
    rows = throughput_rows(results, TARGET_RATIO)
    for name in ("with_worker", "without_worker"):
        if f"latency_{name}" in results:
            rows += latency_rows(name.replace("_", " "), results[f"latency_{name}"])
    rows += [
        ("count after tally = confirmed", f"{count['stored_count']:,} / {count['confirmed']:,}", "exact",
         "yes" if count["exact"] else "NO"),
        *bulk.report_rows(results),
    ]  # fmt: skip
    for phase, drain in results["mail_drains"].items():
        left = {name: count for name, count in drain.get("left", {}).items() if count}
        note = f"{drain['emails_sent']:,} emails sent by then" + (f"; LEFT {left}" if left else "")
        rows.append((f"(worker's backlog after {phase} sent in)", f"{drain['seconds']} s", "", note))
    print_table(rows)
    print_cpu_split(results["cpu_split"])
    write_json(results, "signatures.json")


def report_sqlite(results: dict) -> None:
    count = results["count_after_load"]
    rows = [
        (f"SQLite, {workers} gunicorn processes: spread", f"{run['per_second']:,.0f}/s", "",
         f"{run['refused']:,} refused {run['refusals'] or ''}")
        for workers, run in results["spread_by_workers"].items()
    ]  # fmt: skip
    rows += throughput_rows(results, TARGET_RATIO_SQLITE)
    rows += latency_rows("(tasks in the web process)", results["latency"])
    rows.append(
        ("count after tally = confirmed", f"{count['stored_count']:,} / {count['confirmed']:,}", "exact",
         "yes" if count["exact"] else "NO")
    )  # fmt: skip
    print(f"\n  SQLite, the embedded default; throughput at {results['best_workers']} gunicorn processes")
    print_table(rows)
    print_cpu_split(results["cpu_split"])
    write_json(results, "signatures-sqlite.json")


if __name__ == "__main__":
    main()
