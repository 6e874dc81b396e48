"""Bulk benchmark: the exact recount and the streamed CSV export of a petition of a million
confirmed signers, next to the ceiling: PostgreSQL writing the same rows with `\\copy`.

    .venv/bin/python -m bench.bulk --rows 1000000                  # fresh database, dropped after
    .venv/bin/python -m bench.bulk --rows 1000000 --keep-database  # kept: its name is printed
    .venv/bin/python -m bench.bulk --database campaign_bench_1a2b3c4d  # a kept one again, no build
    .venv/bin/python -m bench.bulk --database campaign_bench_1a2b3c4d --profile  # cProfile, 1 export

A petition of --rows confirmed signatures over 3,000 real ZIP codes, each signer a supporter
whose contact is encrypted as the app encrypts it (bench/people.py), all inserted in SQL (a
million take about a minute and a half here), then tallied and vacuumed. Then, --repeats times
in turn:
1. the exact recount (`petitions.tally.recount`), committed;
2. the ceiling: `psql -c "\\copy (<the export's query>) TO '/dev/null' WITH CSV"`, the same
   columns, joins and WHERE as the export (`petitions.exports.query`), encrypted bytes as stored;
3. the export as the download streams it (`csv_lines` over `petitions.exports.rows`), written
   nowhere; memory growth from the peak RSS (getrusage).
Rounds alternate the three, so a burst of other work on the machine weighs on both sides of
"export / copy", the figure that stays put from one machine (or minute) to the next. It prints
a table (min and median of each) and writes JSON to bench/results/bulk.json. bench/signatures.py
runs the same after its HTTP load.
"""

import argparse
import cProfile
import json
import pstats
import resource
import statistics
import subprocess
import time
from contextlib import ExitStack

import psycopg
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from bench.fanout import PG, REDIS_DB, RESULTS, base_settings, fresh_database, git_commit
from bench.people import insert_supporters
from campaign import create_app
from campaign.coalitions.models import Coalition
from campaign.config import Config
from campaign.core.exports import csv_lines
from campaign.extensions import db
from campaign.petitions import exports, services, tally
from campaign.petitions.models import Petition

ZIP_CODES = 3000
REPEATS = 3  # rounds: other work on this machine makes any one of them slow now and then


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="confirmed signers of the petition")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="rounds of recount, copy and export")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--database", help="a database an earlier run kept: timed again, not rebuilt")
    parser.add_argument("--profile", action="store_true", help="one export under cProfile, nothing timed")
    return parser.parse_args(argv)


def bulk_petition(rows: int) -> int:
    """A petition of a coalition of its own with `rows` confirmed signatures spread over 3,000
    real ZIP codes, each with a supporter whose contact is encrypted as the app encrypts it
    (bench/people.py), all inserted in SQL, so seeding a million rows takes a minute or two."""
    from campaign.core.places import all_places

    coalition = Coalition(slug="bench-bulk", name="Bench bulk")
    db.session.add(coalition)
    db.session.flush()
    petition = services.create_petition(coalition.id, None, {"title": "Bulk", "target": "x", "ask": "x"})
    db.session.commit()
    insert_supporters(coalition.id, rows)
    places = list(all_places().values())
    db.session.execute(
        text("CREATE TEMP TABLE bench_zips (n int, zip text, state text, county text, city text)")
    )
    db.session.execute(
        text("INSERT INTO bench_zips VALUES (:n, :zip, :state, :county, :city)"),
        [
            {"n": n, "zip": p.zip_code, "state": p.state, "county": p.county, "city": p.city}
            for n, p in enumerate(places[:: len(places) // ZIP_CODES][:ZIP_CODES])
        ],
    )
    signed = db.session.execute(
        text(
            """
            INSERT INTO petition_signature (petition_id, supporter_id, email_index, zip_code, us_state,
                county, city, show_name, source, state, counted, quarantine_reason, email_domain,
                language, repeat_emails, created_at, confirmed_at)
            SELECT :petition, s.id, s.email_index, z.zip, z.state, z.county, z.city, false, '', 'confirmed',
                   true, '', 'bench.example', 'en', 0, now(), now()
            FROM supporter s JOIN bench_zips z ON z.n = s.id % :zip_codes
            WHERE s.coalition_id = :coalition
            """
        ),
        {"petition": petition.id, "coalition": coalition.id, "zip_codes": ZIP_CODES},
    )
    petition.signature_count = signed.rowcount  # as the tally would have folded them: no drift
    db.session.execute(text("DROP TABLE bench_zips"))
    db.session.commit()
    tally.recount(petition.id)  # and their tallies, which a recount then finds right
    db.session.commit()
    # What autovacuum does to a table a million rows bigger within the minute: the statistics, the
    # rows' hint bits set and the visibility map written (else the first reads write the table).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE supporter, petition_signature"))
    return petition.id


def measure(petition_id: int, database_url: str, repeats: int) -> dict:
    """Recount, copy ceiling and export, `repeats` rounds in turn: {"recount", "export", "copy_ceiling"}."""
    recounts, copies, exported = [], [], []
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(repeats):
        recounts.append(time_recount(petition_id))
        copies.append(time_copy(petition_id, database_url))
        exported.append(time_export(petition_id))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return {
        "recount": _summary([seconds for seconds, _ in recounts]) | {"rows": recounts[0][1]},
        "copy_ceiling": _summary(copies) | {"how": "psql \\copy (...) TO '/dev/null' WITH CSV"},
        "export": _summary([seconds for seconds, _ in exported])
        | {"megabytes": exported[0][1], "memory_growth_mb": round(grown_mb, 1)},
    }


def _summary(runs: list[float]) -> dict:
    return {"min": min(runs), "median": round(statistics.median(runs), 3), "runs": runs}


def time_recount(petition_id: int) -> tuple[float, int]:
    """Seconds of `tally.recount`, committed; the count it stored."""
    started = time.perf_counter()
    tally.recount(petition_id)
    db.session.commit()
    seconds = time.perf_counter() - started
    return round(seconds, 3), db.session.get(Petition, petition_id).signature_count


def time_export(petition_id: int) -> tuple[float, float]:
    """Seconds of the CSV as the download streams it, written nowhere; its megabytes."""
    petition = db.session.get(Petition, petition_id)
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in csv_lines(exports.SHEET.columns, exports.rows(petition)))
    seconds = time.perf_counter() - started
    db.session.commit()
    return round(seconds, 3), round(size / 1e6, 1)


def time_copy(petition_id: int, database_url: str) -> float:
    """Seconds of psql's `\\copy` of the export's query to /dev/null: PostgreSQL reading, joining
    and writing the same rows as CSV (bytea as hex) with no Python in the way; psql's start
    (~20 ms) included."""
    sql = copy_query(db.session.get(Petition, petition_id))
    db.session.commit()
    started = time.perf_counter()
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", psql_url(database_url),
         "-c", f"\\copy ({sql}) TO '/dev/null' WITH CSV"],
        check=True,
    )  # fmt: skip
    return round(time.perf_counter() - started, 3)


def copy_query(petition: Petition) -> str:
    """The export's query as one line of SQL with its values written in (psql's \\copy takes one line)."""
    compiled = exports.query(petition).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    return " ".join(str(compiled).split())


def psql_url(database_url: str) -> str:
    return database_url.replace("postgresql+psycopg://", "postgresql://", 1)


def database_url_of(name: str) -> str:
    return f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def remember(petition_id: int, settings: dict) -> None:
    """What a kept database needs to be used again: its petition, and the keys that sealed its people."""
    db.session.execute(text("CREATE TABLE bench_bulk (petition_id int, data_keys text)"))
    db.session.execute(
        text("INSERT INTO bench_bulk VALUES (:petition, :keys)"),
        {"petition": petition_id, "keys": settings["DATA_KEYS"]},
    )
    db.session.commit()


def remembered(name: str) -> tuple[int, str]:
    """(petition id, DATA_KEYS) of a database an earlier run kept."""
    with psycopg.connect(**PG, dbname=name) as connection:
        return connection.execute("SELECT petition_id, data_keys FROM bench_bulk").fetchone()


def profile_export(petition_id: int) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(time_export, petition_id)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main(argv=None) -> None:
    args = parse_args(argv)
    results: dict = {"benchmark": "bulk", "commit": git_commit(), "settings": vars(args)}
    with ExitStack() as stack:
        if args.database:
            database_url = database_url_of(args.database)
            petition_id, data_keys = remembered(args.database)
        else:
            database_url = stack.enter_context(fresh_database(args.keep_database))
            petition_id, data_keys = None, None
        settings = base_settings(database_url, "smtp://127.0.0.1:1", REDIS_DB)  # no mail, no broker
        if data_keys:
            settings["DATA_KEYS"] = data_keys
        app = create_app(Config, **settings)
        stack.enter_context(app.app_context())
        if petition_id is None:
            upgrade()
            started = time.perf_counter()
            petition_id = bulk_petition(args.rows)
            results["build_seconds"] = round(time.perf_counter() - started, 1)
            remember(petition_id, settings)
        else:
            upgrade()  # a migration added since the database was kept (an index) applies to it
        if args.profile:
            profile_export(petition_id)
            return
        results |= measure(petition_id, database_url, args.repeats)
    report(results)


def report_rows(results: dict) -> list[tuple[str, str, str, str]]:
    """(figure, min / median, target, note) lines for the table; bench/signatures.py prints them too."""
    recount, export, copy = results["recount"], results["export"], results["copy_ceiling"]
    return [
        (f"recount of {recount['rows']:,} by state", _spread(recount), "<= 0.5 s", ""),
        (f"streamed CSV export ({export['megabytes']} MB)", _spread(export), "<= 10 s",
         f"+{export['memory_growth_mb']} MB (< 100 MB)"),
        ("ceiling: psql \\copy of the same rows", _spread(copy), "", ""),
        ("export / copy", f"{export['min'] / copy['min']:.1f} / {export['median'] / copy['median']:.1f}",
         "", "of the mins / of the medians"),
    ]  # fmt: skip


def _spread(figure: dict) -> str:
    return f"{figure['min']} / {figure['median']} s"


def report(results: dict) -> None:
    rows = [("figure", "min / median", "target", ""), *report_rows(results)]
    width = max(len(row[0]) for row in rows)
    print()
    for name, value, target, note in rows:
        print(f"  {name:<{width}}  {value:>18}  {target:>10}  {note}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bulk.json").write_text(json.dumps(results, indent=2))
    print(f"\n  JSON: {RESULTS / 'bulk.json'}")


if __name__ == "__main__":
    main()
