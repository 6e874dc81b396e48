"""Read benchmark: the crowd watching a petition going viral, over real HTTP.

    .venv/bin/python -m bench.pages                  # about a minute (PostgreSQL and Redis up)
    .venv/bin/python -m bench.pages --seconds 5      # quicker

A UK Parliament petition that peaked at 33 signatures a second had 80,000 to 100,000 people
watching its page at once. With gunicorn serving the app as in bench/signatures.py (same
settings, a fresh database) and wrk as the crowd (bench/page.lua counts the answers by status),
in one run it measures GETs per second of:
1. the ceiling: a Flask GET returning a small HTML page (bench/minimal_app.py), same gunicorn;
2. the public petition page for anonymous readers, its cache warm (core/page_cache.py);
3. the same page asked with a cookie, so never shared: every view queried and rendered, as
   every view was before the cache;
4. count.json;
5. a conditional reload of the page (If-None-Match, answered 304 with no body).
It prints each figure with its ratio to the bare GET and writes bench/results/pages.json.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from flask_migrate import upgrade

from bench.fanout import RESULTS, ROOT, base_settings, fresh_database, worker_env
from bench.signatures import Gunicorn, seed
from campaign import create_app
from campaign.config import Config

PAGE_TARGET = 0.5  # the page's GETs/s, at least half the bare GET's


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10, help="length of each run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--gunicorn-workers", type=int, default=8)
    parser.add_argument("--gunicorn-threads", type=int, default=1)
    parser.add_argument("--keep-database", action="store_true")
    return parser.parse_args(argv)


def run_wrk(url: str, seconds: int, connections: int, headers: dict | None = None, expect: int = 200) -> dict:
    """GETs of `url` for `seconds`: per second, only the answers with status `expect`."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command += ["-s", str(ROOT / "bench" / "page.lua"), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = dict(pair.split("=") for pair in re.search(r"RESULT (.*)", output).group(1).split())
    counts = {200: int(figures["ok"]), 304: int(figures["not_modified"])}
    answered = counts.pop(expect)
    return {
        "status": expect,
        "answered": answered,
        "other": sum(counts.values()) + int(figures["other"]),
        "per_second": round(answered / float(figures["seconds"]), 1),
        "p50_ms": float(figures["p50_ms"]),
        "p99_ms": float(figures["p99_ms"]),
    }


def etag_of(url: str) -> str:
    with urllib.request.urlopen(url) as response:  # noqa: S310 - our own server
        return response.headers["ETag"]


def main(argv=None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("bench/pages.py needs wrk: apt-get install wrk")
    logs = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    results: dict = {"settings": vars(args)}
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_database(args.keep_database))
        # As bench/signatures.py's main runs the app (no mail is sent here: the sink is not started).
        settings = base_settings(database_url, "smtp://127.0.0.1:9") | {
            "TRUSTED_HOSTS": "",
            "SESSION_COOKIE_SECURE": "0",
            "CAMPAIGN_ENV": "production",
        }
        app = create_app(Config, **{k: v for k, v in settings.items() if k != "CAMPAIGN_ENV"})
        stack.enter_context(app.app_context())
        upgrade()
        slug = seed(1)[0]
        env = worker_env(settings)

        def serve(module: str, log: str) -> Gunicorn:
            server = Gunicorn(module, env, args.gunicorn_workers, args.gunicorn_threads, logs / log)
            stack.callback(server.stop)
            return server

        def load(url: str, headers: dict | None = None, expect: int = 200) -> dict:
            return run_wrk(url, args.seconds, args.connections, headers, expect)

        minimal = serve("bench.minimal_app:app", "min.log")
        results["bare_get"] = load(f"{minimal.url}/page")
        minimal.stop()
        server = serve("app:app", "app.log")
        page = f"{server.url}/petitions/{slug}"
        # Warm-up, not counted: each gunicorn process loads its templates and fills its cache.
        run_wrk(page, 3, args.connections)
        results["page"] = load(page)
        results["page_not_shared"] = load(page, {"Cookie": "visited=1"})
        results["count_json"] = load(f"{page}/count.json")
        results["reload_304"] = load(page, {"If-None-Match": etag_of(page)}, expect=304)
    report(results)


ROWS = (
    ("bare_get", "bare Flask GET (bench/minimal_app.py)"),
    ("page", "petition page, anonymous, cache warm"),
    ("page_not_shared", "petition page with a cookie (rendered each time)"),
    ("count_json", "count.json"),
    ("reload_304", "page reloaded with If-None-Match"),
)


def report(results: dict) -> None:
    bare = results["bare_get"]["per_second"]
    width = max(len(label) for _, label in ROWS)
    print(f"\n  {'GET':<{width}}  {'per second':>12}  {'vs bare':>8}  {'p50 / p99 ms':>16}  answers")
    for name, label in ROWS:
        figure = results[name]
        figure["ratio_to_bare_get"] = round(figure["per_second"] / max(bare, 1), 3)
        note = f"{figure['answered']:,} x {figure['status']}"
        if figure["other"]:
            note += f", {figure['other']:,} OTHER"
        if name == "page":
            note += f" (target >= {PAGE_TARGET:.0%} of bare)"
        latency = f"{figure['p50_ms']} / {figure['p99_ms']}"
        print(
            f"  {label:<{width}}  {figure['per_second']:>10,.0f}/s  {figure['ratio_to_bare_get']:>8.0%}"
            f"  {latency:>16}  {note}"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(results, indent=2))
    print(f"\n  JSON: {RESULTS / 'pages.json'}")


if __name__ == "__main__":
    main()
