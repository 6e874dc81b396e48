"""Public listings: events nearest a ZIP code, and the figures after the day."""

from datetime import datetime

from campaign.actions import listing, rsvps, services
from campaign.actions.models import EventKind
from tests.actions.conftest import row, rsvp_as


def test_events_are_listed_nearest_first_from_the_zip_code(make_event):
    los_angeles = make_event(zip_code="90012")
    chicago = make_event(zip_code="60601")
    new_york = make_event(zip_code="10001")
    philadelphia = make_event(zip_code="19147")
    nearest = listing.nearest([los_angeles, chicago, new_york, philadelphia], "19104")
    assert [event for event, _ in nearest] == [philadelphia, new_york, chicago, los_angeles]
    miles = [distance for _, distance in nearest]
    assert miles[0] < 5 and 70 < miles[1] < 100 and miles[3] > 2000


def test_virtual_events_come_after_the_ones_in_person(make_event):
    online = make_event(zip_code="19104", kind=EventKind.VIRTUAL)
    far = make_event(zip_code="90012")
    assert [event for event, _ in listing.nearest([online, far], "19104")] == [far, online]


def test_an_unknown_zip_code_finds_nothing(make_event):
    assert listing.nearest([make_event()], "00000") == []


def test_the_summary_counts_events_rsvps_and_attendance_per_city_leaving_out_cancelled_events(make_event):
    reported = make_event(zip_code="19104", capacity=2)
    checked = make_event(zip_code="19147")
    los_angeles = make_event(zip_code="90012")
    cancelled = make_event(zip_code="19104")
    for number in range(3):  # two going, one waiting
        rsvp_as(reported, f"r{number}@example.org")
    for number in range(3):
        outcome = rsvp_as(checked, f"c{number}@example.org")
        if number < 2:
            rsvps.check_in(row(outcome), datetime(2027, 5, 29, 14, 5))
    rsvp_as(los_angeles, "la@example.org")
    rsvp_as(cancelled, "x@example.org")
    services.cancel(cancelled)
    services.save_report(reported, 40, "Walk-ins came.", "", reported.ends_at)  # over check-ins

    summary = listing.summarize([reported, checked, los_angeles, cancelled])

    figures = {line.city: (line.events, line.rsvps, line.attended, line.reported) for line in summary.cities}
    assert figures == {"Los Angeles, CA": (1, 1, 0, 0), "Philadelphia, PA": (2, 5, 42, 1)}
    total = summary.total
    assert (total.events, total.rsvps, total.attended, total.reported) == (3, 6, 42, 1)
    assert [(event, going, waiting, came) for event, going, waiting, came in summary.rows] == [
        (reported, 2, 1, 40),
        (checked, 3, 0, 2),
        (los_angeles, 1, 0, 0),
    ]
