"""The tracker's services: counts, disagreement between coalitions, the timeline, the filters."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from campaign.policies import services, tracker
from tests.policies.tracker_world import build, record


@pytest.fixture
def world(db, make_user):
    return build(make_user)


def shown(coalition_id=None, today=None):
    return tracker.standings(tracker.visible(services.public_entries(coalition_id)), today)


def test_counts_cities_and_counties_that_limit_or_refuse(world):
    counts = tracker.counts(shown(world.coalition.id))
    # Clackamas refuses, Lehigh on conditions, Oakland (a city) refuses; Harris honors all; the
    # private Maricopa entry and the state law count for nothing here.
    assert counts.limiting == 4  # and Hennepin, in this coalition's own records
    assert counts.detainers == {"refuses": 3, "conditions": 1, "honors_all": 1}
    assert counts.agreements_287g == 1


def test_site_wide_a_place_whose_coalitions_disagree_is_neither_limiting_nor_repainted(world):
    found = shown()
    hennepin = next(s for s in found if s.jurisdiction.id == world.ids["hennepin"])
    assert hennepin.status == tracker.DIFFER
    assert sorted(claim.status for claim in hennepin.claims) == ["honors_all", "refuses"]
    counts = tracker.counts(found)
    assert counts.limiting == 3 and counts.detainers[tracker.DIFFER] == 1


def test_an_ended_policy_and_one_not_yet_in_effect_count_for_nothing(db, world):
    place = services.jurisdiction_for_fips("41051")
    record(world.coalition.id, place, "detainers", "refuses", date(2014, 1, 1), ended_on=date(2016, 1, 1))
    record(
        world.coalition.id, services.jurisdiction_for_fips("41067"), "detainers", "refuses", date(2099, 1, 1)
    )
    db.session.commit()
    assert tracker.counts(shown(world.coalition.id)).limiting == 4


@pytest.mark.parametrize(
    "query",
    [
        {"state": "OR\x00"},
        {"status": "detainers:nonsense"},
        {"type": "x" * 10_000},
        {"from": "2014-13-45"},
        {"to": "9" * 10_000},
        {"page": "-1"},
        {"state": "\ud800"},
    ],
)
def test_filters_ignore_values_that_are_not_choices(app, query):
    filters = tracker.read_filters(MultiDict(query))
    assert (filters.state, filters.status, filters.kind, filters.since, filters.until) == (None,) * 5
    assert filters.page == 1
    assert filters.ignored == [name for name in query if name != "page"]


def test_filters_keep_what_they_understand(world):
    filters = tracker.read_filters(
        MultiDict({"state": "OR", "status": "detainers:refuses", "from": "2014-01-01"})
    )
    rows = tracker.table_rows(shown(), filters)
    assert [row.jurisdiction.id for row in rows] == [world.ids["clackamas"]]
    assert filters.query() == {"state": "OR", "status": "detainers:refuses", "from": "2014-01-01"}
