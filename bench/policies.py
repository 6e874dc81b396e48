"""Public tracker benchmark: how long GET /policies and its map take with a long imported history.

    .venv/bin/python -m bench.policies
    .venv/bin/python -m bench.policies --places 2500 --per-place 2 --repeat 5

One coalition shares --places counties, each with --per-place detainer entries dated from 1900
(as an import of an old list makes them): the page works out the standings, the counts, the
table and the timeline of every year since the first entry. SQLite, as the dev server and the
fast tests; no other service. Best of --repeat requests of each page; prints a table and writes
JSON to bench/results/policies.json.
"""

import argparse
import json
import time
from datetime import date
from pathlib import Path

from campaign import create_app
from campaign.accounts.models import User
from campaign.accounts.services import hash_password
from campaign.coalitions.services import create_coalition
from campaign.config import TestConfig
from campaign.extensions import db
from campaign.policies import places, services
from campaign.policies.models import PolicyEntry

RESULTS = Path(__file__).resolve().parent / "results"
PAGES = ("/policies", "/policies/map.json", "/policies.csv")


def history(places_count: int, per_place: int) -> int:
    """The coalition and its public entries; how many entries."""
    owner = User(email="bench@example.org", name="Bench", password_hash=hash_password("bench"), locale="en")
    db.session.add(owner)
    coalition = create_coalition(owner, "Bench coalition", "", "")
    services.set_tracker_shared(coalition.id, True)
    made = 0
    for number, fips in enumerate(sorted(places.counties())[:places_count]):
        place = services.jurisdiction_for_fips(fips)
        for step in range(per_place):
            db.session.add(
                PolicyEntry(
                    coalition_id=coalition.id, jurisdiction_id=place.id, kind="detainers",
                    status=("refuses", "honors_all")[step % 2], public=True,
                    effective_on=date(1900 + number % 100 + step, 1, 1),
                )
            )  # fmt: skip
            made += 1
    db.session.commit()
    return made


def best_of(client, path: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        assert client.get(path).status_code == 200, path
        best = min(best, time.perf_counter() - started)
    return best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--places", type=int, default=2500)
    parser.add_argument("--per-place", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    app = create_app(TestConfig)
    with app.app_context():
        db.create_all()
        entries = history(args.places, args.per_place)
        client = app.test_client()
        rows = [
            {"page": path, "entries": entries, "seconds": round(best_of(client, path, args.repeat), 3)}
            for path in PAGES
        ]
    print(f"{'page':22} {'entries':>8} {'seconds':>8}")
    for row in rows:
        print(f"{row['page']:22} {row['entries']:>8,} {row['seconds']:>8.3f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "policies.json").write_text(json.dumps({"settings": vars(args), "rows": rows}, indent=2))
    print(f"JSON: {RESULTS / 'policies.json'}")


if __name__ == "__main__":
    main()
