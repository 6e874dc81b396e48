"""Days of action through their pages: organizers plan, hosts run their event, supporters RSVP.

Everything here goes through the test client, as a person would: the organizer's pages under
/coalitions/<slug>/actions, the public pages under /actions/<slug>, and the host tools opened by
the host link from the email. A private address is checked in the raw bytes of every public
response, not only in the text a reader sees.
"""

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from campaign.actions import notices
from campaign.actions.models import EVENT_STATE_LABELS, DayOfAction, Event, EventState, Rsvp, RsvpState
from campaign.coalitions import services as coalitions
from campaign.coalitions.models import Role
from campaign.core.outbox import utcnow
from campaign.extensions import db as _db
from campaign.supporters.tokens import serializer
from tests.actions.forms import (
    PRIVATE_ADDRESS,
    SECRET,
    TITLE,
    VENUE,
    day_form,
    event_form,
    proposal_form,
    rsvp_form,
)
from tests.pages import hidden_inputs, post_without_cookies, text_of


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def unfold(calendar_text: str) -> str:
    """iCalendar folds long lines (CRLF and a space); join them back before searching."""
    return re.sub(r"\r?\n[ \t]", "", calendar_text)


def raw(response) -> str:
    return unfold(response.get_data(as_text=True))


def everything_in(message) -> str:
    """Every decoded part of an email, attachments (the .ics) included."""
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content = part.get_content()
        parts.append(content.decode("utf-8", "replace") if isinstance(content, bytes) else content)
    return unfold("\n".join(parts))


def attachment_names(message) -> list[str]:
    return [part.get_filename() for part in message.iter_attachments()]


def day_events(day) -> list[Event]:
    return list(_db.session.scalars(select(Event).where(Event.day_id == day.id)))


def subjects(mailbox, address) -> list[str]:
    return [str(message["Subject"]) for message in mailbox.to(address)]


def started(event, ago=timedelta(minutes=5)) -> None:
    """The event has started (the pages run on the real clock: its day is far ahead)."""
    event.starts_at = utcnow() - ago
    _db.session.commit()


def doors_open(event) -> None:
    """The event starts in an hour: its doors are open to walk-ins (DOORS_OPEN_BEFORE)."""
    started(event, ago=-timedelta(hours=1))


def admin_url(coalition, day, event=None, action="") -> str:
    url = f"/coalitions/{coalition.slug}/actions/{day.id}"
    if event is not None:
        url += f"/events/{event.id}"
    return f"{url}/{action}" if action else url


# 1. The organizer's flow, to the public page.


@pytest.mark.usefixtures("requests_start_afresh")  # the visitor is not the organizer: drafts are previews
def test_an_organizer_plans_a_day_adds_events_publishes_and_the_public_sees_them_by_state_and_city(
    client, coalition, db, visitor
):
    response = client.post(f"/coalitions/{coalition.slug}/actions/new", data=day_form())
    day = db.session.scalar(select(DayOfAction))
    assert response.location == f"/coalitions/{coalition.slug}/actions/{day.id}"
    page = text_of(client.get(response.location))
    assert "Families Belong Together day of action Draft" in page
    assert "Saturday, May 29, 2077" in page
    assert visitor.get(f"/actions/{day.slug}").status_code == 404  # a draft is the team's alone

    for form in (
        event_form(),
        event_form(title="Rally at City Hall", zip_code="19147", address="1400 John F Kennedy Blvd"),
        event_form(title="Chicago teach-in", kind="training", zip_code="60601", address="50 W Washington"),
    ):
        added = client.post(f"/coalitions/{coalition.slug}/actions/{day.id}/events/new", data=form)
        assert added.status_code == 302
        assert "Event added." in text_of(client.get(added.location))
    client.post(f"/coalitions/{coalition.slug}/actions/{day.id}/publish")

    organizer_page = text_of(client.get(f"/coalitions/{coalition.slug}/actions/{day.id}"))
    assert "Published: the day of action's page is public." in organizer_page
    assert "3 events 2 cities 0 people going" in organizer_page
    public = text_of(visitor.get(f"/actions/{day.slug}"))
    assert "A day of action from Philadelphia Family Unity Network" in public
    assert "3 events 2 cities" in public
    assert "Illinois: 1 event" in public and "Pennsylvania: 2 events" in public  # the map
    listing = public[public.index("All events") :]
    assert re.search(
        r"Illinois Chicago Chicago teach-in .* Pennsylvania Philadelphia "
        rf"{TITLE} .* Rally at City Hall .*",
        listing,
    ), listing
    assert "Hosted by Philadelphia Family Unity Network" in listing


def test_the_days_list_shows_each_day_with_its_state(client, coalition, plan_day):
    plan_day(title="May Day for immigrant workers", starts_on="2077-05-01")
    plan_day(publish=False, title="Shut down 287(g)", starts_on="2077-09-18", ends_on="2077-09-19")
    page = text_of(client.get(f"/coalitions/{coalition.slug}/actions"))
    assert re.search(r"Shut down 287\(g\) Sep\w* 18 – 19, 2077 Draft", page), page
    assert "May Day for immigrant workers Saturday, May 1, 2077 Published" in page


def test_the_public_page_and_the_event_follow_the_visitors_chosen_language(plan_day, add_event, visitor):
    day = plan_day(title_es="Día de acción: las familias se quedan juntas")
    event = add_event(day, title_es="Vigilia por las familias")
    english = visitor.get(f"/actions/{day.slug}").get_data(as_text=True)
    assert '<html lang="en">' in english and "Families Belong Together day of action" in english

    assert visitor.get("/language/es").status_code == 302
    spanish = visitor.get(f"/actions/{day.slug}")
    assert spanish.status_code == 200
    assert '<html lang="es">' in spanish.get_data(as_text=True)
    assert "Día de acción: las familias se quedan juntas" in text_of(spanish)
    event_page = visitor.get(f"/actions/{day.slug}/events/{event.id}")
    assert event_page.status_code == 200 and "Vigilia por las familias" in text_of(event_page)


# 2. A private address reaches only the people holding a place.


def test_a_private_address_is_in_no_public_page_search_result_or_calendar(app, plan_day, add_event, rsvp):
    day = plan_day()
    event = add_event(day, capacity="1")
    going = rsvp(day, event)
    waitlisted = rsvp(day, event, email="luis@example.org", first_name="Luis")
    stranger = app.test_client()
    public = {
        "the day's page": stranger.get(f"/actions/{day.slug}"),
        "the ZIP search": stranger.get(f"/actions/{day.slug}?zip=19104"),
        "the event's page": stranger.get(f"/actions/{day.slug}/events/{event.id}"),
        "the day's calendar": stranger.get(f"/actions/{day.slug}/calendar.ics"),
        "the event's calendar": stranger.get(f"/actions/{day.slug}/events/{event.id}/calendar.ics"),
        "the thank-you page": going,
        "the waitlist's thank-you page": waitlisted,
    }
    for name, response in public.items():
        assert response.status_code == 200, name
        assert SECRET not in raw(response), f"the private address leaks in {name}"
        assert VENUE in raw(response) or "Philadelphia" in raw(response), name  # the page is real
    assert "The exact address is emailed to people with a place" in text_of(public["the event's page"])
    assert "0 miles away" in text_of(public["the ZIP search"])
    assert public["the day's calendar"].mimetype == "text/calendar"
    assert f"SUMMARY:{TITLE}" in raw(public["the day's calendar"])


def test_a_public_address_is_shown_on_the_page_and_in_the_calendar(plan_day, add_event, visitor):
    day = plan_day()
    event = add_event(day, address_public="public")
    assert PRIVATE_ADDRESS in text_of(visitor.get(f"/actions/{day.slug}/events/{event.id}"))
    assert SECRET in raw(visitor.get(f"/actions/{day.slug}/events/{event.id}/calendar.ics"))
    assert SECRET in raw(visitor.get(f"/actions/{day.slug}/calendar.ics"))


def test_the_private_address_is_emailed_to_the_person_with_a_place_and_to_the_waitlisted_once_promoted(
    plan_day, add_event, rsvp, visitor, mailbox
):
    day = plan_day()
    event = add_event(day, capacity="1")
    rsvp(day, event, email="ana@example.org")
    rsvp(day, event, email="luis@example.org", first_name="Luis")

    (confirmation,) = mailbox.to("ana@example.org")
    assert confirmation["Subject"] == f"Your RSVP: {TITLE}"
    assert PRIVATE_ADDRESS in confirmation.get_body(preferencelist=("plain",)).get_content()
    assert PRIVATE_ADDRESS in confirmation.get_body(preferencelist=("html",)).get_content()
    assert "event.ics" in attachment_names(confirmation)
    assert SECRET in everything_in(confirmation)  # the calendar file carries it too

    (waiting,) = mailbox.to("luis@example.org")
    assert waiting["Subject"] == f"You are on the waitlist: {TITLE}"
    assert SECRET not in everything_in(waiting)
    assert attachment_names(waiting) == []
    assert "The exact address is emailed to you if a place frees up." in everything_in(waiting)
    page_of_the_waitlisted = visitor.get(mailbox.last_link("luis@example.org", "/actions/rsvp/"))
    assert SECRET not in raw(page_of_the_waitlisted)

    visitor.post(mailbox.last_link("ana@example.org", "/actions/rsvp/"))
    promoted = mailbox.to("luis@example.org")[-1]
    assert promoted["Subject"] == f"A place for you: {TITLE}"
    assert PRIVATE_ADDRESS in promoted.get_body(preferencelist=("plain",)).get_content()
    assert "event.ics" in attachment_names(promoted)
    assert PRIVATE_ADDRESS in text_of(visitor.get(mailbox.last_link("luis@example.org", "/actions/rsvp/")))


# 3. Bad input: answered, kept in the form, nothing saved.

BAD_EVENTS = [
    pytest.param(
        {"starts_at": "2077-05-29T18:00", "ends_at": "2077-05-29T17:00"},
        "The end must be after the start.",
        'value="2077-05-29T17:00"',
        id="end-before-start",
    ),
    pytest.param(
        {"zip_code": "00000"},
        "We do not know this ZIP code. Enter five digits, like 19104.",
        'value="00000"',
        id="unknown-zip",
    ),
    pytest.param(
        {"capacity": "-1"},
        "Enter a capacity of 1 or more, or leave it empty for no limit.",
        'value="-1"',
        id="negative-capacity",
    ),
    pytest.param(
        {"starts_at": "2077-06-05T18:00", "ends_at": "2077-06-05T20:00"},
        "Choose a start on the day of action",
        'value="2077-06-05T18:00"',
        id="not-on-the-day",
    ),
]


@pytest.mark.parametrize(("bad", "message", "kept"), BAD_EVENTS)
def test_a_bad_event_is_explained_kept_in_the_form_and_not_saved(
    client, coalition, db, plan_day, bad, message, kept
):
    day = plan_day()
    response = client.post(
        f"/coalitions/{coalition.slug}/actions/{day.id}/events/new",
        data=event_form(title="Rally at the courthouse", **bad),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please correct the following:" in text_of(response)
    assert message in text_of(response)
    assert kept in page
    assert 'value="Rally at the courthouse"' in page
    assert f'value="{PRIVATE_ADDRESS}"' in page
    assert count(db, Event) == 0


def test_a_day_ending_before_it_starts_is_explained_kept_and_not_saved(client, coalition, db):
    response = client.post(
        f"/coalitions/{coalition.slug}/actions/new",
        data=day_form(starts_on="2077-05-29", ends_on="2077-05-28"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The last day cannot be before the first." in text_of(response)
    assert 'value="Families Belong Together day of action"' in page
    assert 'value="2077-05-28"' in page and 'value="2077-05-29"' in page
    assert count(db, DayOfAction) == 0


def test_editing_a_day_with_bad_input_loses_nothing_saved(client, coalition, db, plan_day):
    day = plan_day()
    response = client.post(
        f"/coalitions/{coalition.slug}/actions/{day.id}/edit",
        data=day_form(title="A new title", ends_on="2077-05-01"),
    )
    assert response.status_code == 400
    assert "The last day cannot be before the first." in text_of(response)
    assert 'value="A new title"' in response.get_data(as_text=True)
    db.session.refresh(day)
    assert day.title == "Families Belong Together day of action"
    assert str(day.ends_on) == "2077-05-29"


@pytest.mark.parametrize(
    ("bad", "message", "kept"),
    [
        pytest.param(
            {"phone": "12345"},
            "Enter a phone number like 215-555-0100, or with its country code",
            'value="12345"',
            id="phone",
        ),
        pytest.param({"first_name": ""}, "Enter your first name.", 'value="Reyes"', id="no-first-name"),
        pytest.param(
            {"zip_code": "00000"}, "We do not know this ZIP code.", 'value="00000"', id="unknown-zip"
        ),
    ],
)
def test_a_bad_rsvp_is_answered_with_400_kept_and_not_saved(
    plan_day, add_event, visitor, db, mailbox, bad, message, kept
):
    day = plan_day()
    event = add_event(day)
    response = visitor.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp_form(**bad))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in text_of(response)
    assert kept in page and 'value="ana@example.org"' in page
    assert SECRET not in page
    assert count(db, Rsvp) == 0
    assert mailbox.to("ana@example.org") == []


def test_searching_the_public_page_for_an_unknown_zip_is_answered_with_400(plan_day, add_event, visitor):
    day = plan_day()
    add_event(day)
    response = visitor.get(f"/actions/{day.slug}?zip=00000")
    assert response.status_code == 400
    assert "We do not know this ZIP code. Enter five digits, like 19104." in text_of(response)
    assert 'value="00000"' in response.get_data(as_text=True)
    assert TITLE in text_of(response)  # the full list is still there


def test_editing_an_event_with_bad_input_keeps_what_was_saved(client, coalition, db, plan_day, add_event):
    day = plan_day()
    event = add_event(day, capacity="20")
    saved = (event.title, event.starts_at, event.ends_at, event.capacity, event.zip_code)
    edit = f"{admin_url(coalition, day, event)}/edit"
    form = client.get(edit).get_data(as_text=True)
    assert 'value="2077-05-29T18:00"' in form and 'value="20"' in form  # shown in local time

    response = client.post(
        edit,
        data=event_form(title="A new title", ends_at="2077-05-29T17:00", capacity="-1", zip_code="00000"),
    )
    page = text_of(response)
    assert response.status_code == 400
    assert "The end must be after the start." in page
    assert "Enter a capacity of 1 or more" in page and "We do not know this ZIP code." in page
    assert 'value="A new title"' in response.get_data(as_text=True)
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.title, event.starts_at, event.ends_at, event.capacity, event.zip_code) == saved


def test_the_host_editing_with_bad_input_is_answered_with_400_and_keeps_what_was_saved(
    plan_day, add_event, host_link, visitor, db
):
    day = plan_day()
    event = add_event(day)
    response = visitor.post(f"{host_link()}/edit", data=event_form(title="Moved", ends_at="2077-05-29T09:00"))
    assert response.status_code == 400
    assert "The end must be after the start." in text_of(response)
    assert 'value="Moved"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == TITLE


# 4. Capacity and the waitlist.


def test_once_full_the_button_says_join_the_waitlist_and_the_next_person_is_waitlisted(
    plan_day, add_event, rsvp, visitor
):
    day = plan_day()
    event = add_event(day, capacity="1")
    event_page = f"/actions/{day.slug}/events/{event.id}"
    with_room = text_of(visitor.get(event_page))
    assert "RSVP" in with_room and "Join the waitlist" not in with_room

    first = text_of(rsvp(day, event, email="ana@example.org"))
    assert "You are going!" in first and "Check your email" in first

    full = visitor.get(event_page)
    assert "This event is full." in text_of(full)
    assert re.search(r"<button[^>]*>Join the waitlist</button>", full.get_data(as_text=True))

    second = text_of(rsvp(day, event, email="luis@example.org", first_name="Luis"))
    assert "This event is full" in second
    assert (
        "If not, you join the waitlist: if a place frees up, you move up in order and we email you." in second
    )


def test_the_cancel_link_opens_a_page_with_a_button_and_only_the_button_cancels(
    plan_day, add_event, rsvp, visitor, db, mailbox
):
    day = plan_day()
    event = add_event(day, capacity="1")
    rsvp(day, event, email="ana@example.org")
    rsvp(day, event, email="luis@example.org", first_name="Luis")
    link = mailbox.last_link("ana@example.org", "/actions/rsvp/")

    opened = visitor.get(link)  # as a mail scanner would
    assert opened.status_code == 200
    assert re.search(r'<button type="submit"[^>]*>Cancel my RSVP</button>', opened.get_data(as_text=True))
    assert "Going" in text_of(opened)
    states = dict(db.session.execute(select(Rsvp.id, Rsvp.state)).all())
    assert sorted(states.values()) == [RsvpState.GOING, RsvpState.WAITLISTED]
    assert subjects(mailbox, "luis@example.org") == [f"You are on the waitlist: {TITLE}"]

    cancelled = visitor.post(link)
    assert "Your RSVP is cancelled. Thank you for letting the host know." in text_of(cancelled)
    db.session.expire_all()
    assert set(db.session.scalars(select(Rsvp.state))) == {RsvpState.GOING, RsvpState.CANCELLED}
    assert subjects(mailbox, "luis@example.org")[-1] == f"A place for you: {TITLE}"
    assert "Good news: a place freed up" in everything_in(mailbox.to("luis@example.org")[-1])

    visitor.post(link)  # a second press changes nothing and tells nobody again
    assert len(mailbox.to("luis@example.org")) == 2


def test_an_event_cancelled_by_the_organizers_tells_everyone_and_takes_no_more_rsvps(
    client, coalition, db, plan_day, add_event, rsvp, visitor, mailbox
):
    day = plan_day()
    event = add_event(day, capacity="1")
    rsvp(day, event, email="ana@example.org")
    rsvp(day, event, email="luis@example.org", first_name="Luis")
    rsvp_link = mailbox.last_link("ana@example.org", "/actions/rsvp/")
    response = client.post(admin_url(coalition, day, event, "cancel"))
    assert "Cancelled: everyone who RSVPed is told by email." in text_of(client.get(response.location))
    assert subjects(mailbox, "ana@example.org")[-1] == f"Cancelled: {TITLE}"
    assert subjects(mailbox, "luis@example.org")[-1] == f"Cancelled: {TITLE}"

    page = visitor.get(f"/actions/{day.slug}/events/{event.id}")
    assert "This event is cancelled." in text_of(page)
    assert "/rsvp" not in page.get_data(as_text=True)  # no form
    refused = visitor.post(
        f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp_form(email="new@example.org")
    )
    assert refused.location == f"/actions/{day.slug}/events/{event.id}"
    assert count(db, Rsvp) == 2 and mailbox.to("new@example.org") == []
    listing = text_of(visitor.get(f"/actions/{day.slug}"))
    called_off = EVENT_STATE_LABELS[EventState.CANCELLED]  # the badge's word
    assert "0 events 0 cities" in listing and f"{TITLE} {called_off} Vigil" in listing
    rsvp_page = visitor.get(rsvp_link)
    assert "This event is cancelled." in text_of(rsvp_page) and "Cancel my RSVP" not in text_of(rsvp_page)
    again = client.post(admin_url(coalition, day, event, "cancel"))
    assert "That is not possible any more" in text_of(client.get(again.location))
    assert len(mailbox.to("ana@example.org")) == 2  # told once


def test_the_host_can_cancel_the_event_from_the_host_tools(
    plan_day, add_event, rsvp, host_link, visitor, mailbox, db
):
    day = plan_day()
    event = add_event(day)
    rsvp(day, event)
    response = visitor.post(f"{host_link()}/cancel")
    assert "The event is cancelled; everyone who RSVPed is told by email." in text_of(
        visitor.get(response.location)
    )
    assert subjects(mailbox, "ana@example.org")[-1] == f"Cancelled: {TITLE}"
    db.session.refresh(event)
    assert event.state == EventState.CANCELLED
    assert visitor.post(f"{host_link()}/edit", data=event_form(title="Back on")).status_code == 409


def test_an_event_that_has_taken_place_thanks_people_and_takes_no_rsvp(plan_day, add_event, visitor, db):
    day = plan_day()
    event = add_event(day)
    # The clock cannot be moved for the pages; the day and the event are moved into the past.
    day.starts_on = day.ends_on = date(2026, 5, 2)
    event.starts_at, event.ends_at = datetime(2026, 5, 2, 14, 0), datetime(2026, 5, 2, 16, 0)
    db.session.commit()
    page = visitor.get(f"/actions/{day.slug}/events/{event.id}")
    assert "This event has taken place. Thank you to everyone who came." in text_of(page)
    assert "/rsvp" not in page.get_data(as_text=True)
    late = visitor.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp_form())
    assert late.status_code == 302 and count(db, Rsvp) == 0
    public = text_of(visitor.get(f"/actions/{day.slug}"))
    assert "How the day went" in public and "Host an event in your city" not in public


def test_an_organizer_cannot_add_an_event_starting_in_the_past(client, coalition, db, plan_day):
    day = plan_day(starts_on="2026-05-02")
    response = client.post(
        admin_url(coalition, day, action="events/new"),
        data=event_form(starts_at="2026-05-02T18:00", ends_at="2026-05-02T20:00"),
    )
    assert response.status_code == 400
    assert "Choose a start in the future." in text_of(response)
    assert count(db, Event) == 0


def test_an_rsvp_made_in_spanish_opens_its_page_in_spanish(plan_day, add_event, visitor, app, mailbox):
    day = plan_day()
    event = add_event(day)
    visitor.get("/language/es")
    response = visitor.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp_form())
    thanks = visitor.get(response.location)
    assert thanks.status_code == 200 and '<html lang="es">' in thanks.get_data(as_text=True)
    other_device = app.test_client()  # the link opened from the phone's mail app
    page = other_device.get(mailbox.last_link("ana@example.org", "/actions/rsvp/"))
    assert page.status_code == 200 and '<html lang="es">' in page.get_data(as_text=True)


def test_every_form_that_posts_carries_a_csrf_token_when_protection_is_on(
    app, client, coalition, plan_day, add_event, rsvp, host_link, visitor, mailbox
):
    day = plan_day()
    event = add_event(day)
    visitor.post(f"/actions/{day.slug}/propose", data=proposal_form())
    proposal = max(e.id for e in day_events(day))
    draft = plan_day(publish=False, title="Another day")
    rsvp(day, event)
    rsvp_link = mailbox.last_link("ana@example.org", "/actions/rsvp/")
    host = host_link()
    app.config["WTF_CSRF_ENABLED"] = True
    pages = {
        client: [
            f"/coalitions/{coalition.slug}/actions/new",
            admin_url(coalition, draft),
            admin_url(coalition, draft, action="edit"),
            admin_url(coalition, day, action="events/new"),
            admin_url(coalition, day, event),
            admin_url(coalition, day, event, "edit"),
            f"/coalitions/{coalition.slug}/actions/{day.id}/events/{proposal}",
        ],
        visitor: [
            f"/actions/{day.slug}/events/{event.id}",
            f"/actions/{day.slug}/propose",
            rsvp_link,
            host,
            f"{host}/check-in",
            f"{host}/message",
            f"{host}/report",
            f"{host}/edit",
        ],
    }
    for browser, urls in pages.items():
        for url in urls:
            html = browser.get(url).get_data(as_text=True)
            forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', html, re.S)
            if url != host:  # the roster itself has no form
                assert forms, url
            for form in forms:
                assert 'name="csrf_token"' in form, url
    refused = visitor.post(
        f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp_form(email="x@example.org")
    )
    assert refused.status_code == 400


# 5. The host's tools, opened by the host link.


@pytest.fixture
def two_events(plan_day, add_event, rsvp):
    """Event A (host A) with Ana and Rosa going, event B (host B) with Bea going."""
    day = plan_day()
    event_a = add_event(day, host_email="host-a@example.org")
    event_b = add_event(day, title="Rally at City Hall", zip_code="19147", host_email="host-b@example.org")
    rsvp(day, event_a, email="ana@example.org", phone="215-555-0101")
    rsvp(day, event_a, email="rosa@example.org", first_name="Rosa", last_name="Diaz", phone="")
    rsvp(day, event_b, email="bea@example.org", first_name="Bea", last_name="Bravo", phone="267-555-0199")
    return day, event_a, event_b


def test_the_host_link_shows_the_roster_of_its_own_event_only(two_events, host_link, visitor):
    day, event_a, event_b = two_events
    link_a = host_link("host-a@example.org")
    roster = visitor.get(link_a)
    page = text_of(roster)
    assert roster.status_code == 200
    assert "2 going" in page
    assert "Ana Reyes Going Email ana@example.org Phone (215) 555-0101 Checked in Not yet" in page
    assert "Rosa Diaz Going Email rosa@example.org Checked in" in page
    for path in ("", "/check-in", "/check-in?q=B", "/message", "/report", "/edit"):
        shown = visitor.get(f"{link_a}{path}")
        assert shown.status_code == 200, path
        assert "Bea" not in shown.get_data(as_text=True), path
        assert "bea@example.org" not in shown.get_data(as_text=True), path
        assert "555-0199" not in shown.get_data(as_text=True), path
    assert "Bea Bravo Going Email bea@example.org Phone (267) 555-0199" in text_of(
        visitor.get(host_link("host-b@example.org"))
    )


def test_a_host_link_opens_no_other_event_and_a_tampered_one_opens_nothing(
    two_events, host_link, visitor, db
):
    day, event_a, event_b = two_events
    link_a = host_link("host-a@example.org")
    token_a = link_a.rsplit("/", 1)[-1]
    payload, stamp, signature = token_a.split(".")
    # Every bit of the first characters counts (the last one's low bits are padding).
    for tampered in (
        ("X" if payload[0] != "X" else "Y") + payload[1:] + f".{stamp}.{signature}",
        f"{payload}.{stamp}." + ("A" if signature[0] != "A" else "Q") + signature[1:],
    ):
        assert visitor.get(f"/actions/host/{tampered}").status_code == 404
    assert visitor.get("/actions/host/not-a-token").status_code == 404
    # Event B's id signed with event A's key (as if A's key were known): still nothing.
    forged = serializer(notices.HOST_SALT).dumps([event_b.id, event_a.host_key])
    assert visitor.get(f"/actions/host/{forged}").status_code == 404

    bea = db.session.scalar(select(Rsvp).where(Rsvp.event_id == event_b.id))
    assert visitor.post(f"{link_a}/check-in/{bea.id}").status_code == 404
    db.session.refresh(bea)
    assert bea.checked_in_at is None


def test_after_the_organizer_makes_a_new_host_link_the_old_one_stops_working(
    client, coalition, plan_day, add_event, host_link, visitor
):
    day = plan_day()
    event = add_event(day)
    old = host_link()
    assert visitor.get(old).status_code == 200
    response = client.post(admin_url(coalition, day, event, "rekey"))
    admin_page = client.get(response.location)
    assert "The old host link no longer works. The host is emailed the new one." in text_of(admin_page)
    shown = re.search(
        r'id="host-link"[^>]*value="http://localhost([^"]+)"', admin_page.get_data(as_text=True)
    )
    new = shown.group(1)
    assert new.startswith("/actions/host/") and new != old
    for path in ("", "/check-in", "/message", "/report", "/edit"):
        assert visitor.get(f"{old}{path}").status_code == 404, path
    assert visitor.post(f"{old}/message", data={"subject": "Hi", "body": "Hello"}).status_code == 404
    assert visitor.get(new).status_code == 200


def test_checking_people_in_at_the_door_with_a_search_and_an_undo(two_events, host_link, visitor, db):
    day, event_a, _ = two_events
    link = host_link("host-a@example.org")
    everyone = text_of(visitor.get(f"{link}/check-in"))
    assert "0 people checked in" in everyone and "Ana Reyes" in everyone and "Rosa Diaz" in everyone

    found = visitor.get(f"{link}/check-in?q=rosa")
    assert "Rosa Diaz" in text_of(found) and "Ana Reyes" not in text_of(found)
    assert 'value="rosa"' in found.get_data(as_text=True)
    assert "Nobody called “Zoe” has RSVPed." in text_of(visitor.get(f"{link}/check-in?q=Zoe"))

    rosa = db.session.scalar(
        select(Rsvp).join(Rsvp.event).where(Event.id == event_a.id).order_by(Rsvp.id.desc())
    )
    response = visitor.post(f"{link}/check-in/{rosa.id}", data={"q": "rosa"})
    assert response.status_code == 302 and "q=rosa" in response.location
    after = visitor.get(f"{link}/check-in")
    assert "1 person checked in" in text_of(after)
    assert "✓ Here" in text_of(after)
    assert "1 checked in" in text_of(visitor.get(link))

    visitor.post(f"{link}/check-in/{rosa.id}", data={"undo": "1"})
    assert "0 people checked in" in text_of(visitor.get(f"{link}/check-in"))


def test_the_host_messages_the_people_going_and_not_the_waitlist(
    plan_day, add_event, rsvp, host_link, visitor, mailbox
):
    day = plan_day()
    event = add_event(day, capacity="1")
    rsvp(day, event, email="ana@example.org")
    rsvp(day, event, email="luis@example.org", first_name="Luis")
    response = visitor.post(
        f"{host_link()}/message", data={"subject": "Bring water", "body": "It will be **hot**."}
    )
    assert response.status_code == 302
    assert "Your message is on its way to 1 " in text_of(visitor.get(response.location))
    message = mailbox.to("ana@example.org")[-1]
    assert message["Subject"] == "Bring water"
    assert "It will be hot." in message.get_body(preferencelist=("plain",)).get_content()
    assert "<strong>hot</strong>" in message.get_body(preferencelist=("html",)).get_content()
    assert SECRET not in everything_in(message)  # a host's message never carries the address
    assert "Bring water" not in subjects(mailbox, "luis@example.org")

    visitor.post(
        f"{host_link()}/message",
        data={"subject": "Doors open early", "body": "At 5.", "include_waitlist": "y"},
    )
    assert subjects(mailbox, "luis@example.org")[-1] == "Doors open early"
    assert subjects(mailbox, "ana@example.org")[-1] == "Doors open early"


def test_a_message_without_a_subject_is_answered_with_400_and_kept(
    plan_day, add_event, rsvp, host_link, visitor, mailbox
):
    day = plan_day()
    event = add_event(day)
    rsvp(day, event)
    empty = visitor.post(f"{host_link()}/message", data={"subject": "", "body": "Meet at the fountain"})
    assert empty.status_code == 400 and "Write a subject." in text_of(empty)
    assert "Meet at the fountain" in empty.get_data(as_text=True)
    assert subjects(mailbox, "ana@example.org") == [f"Your RSVP: {TITLE}"]


def test_a_message_to_one_person_says_one_person(plan_day, add_event, rsvp, host_link, visitor):
    day = plan_day()
    event = add_event(day)
    rsvp(day, event)
    response = visitor.post(f"{host_link()}/message", data={"subject": "Bring water", "body": "Hot."})
    assert "Your message is on its way to 1 person." in text_of(visitor.get(response.location))


def test_the_hosts_report_shows_on_the_public_summary_without_names(two_events, host_link, visitor, db):
    day, event_a, _ = two_events
    started(event_a)
    link = host_link("host-a@example.org")
    response = visitor.post(
        f"{link}/report",
        data={"turnout": "37", "report_notes": "Rosa spoke for her brother.", "photos_url": ""},
    )
    assert response.status_code == 302
    assert "Thank you: your report is saved." in text_of(visitor.get(response.location))
    assert "37 reported" in text_of(visitor.get(link))

    summary = visitor.get(f"/actions/{day.slug}/summary")
    page = text_of(summary)
    assert "How the day went" in page
    assert "Philadelphia, PA 2 3 37" in page  # both events: 3 RSVPs, A's 37 and B's 0 checked in
    for name in ("Ana", "Rosa", "Bea", "Reyes", "@example.org", "her brother"):
        assert name not in summary.get_data(as_text=True), name


def test_a_bad_report_is_answered_with_400_and_kept(two_events, host_link, visitor, db):
    day, event_a, _ = two_events
    started(event_a)
    response = visitor.post(
        f"{host_link('host-a@example.org')}/report", data={"turnout": "-3", "report_notes": "Rainy day"}
    )
    assert response.status_code == 400
    assert "Enter a number from 0 to 1,000,000." in text_of(response)
    assert "Rainy day" in response.get_data(as_text=True)
    db.session.refresh(event_a)
    assert event_a.turnout is None and event_a.reported_at is None


def test_the_host_moving_the_start_emails_everyone_going_and_waiting(
    plan_day, add_event, rsvp, host_link, visitor, mailbox, db
):
    day = plan_day()
    event = add_event(day, capacity="1")
    rsvp(day, event, email="ana@example.org")
    rsvp(day, event, email="luis@example.org", first_name="Luis")
    edit = f"{host_link()}/edit"
    assert 'value="2077-05-29T18:00"' in visitor.get(edit).get_data(as_text=True)
    moved = event_form(starts_at="2077-05-29T19:00", ends_at="2077-05-29T21:00", capacity="1")
    response = visitor.post(edit, data=moved)
    assert response.status_code == 302
    assert "Saved. Attendees are emailed the new time and place." in text_of(visitor.get(response.location))
    changed = mailbox.to("ana@example.org")[-1]
    assert changed["Subject"] == f"Changed: {TITLE}"
    assert "7:00" in everything_in(changed) and PRIVATE_ADDRESS in everything_in(changed)
    waiting = mailbox.to("luis@example.org")[-1]
    assert waiting["Subject"] == f"Changed: {TITLE}" and SECRET not in everything_in(waiting)

    visitor.post(edit, data=moved | {"description": "Candles are given at the door."})
    assert len(mailbox.to("ana@example.org")) == 2  # no new time or place: nobody emailed


# 6. Access.


def test_a_member_of_another_coalition_finds_none_of_the_organizer_pages(
    coalition, plan_day, add_event, teammate, db
):
    day = plan_day(publish=False)
    event = add_event(day)
    outsider, user = teammate(coalition, None, "owner-b@example.org")
    coalitions.create_coalition(user, "ICE Out of LA", "", "Los Angeles")
    db.session.commit()
    for url in (
        f"/coalitions/{coalition.slug}/actions",
        f"/coalitions/{coalition.slug}/actions/new",
        admin_url(coalition, day),
        admin_url(coalition, day, action="edit"),
        admin_url(coalition, day, action="summary.csv"),
        admin_url(coalition, day, action="events/new"),
        admin_url(coalition, day, event),
        admin_url(coalition, day, event, "edit"),
    ):
        assert outsider.get(url).status_code == 404, url
    for url in (
        admin_url(coalition, day, action="publish"),
        admin_url(coalition, day, event, "cancel"),
        admin_url(coalition, day, event, "rekey"),
        admin_url(coalition, day, event, "edit"),
    ):
        assert outsider.post(url, data=event_form()).status_code == 404, url
    db.session.refresh(day)
    db.session.refresh(event)
    assert day.state.value == "draft" and event.state == EventState.SCHEDULED


def test_a_viewer_sees_the_figures_but_cannot_publish_approve_or_cancel(
    coalition, plan_day, add_event, teammate, visitor, db
):
    day = plan_day(publish=False)
    event = add_event(day)
    viewer, _ = teammate(coalition, Role.VIEWER, "viewer@example.org")
    assert viewer.get(admin_url(coalition, day)).status_code == 200
    admin_page = viewer.get(admin_url(coalition, day, event))
    assert admin_page.status_code == 200
    assert "/actions/host/" not in admin_page.get_data(as_text=True)  # the host link shows contacts
    assert viewer.get(admin_url(coalition, day, action="summary.csv")).status_code == 200
    for url in (
        admin_url(coalition, day, action="publish"),
        admin_url(coalition, day, event, "approve"),
        admin_url(coalition, day, event, "cancel"),
        admin_url(coalition, day, event, "rekey"),
    ):
        assert viewer.post(url).status_code == 403, url
    assert (
        viewer.post(admin_url(coalition, day, event, "edit"), data=event_form(title="X")).status_code == 403
    )
    db.session.refresh(day)
    db.session.refresh(event)
    assert day.state.value == "draft" and event.state == EventState.SCHEDULED and event.title == TITLE


@pytest.mark.usefixtures("requests_start_afresh")  # the visitor is not the organizer: drafts are previews
def test_a_draft_day_of_action_is_not_found_on_any_public_page(plan_day, add_event, visitor, host_link):
    day = plan_day(publish=False)
    event = add_event(day)
    for url in (
        f"/actions/{day.slug}",
        f"/actions/{day.slug}/calendar.ics",
        f"/actions/{day.slug}/events/{event.id}",
        f"/actions/{day.slug}/events/{event.id}/calendar.ics",
        f"/actions/{day.slug}/events/{event.id}/thanks",
        f"/actions/{day.slug}/propose",
        f"/actions/{day.slug}/proposed",
        f"/actions/{day.slug}/summary",
    ):
        assert visitor.get(url).status_code == 404, url
    assert visitor.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp_form()).status_code == 404


@pytest.fixture
def proposed(plan_day, visitor, db, mailbox):
    """A day open to proposals, and an event a supporter proposed on it."""
    day = plan_day()
    response = visitor.post(f"/actions/{day.slug}/propose", data=proposal_form())
    assert response.status_code == 302, text_of(response)
    return day, db.session.scalars(select(Event).order_by(Event.id.desc())).first()


def test_a_proposed_event_and_its_host_link_are_not_found_until_approved(proposed, visitor, app):
    day, event = proposed
    assert event.state == EventState.PROPOSED
    for url in (
        f"/actions/{day.slug}/events/{event.id}",
        f"/actions/{day.slug}/events/{event.id}/calendar.ics",
        f"/actions/{day.slug}/events/{event.id}/thanks",
    ):
        assert visitor.get(url).status_code == 404, url
    assert visitor.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp_form()).status_code == 404
    token = notices.host_token(event)
    for path in ("", "/check-in", "/message", "/report", "/edit"):
        assert visitor.get(f"/actions/host/{token}{path}").status_code == 404, path
    assert "Know your rights teach-in" not in raw(visitor.get(f"/actions/{day.slug}"))
    assert "Know your rights teach-in" not in raw(visitor.get(f"/actions/{day.slug}/calendar.ics"))


# 7. Proposals.


def test_a_supporter_proposes_an_event_and_the_organizers_approve_it(
    proposed, client, coalition, visitor, mailbox, db
):
    day, event = proposed
    assert "Thank you for offering to host" in text_of(visitor.get(f"/actions/{day.slug}/proposed"))
    assert subjects(mailbox, "rosa@vecinos.example") == [
        "We received your proposed event: Know your rights teach-in"
    ]
    assert "/actions/host/" not in everything_in(mailbox.to("rosa@vecinos.example")[0])
    assert event.host_name == "Vecinos Unidos"
    assert subjects(mailbox, "organizer@example.org") == [
        "Event proposed for review: Know your rights teach-in"
    ]
    review = mailbox.last_link("organizer@example.org", "/actions/")
    assert text_of(client.get(review)).count("Know your rights teach-in") >= 1

    day_page = text_of(client.get(admin_url(coalition, day)))
    assert "1 proposed event to review" in day_page
    assert "Know your rights teach-in · Vecinos Unidos · Philadelphia, PA" in day_page
    assert "Proposed" in text_of(client.get(admin_url(coalition, day, event)))

    response = client.post(admin_url(coalition, day, event, "approve"))
    assert "Approved: the event is public and its host has been sent the host link." in text_of(
        client.get(response.location)
    )
    assert subjects(mailbox, "rosa@vecinos.example")[-1] == "Your host tools: Know your rights teach-in"
    host = visitor.get(mailbox.last_link("rosa@vecinos.example", "/actions/host/"))
    assert host.status_code == 200 and "Know your rights teach-in" in text_of(host)
    assert visitor.get(f"/actions/{day.slug}/events/{event.id}").status_code == 200
    assert "Know your rights teach-in" in text_of(visitor.get(f"/actions/{day.slug}"))
    assert "1 proposed event" not in text_of(client.get(admin_url(coalition, day)))


def test_declining_a_proposal_tells_the_proposer_and_keeps_it_off_the_public_page(
    proposed, client, coalition, visitor, mailbox
):
    day, event = proposed
    response = client.post(admin_url(coalition, day, event, "decline"))
    assert "Declined: the person who proposed it is told by email." in text_of(client.get(response.location))
    assert (
        subjects(mailbox, "rosa@vecinos.example")[-1]
        == "About your proposed event: Know your rights teach-in"
    )
    assert "/actions/host/" not in everything_in(mailbox.to("rosa@vecinos.example")[-1])
    assert visitor.get(f"/actions/{day.slug}/events/{event.id}").status_code == 404
    assert visitor.get(f"/actions/host/{notices.host_token(event)}").status_code == 404
    again = client.post(admin_url(coalition, day, event, "approve"))
    assert "That is not possible any more" in text_of(client.get(again.location))


def test_an_organizer_editing_a_proposal_keeps_the_group_that_proposed_it(
    proposed, client, coalition, visitor, db
):
    day, event = proposed
    edit = admin_url(coalition, day, event, "edit")
    assert 'value="rosa@vecinos.example"' in client.get(edit).get_data(as_text=True)
    fixed = proposal_form(title="Know your rights teach-in (bilingual)") | {
        "host_organization_id": "0",
        "host_email": "rosa@vecinos.example",
    }
    assert client.post(edit, data=fixed).status_code == 302
    client.post(admin_url(coalition, day, event, "approve"))
    db.session.refresh(event)
    assert event.host_name == "Vecinos Unidos"
    assert "Hosted by Vecinos Unidos" in text_of(visitor.get(f"/actions/{day.slug}"))


def test_a_bad_proposal_is_answered_with_400_kept_and_not_saved(plan_day, visitor, db, mailbox):
    day = plan_day()
    response = visitor.post(
        f"/actions/{day.slug}/propose",
        data=proposal_form(first_name="", zip_code="00000", ends_at="2077-05-29T17:00"),
    )
    page = text_of(response)
    assert response.status_code == 400
    assert "Enter your first name." in page
    assert "We do not know this ZIP code." in page
    assert "The end must be after the start." in page
    html = response.get_data(as_text=True)
    assert 'value="Vecinos Unidos"' in html and 'value="rosa@vecinos.example"' in html
    assert 'value="Know your rights teach-in"' in html and 'value="00000"' in html
    assert count(db, Event) == 0
    assert mailbox.to("rosa@vecinos.example") == []


def test_the_propose_page_is_not_found_when_the_day_takes_no_proposals(plan_day, visitor, db):
    day = plan_day(proposals_open="")
    assert day.proposals_open is False
    assert visitor.get(f"/actions/{day.slug}/propose").status_code == 404
    assert visitor.post(f"/actions/{day.slug}/propose", data=proposal_form()).status_code == 404
    assert count(db, Event) == 0
    assert "Host an event in your city" not in text_of(visitor.get(f"/actions/{day.slug}"))


# 8. The figures as CSV.


def test_the_csv_of_figures_has_a_row_per_held_event_and_no_names(
    two_events, client, coalition, host_link, visitor, add_event, rsvp, db
):
    day, event_a, event_b = two_events
    rsvp(day, event_b, email="sol@example.org", first_name="Sol")
    cancelled = add_event(day, title="Cancelled march", zip_code="60601")
    client.post(admin_url(coalition, day, cancelled, "cancel"))
    edit_b = client.post(
        admin_url(coalition, day, event_b, "edit"),
        data=event_form(
            title="Rally at City Hall", zip_code="19147", host_email="host-b@example.org", capacity="2"
        ),
    )
    assert edit_b.status_code == 302
    rsvp(day, event_b, email="tom@example.org", first_name="Tom")  # B is full: the waitlist
    link_a = host_link("host-a@example.org")
    ana = db.session.scalar(select(Rsvp).where(Rsvp.event_id == event_a.id).order_by(Rsvp.id))
    visitor.post(f"{link_a}/check-in/{ana.id}")

    response = client.get(admin_url(coalition, day, action="summary.csv"))
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    figures = {row["event"]: (row["going"], row["waitlist"], row["attended"]) for row in rows}
    assert figures == {TITLE: ("2", "0", "1"), "Rally at City Hall": ("2", "1", "0")}
    vigil = next(row for row in rows if row["event"] == TITLE)
    assert (vigil["city"], vigil["state"], vigil["starts (local)"]) == (
        "Philadelphia",
        "PA",
        "2077-05-29 18:00",
    )
    for private in ("Ana", "Rosa", "Bea", "Sol", "Tom", "@example.org", PRIVATE_ADDRESS):
        assert private not in body, private


# 9. Without the session cookie: public forms carry their own token (core/form_tokens.py).


@pytest.mark.usefixtures("requests_start_afresh")  # a browser without the cookie is nobody
def test_every_form_of_a_day_of_action_goes_through_from_a_browser_with_no_cookie(
    app, plan_day, add_event, host_link, mailbox, csrf_on
):
    day = plan_day()
    event = add_event(day)
    host = host_link()
    csrf_on()

    def sent(page, data, **where):
        response = post_without_cookies(app, page, data, **where)
        assert response.status_code == 302, (page, text_of(response))

    event_page = f"/actions/{day.slug}/events/{event.id}"
    sent(event_page, rsvp_form(), action=f"{event_page}/rsvp")
    rsvp_id = _db.session.scalar(select(Rsvp.id))
    manage = mailbox.last_link("ana@example.org", "/actions/rsvp/").removeprefix("http://localhost")
    sent(f"/actions/{day.slug}/propose", proposal_form())
    sent(f"{host}/message", {"subject": "Bring water", "body": "It will be hot."})
    started(event)
    sent(f"{host}/report", {"turnout": "12", "report_notes": "", "photos_url": ""})
    sent(f"{host}/check-in", {}, action=f"{host}/check-in/{rsvp_id}")
    sent(f"{host}/check-in", {"first_name": "Walker"}, action=f"{host}/walk-in", form=1)
    host_fields = {
        k: v for k, v in event_form(title="Vigil, moved indoors").items() if not k.startswith("host_")
    }
    sent(f"{host}/edit", host_fields)
    assert "Your RSVP is cancelled" in text_of(post_without_cookies(app, manage, {}))
    sent(f"{host}/edit", {}, action=f"{host}/cancel", form=1)

    _db.session.expire_all()
    assert _db.session.scalar(select(func.count()).select_from(Event)) == 2  # the proposal too
    assert _db.session.get(Rsvp, rsvp_id).state == RsvpState.CANCELLED
    assert _db.session.get(Event, event.id).state == EventState.CANCELLED
    assert _db.session.get(Event, event.id).turnout == 12
    assert _db.session.get(Event, event.id).title == "Vigil, moved indoors"
    assert _db.session.scalar(select(Rsvp.state).where(Rsvp.id != rsvp_id)) == RsvpState.WALK_IN


@pytest.mark.usefixtures("requests_start_afresh")
def test_a_proposal_form_open_too_long_comes_back_with_every_value(app, plan_day, csrf_on, signed_ago):
    day = plan_day()
    csrf_on()
    page = f"/actions/{day.slug}/propose"
    with signed_ago(hours=25):
        expired = hidden_inputs(app.test_client().get(page))
    typed = proposal_form(venue="Clark Park", hotline="215-555-0100", safety_notes="Marshals at each corner.")
    back = app.test_client().post(page, data=expired | typed)
    assert back.status_code == 400 and "This page had been open a long time" in text_of(back)
    html = back.get_data(as_text=True)
    for name in ("title", "venue", "address", "group_name", "first_name", "email", "zip_code"):
        assert f'value="{typed[name]}"' in html, name
    for text in (typed["description"], typed["accessibility"], typed["safety_notes"]):
        assert f"{text}</textarea>" in html, text
    assert 'value="2077-05-29T18:00"' in html and '<option selected value="training">' in html
    assert "555-0100" in html
    assert 'checked id="languages-0"' in html and 'checked id="languages-1"' in html
    assert _db.session.scalar(select(func.count()).select_from(Event)) == 0
    assert app.test_client().post(page, data=hidden_inputs(back) | typed).status_code == 302


@pytest.mark.usefixtures("requests_start_afresh")
def test_a_check_in_list_open_too_long_says_to_press_again_and_checks_in_nobody(
    app, plan_day, add_event, rsvp, host_link, csrf_on, signed_ago
):
    day = plan_day()
    event = add_event(day)
    rsvp(day, event)
    host = host_link()
    csrf_on()
    attendance = _db.session.scalar(select(Rsvp))
    with signed_ago(hours=25):
        expired = hidden_inputs(app.test_client().get(f"{host}/check-in"))
    phone = app.test_client()
    response = phone.post(f"{host}/check-in/{attendance.id}", data=expired)
    assert response.status_code == 302 and "had been open a long time" in text_of(
        phone.get(response.location)
    )
    _db.session.refresh(attendance)
    assert attendance.checked_in_at is None
