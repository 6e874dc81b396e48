"""Read benchmark: the crowd watching a petition going viral, over real HTTP.

    .venv/bin/python -m bench.pages                  # under two minutes (PostgreSQL up)
    .venv/bin/python -m bench.pages --rounds 1       # quicker

A UK Parliament petition that peaked at 33 signatures a second had 80,000 to 100,000 people
watching its page at once. With gunicorn serving the app as in bench/signatures.py (same
settings, a fresh database) and wrk as the crowd (bench/page.lua counts the answers by status),
in one run it measures GETs per second of:
1. the ceiling: a Flask GET returning a small HTML page (bench/minimal_app.py), same gunicorn;
   and the app's floor: the same page from a view added to the app (`app_floor`), which costs
   only what every request of the app costs in its hooks;
2. the public petition page for anonymous readers, its cache warm (core/page_cache.py);
3. the same page asked with a cookie, so never shared: every view queried and rendered, as
   every view was before the cache;
4. count.json;
5. a conditional reload of the page (If-None-Match, answered 304 with no body).
Both servers run side by side, and the five loads take turns for --rounds rounds; each figure
is its best round. It prints each with its ratio to the bare GET and writes
bench/results/pages.json (every round's figure too).
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
    parser.add_argument("--seconds", type=int, default=4, help="length of each load")
    parser.add_argument("--rounds", type=int, default=3, help="loads of each kind; the best is kept")
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


def app_floor():
    """The app (as `app.py` builds it, from the environment) with one more view, returning the
    bare GET's page: gunicorn builds it with `bench.pages:app_floor()` and serves the petition
    pages from it too."""
    from bench.minimal_app import PAGE

    app = create_app()
    app.add_url_rule("/_bench/floor", "bench_floor", lambda: PAGE)
    return app


SITE = "campaigndesk.example.org"


def etag_of(url: str) -> str:
    request = urllib.request.Request(url, headers={"Host": SITE})  # noqa: S310 - our own server
    with urllib.request.urlopen(request) as response:  # noqa: S310 - our own server
        if "public" not in response.headers["Cache-Control"]:
            sys.exit(f"{url} is not shared: the page figure would measure rendering")
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
            # Pages are shared only when asked on the site's own address (core/page_cache.py):
            # every load below names it, as a browser reaching the site through its proxy does.
            "PUBLIC_URL": f"http://{SITE}",
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

        minimal = serve("bench.minimal_app:app", "min.log")
        server = serve("bench.pages:app_floor()", "app.log")
        page = f"{server.url}/petitions/{slug}"
        # Warm-up, not counted: each gunicorn process loads its templates and fills its cache.
        run_wrk(page, 3, args.connections, {"Host": SITE})
        site = {"Host": SITE}
        loads = {
            "bare_get": (f"{minimal.url}/page", site, 200),
            "app_floor": (f"{server.url}/_bench/floor", site, 200),
            "page": (page, site, 200),
            "page_not_shared": (page, site | {"Cookie": "visited=1"}, 200),
            "count_json": (f"{page}/count.json", site, 200),
            "reload_304": (page, site | {"If-None-Match": etag_of(page)}, 304),
        }
        # Each figure in turn, round after round, and the best round of each kept: on a machine
        # others share, a run that landed on their busy seconds says nothing about this code.
        rounds = {name: [] for name in loads}
        for _ in range(args.rounds):
            for name, (url, headers, expect) in loads.items():
                rounds[name].append(run_wrk(url, args.seconds, args.connections, headers, expect))
        for name, measured in rounds.items():
            results[name] = max(measured, key=lambda figure: figure["per_second"]) | {
                "rounds_per_second": [figure["per_second"] for figure in measured]
            }
    report(results)


ROWS = (
    ("bare_get", "bare Flask GET (bench/minimal_app.py)"),
    ("app_floor", "the same page from a view of the app"),
    ("page", "petition page, anonymous, cache warm"),
    ("page_not_shared", "petition page with a cookie (rendered each time)"),
    ("count_json", "count.json"),
    ("reload_304", "page reloaded with If-None-Match"),
)


def report(results: dict) -> None:
    bare, floor = results["bare_get"]["per_second"], results["app_floor"]["per_second"]
    width = max(len(label) for _, label in ROWS)
    heads = f"{'per second':>12}  {'vs bare':>8}  {'vs floor':>8}  {'p50 / p99 ms':>16}"
    print(f"\n  {'GET':<{width}}  {heads}  answers")
    for name, label in ROWS:
        figure = results[name]
        figure["ratio_to_bare_get"] = round(figure["per_second"] / max(bare, 1), 3)
        figure["ratio_to_app_floor"] = round(figure["per_second"] / max(floor, 1), 3)
        note = f"{figure['answered']:,} x {figure['status']}"
        if figure["other"]:
            note += f", {figure['other']:,} OTHER"
        if name == "page":
            note += f" (target >= {PAGE_TARGET:.0%} of bare)"
        latency = f"{figure['p50_ms']} / {figure['p99_ms']}"
        print(
            f"  {label:<{width}}  {figure['per_second']:>10,.0f}/s  {figure['ratio_to_bare_get']:>8.0%}"
            f"  {figure['ratio_to_app_floor']:>8.0%}  {latency:>16}  {note}"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(results, indent=2))
    print(f"\n  JSON: {RESULTS / 'pages.json'}")


if __name__ == "__main__":
    main()
