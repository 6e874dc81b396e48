"""Measures: their stages and history, their time zone, the next hearing across DST, one per form."""

from datetime import date, datetime

from flask_babel import force_locale

from campaign.core import zones
from campaign.policies import measures, services
from campaign.policies.models import Measure, MeasureStage
from tests.policies.conftest import MEASURE


def test_a_measure_takes_its_jurisdictions_time_zone(add_measure):
    assert add_measure("06001").time_zone == "America/Los_Angeles"  # Alameda County
    assert add_measure("42101").time_zone == "America/New_York"  # Philadelphia
    assert add_measure("17031").time_zone == "America/Chicago"  # Cook County
    assert add_measure("06001", city="Oakland").time_zone == "America/Los_Angeles"
    assert add_measure("04").time_zone == "America/Phoenix"  # Arizona, the state


def test_the_history_is_in_date_order_and_every_move_is_a_step(db, add_measure):
    measure = add_measure()
    services.set_stage(measure, MeasureStage.HEARING, date(2026, 11, 20), "", None)
    services.set_stage(measure, MeasureStage.COMMITTEE, date(2026, 11, 10), "Sent to Public Safety", None)
    steps = services.steps_of(measure.id)
    assert [(step.stage, step.reached_on) for step in steps] == [
        ("introduced", date(2026, 11, 3)),
        ("committee", date(2026, 11, 10)),
        ("hearing", date(2026, 11, 20)),
    ]
    assert measure.stage == "committee"  # the last move, not the latest date


def test_a_wrong_failed_is_undone_by_moving_again_and_stays_in_the_history(db, add_measure):
    measure = add_measure()
    measure.next_hearing_at = datetime(2030, 1, 1, 2)
    services.set_stage(measure, MeasureStage.FAILED, date(2026, 11, 20), "", None)
    assert not measure.is_open and measure.next_hearing_at is None
    services.set_stage(measure, MeasureStage.VOTE, date(2026, 11, 20), "Clicked failed by mistake", None)
    assert measure.is_open
    assert [step.stage for step in services.steps_of(measure.id)] == ["introduced", "failed", "vote"]


def test_the_same_stage_twice_is_nothing(db, add_measure):
    measure = add_measure()
    assert services.set_stage(measure, MeasureStage.INTRODUCED, date(2026, 11, 5), "", None) is None
    assert len(services.steps_of(measure.id)) == 1


def test_a_hearing_is_kept_in_utc_from_the_jurisdictions_wall_clock_across_dst(app, db, add_measure):
    oakland, philadelphia = add_measure("06001"), add_measure("42101")
    measures.set_hearing(oakland, datetime(2027, 3, 9, 18, 0), "City Hall")  # PST, before March 14
    assert oakland.next_hearing_at == datetime(2027, 3, 10, 2, 0)
    measures.set_hearing(oakland, datetime(2027, 3, 16, 18, 0), "City Hall")  # PDT after
    assert oakland.next_hearing_at == datetime(2027, 3, 17, 1, 0)
    assert zones.to_local(oakland.next_hearing_at, oakland.time_zone) == datetime(2027, 3, 16, 18, 0)
    measures.set_hearing(philadelphia, datetime(2027, 11, 9, 10, 0), "Room 400")  # EST after Nov 7
    assert philadelphia.next_hearing_at == datetime(2027, 11, 9, 15, 0)
    with force_locale("en"):
        shown = zones.moment_in_zone(oakland.next_hearing_at, oakland.time_zone)
    assert shown == "Tuesday, March 16, 2027, 6:00\u202fPM PDT"
    with force_locale("es"):
        shown = zones.moment_in_zone(oakland.next_hearing_at, oakland.time_zone)
    assert shown.startswith("martes, 16 de marzo de 2027, 18:00") and "Pacífico" in shown


def test_the_form_sent_twice_adds_one_measure(db, coalition):
    place = services.jurisdiction_for_fips("06001")
    first = measures.add_measure(coalition.id, place, None, MEASURE, "k" * 22)
    again = measures.add_measure(coalition.id, place, None, MEASURE, "k" * 22)
    assert again.id == first.id
    assert db.session.query(Measure).count() == 1


def test_open_measures_come_first_soonest_hearing_first(db, coalition, add_measure):
    later, sooner, decided, none = (
        add_measure(title=title) for title in ("Later", "Sooner", "Decided", "None")
    )
    later.next_hearing_at, sooner.next_hearing_at = datetime(2031, 1, 1), datetime(2030, 1, 1)
    services.set_stage(decided, MeasureStage.PASSED, date(2026, 11, 20), "", None)
    assert [m.title for m in measures.measures_of(coalition.id)] == ["Sooner", "Later", "None", "Decided"]


def test_deleting_a_measure_deletes_its_history_and_no_other(db, add_measure):
    kept, gone = add_measure(title="Kept"), add_measure(title="Gone")
    services.set_stage(gone, MeasureStage.COMMITTEE, date(2026, 11, 20), "", None)
    measures.delete_measure(gone)
    assert db.session.query(Measure).all() == [kept]
    assert len(services.steps_of(kept.id)) == 1 and services.steps_of(gone.id) == []
