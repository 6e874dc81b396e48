"""The coalition's list of days of action shows each day's events, proposals waiting and RSVPs."""

from campaign.actions import services
from campaign.actions.models import EventState
from tests.actions.conftest import DAY_FIELDS, rsvp_as
from tests.pages import statements_of, table_row, text_of


def test_a_day_shows_its_events_the_proposals_waiting_and_who_is_going(
    client, coalition, day, make_event, db
):
    rally, vigil = make_event(), make_event(zip_code="90012")
    make_event(zip_code="10001", state=EventState.PROPOSED)
    make_event(zip_code="60601", state=EventState.DECLINED)
    rsvp_as(rally, "ana@example.org")
    rsvp_as(rally, "luis@example.org")
    rsvp_as(vigil, "rosa@example.org")
    rsvp_as(vigil, "gone@example.org")
    db.session.commit()

    page = client.get(f"/coalitions/{coalition.slug}/actions")
    assert table_row(page, day.title)[-2:] == ["2 1 proposal waiting", "4"]


def test_the_people_going_leave_out_those_of_a_cancelled_event(client, coalition, day, make_event, db):
    """The day's own page says who is going to the events still held: the list says the same."""
    kept, called_off = make_event(), make_event(zip_code="19147")
    rsvp_as(kept, "ana@example.org")
    rsvp_as(called_off, "rosa@example.org")
    rsvp_as(called_off, "lupe@example.org")
    services.cancel(called_off)
    db.session.commit()

    page = client.get(f"/coalitions/{coalition.slug}/actions")
    assert table_row(page, day.title)[-1] == "1"


def test_spanish_names_the_proposals_in_spanish(client, coalition, day, make_event, db):
    make_event(state=EventState.PROPOSED)
    make_event(zip_code="90012", state=EventState.PROPOSED)
    db.session.commit()
    client.get("/language/es")
    assert "2 propuestas en espera" in text_of(client.get(f"/coalitions/{coalition.slug}/actions"))


def test_the_list_reads_as_many_times_for_several_days_as_for_one(client, coalition, day, make_event, db):
    rsvp_as(make_event(), "ana@example.org")
    db.session.commit()
    statements_of(client, f"/coalitions/{coalition.slug}/actions")
    one = statements_of(client, f"/coalitions/{coalition.slug}/actions")
    for number in range(3):
        services.create_day(coalition.id, day.created_by_id, DAY_FIELDS | {"title": f"Day {number}"})
        db.session.commit()
    statements_of(client, f"/coalitions/{coalition.slug}/actions")
    assert statements_of(client, f"/coalitions/{coalition.slug}/actions") == one
