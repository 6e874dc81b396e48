"""The tracker's chart: places limiting detainers at each year's end, in one pass over the history."""

import random
from datetime import date, timedelta

import pytest

from campaign.policies import services, timeline, tracker
from campaign.policies.models import Jurisdiction, JurisdictionKind, PolicyEntry
from tests.policies.tracker_world import build

TODAY = date(2026, 6, 1)


@pytest.fixture
def world(db, make_user):
    return build(make_user)


def test_the_timeline_counts_places_limiting_at_the_end_of_each_year(world):
    entries = tracker.visible(services.public_entries(world.coalition.id))
    series = dict(timeline.limiting_by_year(entries, today=date(2016, 6, 1)))
    assert series == {2012: 0, 2013: 1, 2014: 3, 2015: 4, 2016: 4}
    bars = timeline.chart_bars(list(series.items()))
    assert [bar.year for bar in bars] == [2012, 2013, 2014, 2015, 2016]
    assert bars[0].height == 0 and bars[-1].y < bars[1].y


def standings_each_year(entries, today):
    """The timeline as first defined: every place's standing worked out again at each year's end."""
    years = [e.dated.year for e in entries if e.kind == "detainers" and e.dated and e.dated <= today]
    if not years:
        return []
    return [
        (year, tracker.counts(tracker.standings(entries, min(date(year, 12, 31), today))).limiting)
        for year in range(min(years), today.year + 1)
    ]


def random_history(seed: int, size: int) -> list[PolicyEntry]:
    """Entries of three coalitions on a dozen places, unsaved: dates shared, missing, ended before
    or after they began, set in the future; several kinds and statuses."""
    chance = random.Random(seed)
    kinds = [JurisdictionKind.COUNTY] * 6 + [JurisdictionKind.CITY] * 4 + [JurisdictionKind.STATE] * 2
    places = [
        Jurisdiction(id=number, kind=kind, name=f"Place {number}", state="OR", fips=f"{41000 + number}")
        for number, kind in enumerate(kinds, start=1)
    ]
    days = [date(1990, 1, 1) + timedelta(days=chance.randrange(0, 40 * 365)) for _ in range(40)]
    entries = []
    for number in range(1, size + 1):
        place = chance.choice(places)
        kind = chance.choice(["detainers"] * 4 + ["287g"])
        status = chance.choice(["refuses", "conditions", "honors_all"] if kind == "detainers" else ["jail"])
        dated = chance.choice(days) if chance.random() < 0.9 else None
        ended = chance.choice(days) if chance.random() < 0.3 else None
        entries.append(
            PolicyEntry(
                id=number, coalition_id=chance.randint(1, 3), jurisdiction_id=place.id, jurisdiction=place,
                kind=kind, status=status, conditions=0, ended_on=ended,
                **{chance.choice(["effective_on", "adopted_on"]): dated},
            )
        )  # fmt: skip
    return entries


@pytest.mark.parametrize("seed", range(8))
def test_one_pass_over_the_history_counts_as_working_each_year_out_again(app, seed):
    entries = random_history(seed, 300)
    assert timeline.limiting_by_year(entries, TODAY) == standings_each_year(entries, TODAY)


def test_a_history_without_dated_detainer_entries_has_no_timeline(app):
    undated = [entry for entry in random_history(1, 50) if entry.dated is None]
    assert timeline.limiting_by_year(undated, TODAY) == []
