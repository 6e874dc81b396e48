"""The host's report opens when the event starts; the host's roster is cards a phone can read."""

import re
from datetime import timedelta

import pytest

from campaign.actions import services
from campaign.core.outbox import utcnow
from tests.actions.test_pages import started
from tests.pages import hidden_inputs, text_of


@pytest.fixture
def hosted(plan_day, add_event, rsvp, host_link):
    day = plan_day()
    event = add_event(day)
    rsvp(day, event, phone="215-555-0101")
    rsvp(
        day, event, email="maria.jose@example.org", first_name="María José", last_name="Hernández Villanueva"
    )
    return day, event, host_link()


def test_the_report_says_when_it_opens_refuses_a_report_sent_before_and_takes_one_after_the_start(
    app, hosted, db, csrf_on
):
    day, event, link = hosted
    csrf_on()
    host = app.test_client()
    before = host.get(f"{link}/report")
    assert before.status_code == 200
    assert "The report opens when the event starts, 5/29/77, 6:00 PM (Eastern time)." in text_of(before)
    assert 'name="turnout"' not in before.get_data(as_text=True)

    sent_anyway = host.post(f"{link}/report", data={"turnout": "40", "report_notes": "Great"})
    assert sent_anyway.status_code == 409
    assert "Nothing was saved: the report opens when the event starts" in text_of(sent_anyway)
    db.session.refresh(event)
    assert event.turnout is None and event.reported_at is None
    with pytest.raises(services.ReportNotOpen):  # the rule itself, not only the page
        services.save_report(event, 40, "", "", utcnow())

    host.get("/language/es")
    assert "El informe se abre cuando empieza el evento" in text_of(host.get(f"{link}/report"))

    started(event)
    opened = host.get(f"{link}/report")
    assert 'name="turnout"' in opened.get_data(as_text=True)
    form = hidden_inputs(opened) | {"turnout": "40", "report_notes": "Great", "photos_url": ""}
    assert host.post(f"{link}/report", data=form).status_code == 302
    db.session.refresh(event)
    assert event.turnout == 40


@pytest.mark.parametrize(
    ("language", "kept"),
    [
        ("en", "What you wrote is still below: send it again once the event has started."),
        ("es", "Lo que escribiste sigue abajo: envíalo de nuevo cuando haya empezado el evento."),
    ],
)
def test_a_report_refused_because_the_start_moved_later_keeps_what_the_host_typed(
    app, hosted, db, language, kept
):
    """The host opened the report after the start; an organizer then moved the start later."""
    day, event, link = hosted
    host = app.test_client()
    host.get(f"/language/{language}")
    started(event)
    form = hidden_inputs(host.get(f"{link}/report"))
    event.starts_at = utcnow() + timedelta(hours=1)  # the organizer's correction
    db.session.commit()
    notes = "Forty people came, two reporters from WHYY"
    typed = {"turnout": "40", "report_notes": notes, "photos_url": "https://example.org/album"}
    refused = host.post(f"{link}/report", data=form | typed)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert kept in text_of(refused)
    assert re.search(r'<input[^>]*name="turnout"[^>]*value="40"', page)
    assert f"{notes}</textarea>" in page and 'value="https://example.org/album"' in page
    db.session.refresh(event)
    assert event.turnout is None and event.report_notes in (None, "")

    started(event)  # sent again once it has started, from the page as it came back
    again = host.post(f"{link}/report", data=hidden_inputs(refused) | typed)
    assert again.status_code == 302
    db.session.refresh(event)
    assert (event.turnout, event.report_notes) == (40, notes)


def test_the_hosts_roster_is_a_card_a_person_with_labelled_contacts_not_a_wide_table(hosted, visitor):
    day, event, link = hosted
    page = visitor.get(link).get_data(as_text=True)
    assert "<table" not in page
    cards = re.findall(r'<li class="card roster-card">(.*?)</li>', page, re.S)
    assert len(cards) == 2
    assert "<h3>Ana Reyes" in cards[0] and '<a href="tel:+12155550101">(215) 555-0101</a>' in cards[0]
    assert "<dt>Email</dt>" in cards[0] and "<dt>Phone</dt>" in cards[0]
    assert "María José Hernández Villanueva" in cards[1] and "<dt>Phone</dt>" not in cards[1]
    visitor.get("/language/es")
    spanish = visitor.get(link).get_data(as_text=True)
    assert "<dt>Correo electrónico</dt>" in spanish and "<dt>Llegada registrada</dt>" in spanish
