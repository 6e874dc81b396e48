"""Hostile input on a day of action: the proposal form, and titles saved over two lines."""

from html import unescape

import pytest
from icalendar import Calendar
from sqlalchemy import select

from campaign.actions import services
from campaign.actions.models import Event, EventState, Rsvp
from campaign.core.outbox import FAILED, OutboxEntry, dispatch_committed
from campaign.notifications.models import Delivery, DeliveryState
from campaign.supporters.models import Supporter
from tests.actions.conftest import rsvp_as
from tests.actions.forms import proposal_form, rsvp_form
from tests.pages import text_of

PROPOSAL_TEXT_FIELDS = [
    "title",
    "description",
    "title_es",
    "description_es",
    "venue",
    "address",
    "accessibility",
    "safety_notes",
    "group_name",
    "first_name",
]


@pytest.mark.parametrize("field", PROPOSAL_TEXT_FIELDS)
def test_a_nul_in_any_field_of_a_proposal_is_refused_and_everything_typed_kept(plan_day, visitor, db, field):
    day = plan_day()
    response = visitor.post(
        f"/actions/{day.slug}/propose", data=proposal_form(**{field: "Vecinos\x00 Unidos"})
    )
    assert response.status_code == 400
    assert "This field had invisible control characters" in text_of(response)
    page = unescape(response.get_data(as_text=True))
    typed = {name: proposal_form()[name] for name in PROPOSAL_TEXT_FIELDS if proposal_form()[name]}
    for value in (typed | {field: "Vecinos Unidos"}).values():
        assert value in page
    assert db.session.query(Event).count() == 0


def test_a_proposal_titled_over_two_lines_is_refused_in_spanish_too(plan_day, visitor, db):
    day = plan_day()
    visitor.get("/language/es")
    response = visitor.post(f"/actions/{day.slug}/propose", data=proposal_form(title="line1\nline2"))
    assert response.status_code == 400
    assert "Este campo admite una sola línea" in text_of(response)
    assert 'value="line1 line2"' in response.get_data(as_text=True)
    assert db.session.query(Event).count() == 0


def test_a_proposal_and_an_rsvp_with_a_zip_plus_four_keep_the_zip(plan_day, visitor, client, coalition, db):
    day = plan_day()
    assert (
        visitor.post(f"/actions/{day.slug}/propose", data=proposal_form(zip_code="19104-3000")).status_code
        == 302
    )
    event = db.session.scalar(select(Event))
    assert event.zip_code == "19104"
    services.approve(event)
    db.session.commit()
    rsvp = visitor.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp_form(zip_code="19104-3000"))
    assert rsvp.status_code == 302
    assert db.session.get(Supporter, db.session.scalar(select(Rsvp.supporter_id))).zip_code == "19104"


def test_a_title_saved_over_two_lines_still_gives_its_calendars_and_emails(
    day, make_event, client, mailbox, db
):
    """As saved before the forms refused line breaks in one-line fields."""
    day.title = "Families Belong\nTogether"
    event = make_event(title="line1\nline2", state=EventState.PROPOSED)
    services.approve(event)
    db.session.commit()
    dispatch_committed()
    assert [m["Subject"] for m in mailbox.to("host@example.org")] == ["Your host tools: line1 line2"]

    for url in (f"/actions/{day.slug}/calendar.ics", f"/actions/{day.slug}/events/{event.id}/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        calendar = Calendar.from_ical(response.data)
        assert [str(entry["summary"]) for entry in calendar.walk("VEVENT")] == ["line1\nline2"]

    rsvp_as(event, "ana@example.org")
    db.session.commit()
    dispatch_committed()
    assert db.session.scalars(select(Delivery.state)).all() == [DeliveryState.SENT]
    [confirmation] = mailbox.to("ana@example.org")
    [attached] = [part for part in confirmation.iter_attachments() if part.get_filename() == "event.ics"]
    assert "line1 line2" in str(Calendar.from_ical(attached.get_content())["x-wr-calname"])
    assert db.session.query(OutboxEntry).filter_by(state=FAILED).count() == 0
