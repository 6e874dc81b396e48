"""API and import benchmark: people pages per second through the OSDI API, and supporter import
rows per second through the background task.

    .venv/bin/python -m bench.api                                   # the full run (PostgreSQL, Redis up)
    .venv/bin/python -m bench.api --people 2000 --seconds 5 --import-rows 5000   # quicker

On this machine's PostgreSQL and Redis (see bench/README.md):
1. a fresh database migrated as production is (`flask_migrate.upgrade`); a coalition with
   --people supporters on file, names and addresses sealed as the app seals them
   (bench/people.py), and a read:people API key (not timed);
2. gunicorn serving the app (`app:app`, as production does), and --connections clients in this
   process on keep-alive connections asking for `GET /api/v1/people?per_page=25` page after
   page, round and round, for --seconds: pages and people per second, latency p50/p99. The same
   for the entry point `GET /api/v1/` (no person read, the key checked all the same) is the
   machine's reference. The key's rate limit is raised out of the way (checked, never hit);
3. the import: an Action Network CSV of --import-rows rows (every 10th a duplicate, every 25th
   a bad address, every 20th unsubscribed, every 4th a Spanish name: the integration test's
   file) stored and confirmed as the import's pages do, then run by a real Celery worker from
   the outbox, timed from the confirmation to the import's end; its counts checked against
   the file's.
It prints a table and writes JSON to bench/results/api.json.
"""

import argparse
import http.client
import io
import itertools
import json
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import redis
from flask_migrate import upgrade
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from bench.fanout import REDIS, RESULTS, Workers, base_settings, fresh_database, git_commit, worker_env
from bench.people import insert_supporters
from bench.signatures import Gunicorn
from campaign import create_app
from campaign.accounts.models import User
from campaign.accounts.services import hash_password
from campaign.api.auth import TOKEN_HEADER
from campaign.api.keys import create_key
from campaign.api.models import Scope
from campaign.coalitions.services import create_coalition
from campaign.config import Config
from campaign.core import outbox
from campaign.extensions import db
from campaign.supporters import imports, tasks
from campaign.supporters.models import ImportState, Supporter, SupporterImport
from tests.supporters.import_files import big_file

REDIS_DB = 1  # flushed; fanout and signatures use 12, dead_connections 15, the integration tests 2-11, 13, 14
PER_PAGE = 25
MAPPED = ["first_name", "last_name", "email", "zip_code", "phone", "language", "subscription"]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000, help="supporters on file the pages go over")
    parser.add_argument("--seconds", type=int, default=15, help="length of each run of requests")
    parser.add_argument("--connections", type=int, default=8, help="clients asking at once")
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--import-rows", type=int, default=20_000, help="rows of the imported file")
    parser.add_argument("--import-timeout", type=int, default=600)
    parser.add_argument("--keep-database", action="store_true")
    return parser.parse_args(argv)


def seed(people: int) -> tuple[int, int, str]:
    """A coalition with `people` supporters on file and a read:people key: (coalition id, the
    organizer's id, the key's token)."""
    owner = User(
        email="bench@example.org", name="Bench Organizer", password_hash=hash_password("x" * 12), locale="en"
    )
    db.session.add(owner)
    coalition = create_coalition(owner, "Tennessee Immigrant and Refugee Rights Coalition", "", "Nashville")
    db.session.commit()
    insert_supporters(coalition.id, people, confirmed=True)
    _, token = create_key(coalition.id, owner.id, "bench", Scope.READ_PEOPLE, None)
    db.session.commit()
    return coalition.id, owner.id, token


def ask_repeatedly(base: str, token: str, paths: list[str], seconds: float, connections: int) -> dict:
    """`connections` threads, each on a keep-alive connection, asking for the next of `paths`
    (round and round) until `seconds` have passed."""
    port = int(base.rsplit(":", 1)[1])
    turns = itertools.cycle(paths)
    take = threading.Lock()
    latencies, statuses = [], []
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, codes = [], []
        while time.perf_counter() < deadline:
            with take:
                path = next(turns)
            started = time.perf_counter()
            connection.request("GET", path, headers={TOKEN_HEADER: token, "Accept": "application/hal+json"})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            codes.append(response.status)
        connection.close()
        with take:
            latencies.extend(mine)
            statuses.extend(codes)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
        "not_200": len([status for status in statuses if status != 200]),
    }


def check_a_page(base: str, token: str, people: int) -> dict:
    """One page read whole: the totals the API gives, and the people in it."""
    connection = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=30)
    connection.request("GET", f"/api/v1/people?per_page={PER_PAGE}&page=2", headers={TOKEN_HEADER: token})
    page = json.loads(connection.getresponse().read())
    connection.close()
    listed = len(page["_embedded"]["osdi:people"])
    assert page["total_records"] == people and listed == min(PER_PAGE, max(0, people - PER_PAGE)), page
    return {
        "total_records": page["total_records"],
        "total_pages": page["total_pages"],
        "people_on_page": listed,
    }


def time_import(coalition_id: int, user_id: int, rows: int, timeout: float) -> dict:
    """The file stored and confirmed as the import's pages do it, then run by the worker."""
    data, expected = big_file(rows)
    started = time.perf_counter()
    upload = FileStorage(io.BytesIO(data), "an-export.csv", content_type="text/csv")
    found = imports.store_upload(coalition_id, user_id, upload)
    db.session.commit()
    stored = time.perf_counter() - started
    assert imports.confirm(found, MAPPED, "Email me news from the coalition.", "es", "Bench Organizer")
    outbox.enqueue(tasks.run_import, import_id=found.id)
    db.session.commit()
    started = time.perf_counter()
    outbox.dispatch_committed()  # published to the worker
    first_batch = None
    while time.perf_counter() - started < timeout:
        db.session.rollback()  # a fresh snapshot each time
        done = db.session.get(SupporterImport, found.id)
        if first_batch is None and done.rows_done:
            first_batch = time.perf_counter() - started
        if done.state in (ImportState.DONE, ImportState.FAILED):
            break
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    counts = {"imported": done.imported, "matched": done.matched, "skipped": done.skipped}
    return {
        "rows": rows,
        "megabytes": round(len(data) / 1e6, 1),
        "store_and_count_seconds": round(stored, 2),
        "state": done.state.value,
        "first_batch_after": round(first_batch or 0, 2),
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds, 1),
        "counts": counts,
        "counts_as_expected": counts == {name: expected[name] for name in counts},
        "supporters_after": db.session.scalar(
            select(func.count(Supporter.id)).where(Supporter.coalition_id == coalition_id)
        ),
    }


def main(argv=None) -> None:
    args = parse_args(argv)
    logs = Path(tempfile.mkdtemp(prefix="bench-api-"))
    redis.Redis.from_url(f"{REDIS}/{REDIS_DB}").flushdb()
    results: dict = {"benchmark": "api", "commit": git_commit(), "settings": vars(args)}
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_database(args.keep_database))
        settings = base_settings(database_url, "smtp://127.0.0.1:1", REDIS_DB) | {  # no mail is sent
            "INSTANCE_PATH": str(logs / "instance"),  # the uploaded file, shared with the worker
            "API_RATE_LIMIT": "100000000 per second",  # checked (a Redis round trip), never hit
            "TRUSTED_HOSTS": "",
        }
        app = create_app(Config, **settings)
        stack.enter_context(app.app_context())
        upgrade()
        started = time.perf_counter()
        coalition_id, user_id, token = seed(args.people)
        results["seed_seconds"] = round(time.perf_counter() - started, 1)
        env = worker_env(settings)

        server = Gunicorn("app:app", env, args.gunicorn_workers, 1, logs / "app.log")
        stack.callback(server.stop)
        pages = [
            f"/api/v1/people?per_page={PER_PAGE}&page={n}" for n in range(1, args.people // PER_PAGE + 1)
        ]
        results["page_check"] = check_a_page(server.url, token, args.people)
        ask_repeatedly(server.url, token, pages, 3, args.connections)  # warm-up, not counted
        results["entry_point"] = ask_repeatedly(
            server.url, token, ["/api/v1/"], args.seconds, args.connections
        )
        results["people_pages"] = ask_repeatedly(server.url, token, pages, args.seconds, args.connections)
        server.stop()

        workers = Workers(env, logs, concurrency=1)
        stack.callback(workers.stop_all)
        workers.wait_ready([workers.start()])
        results["import"] = time_import(coalition_id, user_id, args.import_rows, args.import_timeout)
    report(results, logs)


def report(results: dict, logs: Path) -> None:
    entry, pages, imported = results["entry_point"], results["people_pages"], results["import"]
    people_per_second = pages["per_second"] * results["page_check"]["people_on_page"]
    rows = [
        ("people on file (seeded, not timed)", f"{results['page_check']['total_records']:,}", ""),
        ("reference: GET /api/v1/ (entry point)", f"{entry['per_second']:,.0f}/s",
         f"p50 {entry['p50_ms']} ms, p99 {entry['p99_ms']} ms"),
        (f"people pages, per_page={PER_PAGE}", f"{pages['per_second']:,.0f}/s",
         f"p50 {pages['p50_ms']} ms, p99 {pages['p99_ms']} ms; {pages['not_200']} not 200"),
        ("people per second", f"{people_per_second:,.0f}/s",
         f"{pages['per_second'] / max(entry['per_second'], 1):.0%} of the reference's requests"),
        (f"import: store and count {imported['megabytes']} MB",
         f"{imported['store_and_count_seconds']} s", ""),
        (f"import of {imported['rows']:,} rows by the worker", f"{imported['seconds']} s",
         f"{imported['state']}; first batch after {imported['first_batch_after']} s"),
        ("import rows per second", f"{imported['rows_per_second']:,.0f}/s",
         "counts as the file's" if imported["counts_as_expected"] else f"COUNTS WRONG: {imported['counts']}"),
    ]  # fmt: skip
    width = max(len(row[0]) for row in rows)
    print()
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>12}  {note}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "api.json").write_text(json.dumps(results, indent=2))
    print(f"\n  JSON: {RESULTS / 'api.json'}  logs: {logs}")


if __name__ == "__main__":
    main()
