"""The tracker's ground: places from the shipped atlas, jurisdictions, history, what is current,
measure stages, and what the public may see."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from campaign.coalitions import services as coalitions
from campaign.coalitions.models import CoalitionRole
from campaign.policies import places, services
from campaign.policies.models import Jurisdiction, MeasureStage, PolicyKind, PolicyRevision

REFUSES = {"kind": PolicyKind.DETAINERS, "status": "refuses"}


def test_the_atlas_names_every_state_and_county(app):
    assert len(places.states()) == 51  # the states and DC
    assert len(places.counties()) == 3142
    assert places.counties()["06037"] == places.County("06037", "Los Angeles", "CA")


@pytest.mark.parametrize(
    ("typed", "state", "fips"),
    [
        ("Los Angeles County", "CA", ["06037"]),
        ("los angeles", "CA", ["06037"]),
        ("Doña Ana", "NM", ["35013"]),
        ("Dona Ana County", "NM", ["35013"]),
        ("Saint Louis city", "MO", ["29510"]),
        ("St. Louis County", "MO", ["29189"]),
        ("Richmond", "VA", ["51159", "51760"]),  # a county and an independent city: ask
        ("Richmond city", "VA", ["51760"]),
        ("Orleans Parish", "LA", ["22071"]),
        ("Carson City", "NV", ["32510"]),
        ("Los Angeles", "NY", []),
        ("Nowhere", "CA", []),
    ],
)
def test_a_typed_county_name_gives_its_candidates(app, typed, state, fips):
    assert [county.fips for county in places.counties_named(typed, state)] == fips


@pytest.mark.parametrize(
    ("zip_code", "fips"),
    [("94612", "06001"), ("19107", "42101"), ("90012", "06037"), ("97045", "41005"), ("23219", "51760"),
     ("55401", "27053"), ("18101", "42077"), ("92101", "06073"), ("00000", None), ("", None)],
)  # fmt: skip
def test_a_zip_code_lies_in_its_county(app, zip_code, fips):
    assert places.county_of_zip(zip_code) == fips
    if fips:
        assert zip_code in places.zips_in_county(fips)


def test_a_city_gives_its_zip_codes(app):
    oakland = places.zips_in_city("Oakland", "CA")
    assert "94612" in oakland and "94110" not in oakland
    assert places.zips_in_city("Oakland", "PA") != oakland


def test_jurisdictions_are_made_once_and_shared(db):
    county = services.jurisdiction_for_fips("06037")
    assert services.jurisdiction_for_fips("06037").id == county.id
    assert (county.kind, county.name, county.state) == ("county", "Los Angeles", "CA")
    state = services.jurisdiction_for_fips("06")
    assert (state.kind, state.name, state.state) == ("state", "California", "CA")
    with pytest.raises(services.UnknownPlace):
        services.jurisdiction_for_fips("06999")
    with pytest.raises(services.UnknownPlace):
        services.jurisdiction_for_fips("1'; DROP")


def test_a_city_typed_twice_is_one_city(db):
    first = services.city("Oakland", "06001")
    again = services.city("  OAKLAND ", "06001")
    assert again.id == first.id and first.state == "CA"
    assert services.city("Oakland", "06075").id != first.id  # another county, another city
    assert db.session.query(Jurisdiction).filter_by(kind="city").count() == 2


def test_a_known_city_is_spelled_as_the_zip_data_spells_it_whoever_typed_it_first(db):
    squatted = services.city("O.A.K.L.A.N.D", "06001")
    assert squatted.name == "Oakland"
    assert services.city("ＯＡＫＬＡＮＤ", "06001").id == squatted.id
    unknown = services.city("Ｎｅｗ  Hamlet", "06001")  # not in the ZIP data: its own words, NFKC
    assert unknown.name == "New Hamlet"


def test_labels_name_the_kind_of_place(app):
    with app.test_request_context():
        _labels_name_the_kind_of_place()
    with app.test_request_context(), force_locale("es"):
        place = Jurisdiction(kind="county", fips="06037", name="Los Angeles", state="CA")
        assert services.label(place) == "Condado de Los Angeles, CA"


def _labels_name_the_kind_of_place():
    assert services.label(Jurisdiction(kind="county", fips="06037", name="Los Angeles", state="CA")) == (
        "Los Angeles County, CA"
    )
    assert services.label(Jurisdiction(kind="county", fips="42101", name="Philadelphia", state="PA")) == (
        "Philadelphia (city and county), PA"
    )
    assert services.label(Jurisdiction(kind="county", fips="51760", name="Richmond", state="VA")) == (
        "Richmond (independent city), VA"
    )
    assert services.label(Jurisdiction(kind="city", name="Oakland", state="CA")) == "Oakland, CA"


@pytest.fixture
def county(db):
    return services.jurisdiction_for_fips("41005")  # Clackamas


def test_history_runs_by_the_date_things_happened(coalition, county):
    later = services.record_entry(coalition.id, county, None, REFUSES | {"effective_on": date(2014, 4, 16)})
    undated = services.record_entry(coalition.id, county, None, REFUSES)
    earlier = services.record_entry(
        coalition.id,
        county,
        None,
        {"kind": "detainers", "status": "honors_all", "adopted_on": date(2008, 1, 1)},
    )
    assert [entry.id for entry in services.history([undated, later, earlier])] == [
        earlier.id,
        later.id,
        undated.id,
    ]


def test_the_current_policy_is_the_latest_in_force(coalition, county):
    honored = services.record_entry(
        coalition.id,
        county,
        None,
        {"kind": "detainers", "status": "honors_all", "effective_on": date(2008, 1, 1)},
    )
    refused = services.record_entry(coalition.id, county, None, REFUSES | {"effective_on": date(2014, 4, 16)})
    coming = services.record_entry(
        coalition.id,
        county,
        None,
        {"kind": "detainers", "status": "honors_all", "effective_on": date(2031, 1, 1)},
    )
    agreement = services.record_entry(
        coalition.id, county, None,
        {"kind": "287g", "status": "jail", "adopted_on": date(2010, 1, 1), "ended_on": date(2012, 1, 1)},
    )  # fmt: skip
    current = services.current([honored, refused, coming, agreement], today=date(2026, 12, 5))
    assert current == {(county.id, "detainers"): refused}  # the agreement ended, the change is to come
    assert (
        services.current([honored, refused, coming], today=date(2031, 1, 2))[(county.id, "detainers")]
        == coming
    )


def test_a_status_must_be_of_its_kind_and_conditions_only_where_they_apply(coalition, county):
    with pytest.raises(services.NotAStatus):
        services.record_entry(coalition.id, county, None, {"kind": "detainers", "status": "jail"})
    entry = services.record_entry(coalition.id, county, None, REFUSES | {"conditions": 3})
    assert entry.conditions == 0  # refusing every hold has no conditions
    services.edit_entry(entry, None, {"status": "conditions", "conditions": 5})
    assert (entry.status, entry.conditions) == ("conditions", 5)
    with pytest.raises(services.NotAStatus):
        services.edit_entry(entry, None, {"kind": "287g"})  # "conditions" is no 287(g) status


def test_each_change_keeps_who_what_and_its_source(db, coalition, county):
    entry = services.record_entry(
        coalition.id,
        county,
        coalition_owner(db, coalition),
        REFUSES | {"source_url": "https://example.org/a"},
    )
    assert services.edit_entry(entry, None, {"status": "refuses"}) is None  # nothing changed
    services.edit_entry(
        entry, None, {"effective_on": date(2014, 4, 16), "summary_en": "The sheriff stopped."}
    )
    first, second = reversed(services.revisions_of(entry.id))
    assert first.changes["status"] == [None, "refuses"] and first.account_id == entry.recorded_by
    assert first.source_url == "https://example.org/a"
    assert second.changes == {
        "effective_on": [None, "2014-04-16"],
        "summary_en": ["", "The sheriff stopped."],
    }
    assert db.session.query(PolicyRevision).count() == 2


def coalition_owner(db, coalition) -> int:
    return db.session.scalar(select(CoalitionRole.user_id).where(CoalitionRole.coalition_id == coalition.id))


def test_measures_move_through_stages_and_back(coalition, county):
    measure = services.create_measure(
        coalition.id, county, None, {"title": "Detainer ordinance", "introduced_on": date(2026, 11, 1)}
    )
    for stage, day in [("committee", 5), ("hearing", 12), ("vote", 19), ("failed", 19)]:
        assert services.set_stage(measure, MeasureStage(stage), date(2026, 11, day), "", None)
    assert services.set_stage(measure, MeasureStage.FAILED, date(2026, 11, 20), "", None) is None
    services.set_stage(measure, MeasureStage.PASSED, date(2026, 11, 20), "The clerk misread the tally.", None)
    assert [step.stage for step in services.steps_of(measure.id)] == [
        "introduced", "committee", "hearing", "vote", "failed", "passed",
    ]  # fmt: skip
    assert not measure.is_open


def test_only_public_entries_of_sharing_coalitions_are_public(db, coalition, county, make_user):
    other = coalitions.create_coalition(make_user("b@example.org"), "Another coalition", "", "")
    mine = services.record_entry(coalition.id, county, None, REFUSES | {"public": True})
    services.record_entry(coalition.id, county, None, REFUSES)  # private until verified
    theirs = services.record_entry(other.id, county, None, REFUSES | {"public": True})
    db.session.flush()

    def public(coalition_id=None):
        return {entry.id for entry in db.session.scalars(services.public_entries(coalition_id))}

    assert public() == set()  # nobody shares yet
    services.set_tracker_shared(coalition.id, True)
    assert public() == {mine.id} == public(coalition.id)
    assert public(other.id) == set()
    services.set_tracker_shared(other.id, True)
    assert public() == {mine.id, theirs.id}
    services.set_tracker_shared(coalition.id, False)
    assert public() == {theirs.id}
