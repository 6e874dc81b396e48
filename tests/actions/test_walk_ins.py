"""Walk-ins: the host adds at the door someone who did not RSVP, from the check-in page.

They count as people who came (check-ins, the host's turnout, the summary and the CSV); their
email is kept, sealed on the coalition's supporter record, only when they tick the box, and the
consent is recorded in the words the box showed. The form carries a nonce, so sending it twice
adds one person. Everything goes through the pages, with the host link as the host has it.
"""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from campaign.actions import notices, reminders, rsvps
from campaign.actions.models import Rsvp, RsvpState
from campaign.coalitions.models import Role
from campaign.core.outbox import utcnow
from campaign.extensions import db as _db
from campaign.notifications.models import Message
from campaign.supporters.models import Consent, Subscription, Supporter
from campaign.supporters.services import erase_supporter_data, find_supporter
from tests.actions.test_pages import admin_url, doors_open, started
from tests.pages import hidden_inputs, text_of

CONSENT_EN = (
    "Email me news and calls to action from Philadelphia Family Unity Network. I can unsubscribe at any time."
)
CONSENT_ES = (
    "Quiero recibir por correo noticias y llamados a la acción de Philadelphia Family Unity Network. "
    "Puedo darme de baja en cualquier momento."
)


@pytest.fixture
def door(plan_day, add_event, rsvp, host_link):
    """A published day whose event, starting in an hour, has one RSVP (Ana); returns (day,
    event, host link)."""
    day = plan_day()
    event = add_event(day)
    rsvp(day, event)
    doors_open(event)
    return day, event, host_link()


@pytest.fixture
def day_and_event_with_rsvps(plan_day, add_event, rsvp, host_link):
    """As `door`, and Rosa, who ticked the box with her RSVP."""
    day = plan_day()
    event = add_event(day)
    rsvp(day, event)
    rsvp(day, event, first_name="Rosa", email="rosa@example.org", subscribe="y")
    doors_open(event)
    return day, event, host_link()


def walk_in_form(client, link: str, **typed) -> dict:
    """The walk-in form as the check-in page shows it (its token and nonce), filled in."""
    page = client.get(f"{link}/check-in")
    forms = re.findall(r'<form([^>]*method="post"[^>]*)>', page.get_data(as_text=True))
    forms = [tag for tag in forms if "/accounts/logout" not in tag]
    index = next(number for number, tag in enumerate(forms) if "/walk-in" in tag)
    return hidden_inputs(page, form=index) | {"first_name": "Lupe"} | typed


def add(client, link: str, **typed):
    return client.post(f"{link}/walk-in", data=walk_in_form(client, link, **typed))


def walk_ins(event) -> list[Rsvp]:
    _db.session.expire_all()
    return list(
        _db.session.scalars(
            select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.state == RsvpState.WALK_IN).order_by(Rsvp.id)
        )
    )


def supporters() -> int:
    return _db.session.scalar(select(func.count()).select_from(Supporter))


def test_a_walk_in_counts_as_attended_on_the_check_in_the_roster_the_report_the_summary_and_the_csv(
    client, coalition, door, visitor, mailbox
):
    day, event, link = door
    messages_before = _db.session.scalar(select(func.count()).select_from(Message))
    response = add(visitor, link, first_name="Lupe", zip_code="19143")
    assert response.status_code == 302 and "/check-in#rsvp-" in response.location
    check_in = text_of(visitor.get(response.location))
    assert "Lupe is checked in." in check_in and "1 person checked in" in check_in
    assert "Lupe Walk-in Remove" in check_in

    (lupe,) = walk_ins(event)
    assert (lupe.first_name, lupe.zip_code, lupe.supporter_id) == ("Lupe", "19143", None)
    assert lupe.checked_in_at is not None
    roster = text_of(visitor.get(link))
    assert "1 going" in roster and "1 checked in" in roster and "1 walk-in" in roster
    assert "Lupe Walk-in ZIP code 19143 Checked in Yes" in roster
    # Not an RSVP: no place taken, no email about the event, no supporter record.
    assert supporters() == 1  # Ana's
    assert _db.session.scalar(select(func.count()).select_from(Message)) == messages_before
    assert notices.tell_attendees(event, "day_before", key="test") == 1  # Ana only

    started(event)
    report = visitor.get(f"{link}/report")
    assert re.search(r'<input[^>]*name="turnout"[^>]*value="1"', report.get_data(as_text=True))
    assert "1 person was checked in at the door, walk-ins included." in text_of(report)
    assert "Philadelphia, PA 1 1 1" in text_of(visitor.get(f"/actions/{day.slug}/summary"))
    (row,) = csv.DictReader(io.StringIO(client.get(admin_url(coalition, day, action="summary.csv")).text))
    assert (row["going"], row["attended"]) == ("1", "1")


def test_a_walk_in_added_by_mistake_is_removed_and_no_longer_counted(door, visitor):
    day, event, link = door
    add(visitor, link)
    (lupe,) = walk_ins(event)
    check_in = visitor.get(f"{link}/check-in").get_data(as_text=True)
    assert 'data-confirm="Remove Lupe from the people who came?"' in check_in
    visitor.post(f"{link}/check-in/{lupe.id}", data={"undo": "1"})
    assert walk_ins(event) == []
    assert "0 people checked in" in text_of(visitor.get(f"{link}/check-in"))
    assert "Lupe" not in text_of(visitor.get(link))


@pytest.mark.parametrize(
    ("language", "told", "claimed"),
    [
        (
            "en",
            "Lupe was removed from the people who came, so nobody was added. "
            "To add them again, fill in the form once more.",
            "Lupe is checked in.",
        ),
        (
            "es",
            "Se quitó a Lupe de las personas que llegaron, así que no se agregó a nadie. "
            "Para agregarle de nuevo, llena el formulario otra vez.",
            "Se registró la llegada de Lupe.",
        ),
    ],
)
def test_the_form_of_a_removed_walk_in_sent_again_says_she_was_removed_and_adds_nobody(
    door, visitor, language, told, claimed
):
    """The host removed Lupe on purpose, then went back and the browser sent the form again."""
    day, event, link = door
    visitor.get(f"/language/{language}")
    form = walk_in_form(visitor, link, first_name="Lupe")
    assert claimed in text_of(visitor.get(visitor.post(f"{link}/walk-in", data=form).location))
    (lupe,) = walk_ins(event)
    visitor.post(f"{link}/check-in/{lupe.id}", data={"undo": "1"})
    again = visitor.post(f"{link}/walk-in", data=form)
    assert again.status_code == 302 and again.location.endswith("/check-in#walk-in")
    page = text_of(visitor.get(again.location))
    assert told in page and claimed not in page
    assert walk_ins(event) == [] and _db.session.get(Rsvp, lupe.id).state == RsvpState.CANCELLED
    assert "0 people checked in" in page or "0 personas con llegada registrada" in page


@pytest.mark.parametrize(
    ("language", "wording", "added"),
    [("en", CONSENT_EN, "Lupe is checked in."), ("es", CONSENT_ES, "Se registró la llegada de Lupe.")],
)
def test_a_walk_ins_email_is_kept_only_with_the_box_ticked_sealed_with_the_consent_in_the_words_shown(
    door, visitor, mailbox, language, wording, added
):
    day, event, link = door
    visitor.get(f"/language/{language}")
    assert wording in visitor.get(f"{link}/check-in").get_data(as_text=True)

    unticked = add(visitor, link, email="lupe@example.org", zip_code="19143")
    assert unticked.status_code == 400
    page = unticked.get_data(as_text=True)
    assert {
        "en": "Tick the box if they want news by email, or leave their email empty.",
        "es": "Marca la casilla si quiere recibir noticias por correo, o deja vacío su correo.",
    }[language] in text_of(unticked)
    assert 'value="lupe@example.org"' in page and 'value="Lupe"' in page and 'value="19143"' in page
    assert walk_ins(event) == [] and find_supporter(event.coalition_id, "lupe@example.org") is None

    ticked_without_email = add(visitor, link, subscribe="y")
    assert ticked_without_email.status_code == 400 and walk_ins(event) == []

    response = add(visitor, link, email="lupe@example.org", zip_code="19143", subscribe="y")
    assert response.status_code == 302
    assert added in text_of(visitor.get(response.location))
    (lupe,) = walk_ins(event)
    record = find_supporter(event.coalition_id, "lupe@example.org")
    assert lupe.supporter_id == record.id and (record.first_name, record.zip_code) == ("Lupe", "19143")
    assert record.confirmed_at is not None  # she stood before the host: on file, listed
    (consent,) = _db.session.scalars(select(Consent).where(Consent.supporter_id == record.id))
    assert (consent.wording, consent.language, consent.source) == (wording, language, f"walk-in:{event.id}")
    stored = _db.session.execute(
        text("SELECT email, first_name FROM supporter WHERE id = :id"), {"id": record.id}
    )
    assert all(b"lupe" not in bytes(value) for value in stored.one())  # sealed, as every supporter's
    assert mailbox.to("lupe@example.org") == []  # news later, if any; nothing about the event


def test_a_walk_in_with_an_address_on_file_asks_its_owner_and_changes_nothing_of_theirs(
    coalition, door, visitor, mailbox
):
    day, event, link = door
    add(visitor, link, first_name="Mallory", email="ana@example.org", subscribe="y")
    ana = find_supporter(coalition.id, "ana@example.org")
    assert ana.first_name == "Ana"  # the RSVP's record, not the name the host typed
    # An RSVP asks for no click, so nobody proved the address: neither it nor the host's typing
    # puts the record on file (listed, tagged, in the API) until its owner answers an email.
    assert ana.confirmed_at is None
    (walk_in,) = walk_ins(event)
    assert walk_in.first_name == "Mallory" and walk_in.supporter_id == ana.id
    (asked,) = [m for m in mailbox.to("ana@example.org") if m["Subject"].startswith("Do you want news")]
    assert "Mallory" not in asked.as_string()
    assert "Mallory Walk-in Email ana@example.org Checked in Yes" in text_of(visitor.get(link))


@pytest.mark.parametrize(
    ("language", "no_name", "bad_zip"),
    [
        ("en", "Enter their first name.", "We do not know this ZIP code. Enter five digits, like 19104."),
        ("es", "Escribe su nombre.", "No conocemos este código postal. Escribe cinco dígitos, como 19104."),
    ],
)
def test_bad_walk_in_input_is_explained_in_the_page_language_and_kept(
    door, visitor, language, no_name, bad_zip
):
    day, event, link = door
    visitor.get(f"/language/{language}")
    response = add(visitor, link, first_name="", zip_code="00000", email="not-an-address")
    assert response.status_code == 400
    page = text_of(response)
    assert no_name in page and bad_zip in page
    assert 'value="00000"' in response.get_data(as_text=True)
    assert 'value="not-an-address"' in response.get_data(as_text=True)
    assert walk_ins(event) == []


@pytest.mark.parametrize(
    "typed",
    [
        {"first_name": "Lu\x00pe"},
        {"first_name": "Lupe\r\nBcc: x@example.org"},
        {"first_name": "L" * 10_000},
        {"zip_code": "9" * 10_000},
        {"email": "lupe@example.org\r\nBcc: x@example.org", "subscribe": "y"},
        {"first_name": "<script>alert(1)</script>"},
        {"first_name": "\u202eepuL"},  # shown as "Lupe", and the rest of "… is checked in." reversed
    ],
)
def test_hostile_bytes_in_a_walk_in_are_refused_with_400_and_add_nobody(door, visitor, typed):
    day, event, link = door
    response = add(visitor, link, **typed)
    assert response.status_code == 400, typed
    assert walk_ins(event) == [] and supporters() == 1


def test_a_double_tap_adds_one_walk_in_and_two_hosts_add_two(app, door, csrf_on):
    day, event, link = door
    csrf_on()
    phone, other_phone = app.test_client(), app.test_client()
    form = walk_in_form(phone, link, first_name="Lupe")
    second_form = walk_in_form(other_phone, link, first_name="Rosa")
    first = phone.post(f"{link}/walk-in", data=form)
    again = phone.post(f"{link}/walk-in", data=form)  # the same form, tapped twice
    assert first.status_code == again.status_code == 302 and first.location == again.location
    assert other_phone.post(f"{link}/walk-in", data=second_form).status_code == 302
    assert [walk_in.first_name for walk_in in walk_ins(event)] == ["Lupe", "Rosa"]

    # The nonce is bound into the form token: a changed one is refused, not a new person.
    forged = walk_in_form(phone, link, first_name="Eve") | {"once": "A" * 22}
    refused = phone.post(f"{link}/walk-in", data=forged)
    assert refused.status_code == 400 and "press the button again" in text_of(refused)
    assert 'value="Eve"' in refused.get_data(as_text=True)
    assert len(walk_ins(event)) == 2


@pytest.mark.parametrize(
    ("language", "opens", "refused"),
    [
        (
            "en",
            "You can add walk-ins from 5/29/77, 4:00 PM (Eastern time), shortly before the event starts.",
            "Nobody was added: you can add walk-ins from 5/29/77, 4:00 PM (Eastern time). "
            "What you typed is still below.",
        ),
        (
            "es",
            "Puedes agregar a quienes lleguen sin confirmar desde 29/5/77, 16:00 (Hora del Este), "
            "poco antes de que empiece el evento.",
            "No se agregó a nadie: puedes agregar a quienes lleguen sin confirmar desde "
            "29/5/77, 16:00 (Hora del Este). Lo que escribiste sigue abajo.",
        ),
    ],
)
def test_walk_ins_are_added_from_two_hours_before_the_start_and_not_weeks_ahead(
    door, visitor, db, language, opens, refused
):
    day, event, link = door
    visitor.get(f"/language/{language}")
    form = walk_in_form(visitor, link, first_name="Early", zip_code="19143")  # the doors are open
    event.starts_at = datetime(2077, 5, 29, 22)  # the organizer moves it later: 6 PM Eastern
    db.session.commit()

    page = visitor.get(f"{link}/check-in")
    assert opens in text_of(page)
    assert "/walk-in" not in page.get_data(as_text=True) and 'href="#walk-in"' not in page.get_data(
        as_text=True
    )
    sent = visitor.post(f"{link}/walk-in", data=form)
    assert sent.status_code == 409 and refused in text_of(sent)
    assert 'value="Early"' in sent.get_data(as_text=True) and 'value="19143"' in sent.get_data(as_text=True)
    assert walk_ins(event) == []


def test_the_doors_open_two_hours_before_the_start(door, db):
    day, event, link = door
    person = rsvps.WalkIn("Early")
    with pytest.raises(rsvps.DoorsNotOpen):
        rsvps.add_walk_in(
            event, person, "nonce-before-the-doors-1", "en", event.starts_at - timedelta(hours=2, minutes=1)
        )
    added = rsvps.add_walk_in(
        event, person, "nonce-as-the-doors-open", "en", event.starts_at - timedelta(hours=2)
    )
    assert added.is_walk_in and added.checked_in_at == event.starts_at - timedelta(hours=2)


def test_a_cancelled_events_check_in_takes_no_walk_in(client, coalition, door, visitor):
    day, event, link = door
    form = walk_in_form(visitor, link)
    client.post(admin_url(coalition, day, event, "cancel"))
    assert "Add a walk-in" not in text_of(visitor.get(f"{link}/check-in"))
    response = visitor.post(f"{link}/walk-in", data=form)
    assert response.status_code == 302
    assert "This event is cancelled: nobody can be added." in text_of(visitor.get(response.location))
    assert walk_ins(event) == []


# A forwarded host link: what it can add is limited per event.


def test_thirty_walk_ins_a_minute_are_added_and_the_next_comes_back_as_typed(
    door, visitor, add_event, host_link
):
    """A door with several phones adds at most 30 a minute; a forwarded link cannot add
    (and subscribe) addresses without end. The host's form is kept, to press again."""
    day, event, link = door
    answers = [add(visitor, link, first_name=f"Person {n}").status_code for n in range(30)]
    assert answers == [302] * 30
    refused = add(visitor, link, first_name="Lupe", email="lupe@example.org", subscribe="y")
    assert refused.status_code == 429
    assert (
        "Nobody was added: many people were added in the last minute. "
        "Wait a moment, then press the button again." in text_of(refused)
    )
    assert 'value="Lupe"' in refused.get_data(as_text=True)
    assert 'value="lupe@example.org"' in refused.get_data(as_text=True)
    assert len(walk_ins(event)) == 30 and find_supporter(event.coalition_id, "lupe@example.org") is None

    other = add_event(day, title="Rally at City Hall", zip_code="19147", host_email="host-b@example.org")
    doors_open(other)
    assert add(visitor, host_link("host-b@example.org")).status_code == 302  # its own door, its own count


def test_the_walk_in_limit_holds_while_redis_is_down(limits_storage_down, app, door, visitor):
    day, event, link = door
    app.config["WALK_IN_LIMIT"] = "2 per minute"
    answers = [add(visitor, link, first_name=f"Person {n}").status_code for n in range(3)]
    assert answers == [302, 302, 429] and len(walk_ins(event)) == 2
    assert app.extensions["outages"]["rate-limit storage"].down()  # counted in this process


@pytest.mark.parametrize(
    ("language", "full"),
    [
        (
            "en",
            "This event has taken all the emails for news it can at the door: "
            "leave this one empty to add them.",
        ),
        (
            "es",
            "Este evento ya recibió en la puerta todos los correos para noticias que puede: "
            "deja este vacío para agregar a la persona.",
        ),
    ],
)
def test_a_door_takes_so_many_emails_for_news_then_adds_people_without_theirs(
    app, door, visitor, language, full
):
    day, event, link = door
    app.config["WALK_IN_EMAILS_PER_EVENT"] = 2
    visitor.get(f"/language/{language}")
    add(visitor, link, first_name="Lupe", email="lupe@example.org", subscribe="y")
    add(visitor, link, first_name="Rosa", email="rosa@example.org", subscribe="y")
    rosa = walk_ins(event)[1]
    visitor.post(
        f"{link}/check-in/{rosa.id}", data={"undo": "1"}
    )  # removed: her email was taken all the same

    refused = add(visitor, link, first_name="Eve", zip_code="19143", email="eve@example.org", subscribe="y")
    assert refused.status_code == 409 and full in text_of(refused)
    page = refused.get_data(as_text=True)
    assert 'value="Eve"' in page and 'value="19143"' in page and 'value="eve@example.org"' in page
    assert find_supporter(event.coalition_id, "eve@example.org") is None
    assert add(visitor, link, first_name="Eve", zip_code="19143").status_code == 302
    assert [person.first_name for person in walk_ins(event)] == ["Lupe", "Eve"]


# Second actors.


def test_a_forwarded_check_in_link_stops_adding_walk_ins_once_the_organizers_replace_it(
    client,
    coalition,
    door,
    visitor,
    host_link,
):
    day, event, old_link = door
    form = walk_in_form(visitor, old_link)  # a stranger holding the forwarded link, the page open
    client.post(admin_url(coalition, day, event, "rekey"))
    assert visitor.post(f"{old_link}/walk-in", data=form).status_code == 404
    assert visitor.get(f"{old_link}/check-in").status_code == 404
    tampered = old_link[:-3] + ("xyz" if not old_link.endswith("xyz") else "abc")
    assert visitor.post(f"{tampered}/walk-in", data=form).status_code == 404
    assert walk_ins(event) == []
    assert add(visitor, host_link()).status_code == 302  # the host's new link works


def test_the_host_of_another_event_can_neither_see_nor_remove_nor_replay_a_walk_in(
    plan_day,
    add_event,
    host_link,
    visitor,
    app,
    csrf_on,
):
    day = plan_day()
    event_a = add_event(day, host_email="host-a@example.org")
    event_b = add_event(day, title="Rally at City Hall", zip_code="19147", host_email="host-b@example.org")
    link_a, link_b = host_link("host-a@example.org"), host_link("host-b@example.org")
    doors_open(event_a)
    doors_open(event_b)
    csrf_on()
    add(visitor, link_a, first_name="Lupe", zip_code="19143")
    (lupe,) = walk_ins(event_a)
    host_b = app.test_client()
    for path in ("", "/check-in"):
        assert "Lupe" not in host_b.get(f"{link_b}{path}").get_data(as_text=True)
    removing = hidden_inputs(host_b.get(f"{link_b}/check-in")) | {"undo": "1"}  # B's own token
    assert host_b.post(f"{link_b}/check-in/{lupe.id}", data=removing).status_code == 404
    assert walk_ins(event_a) == [lupe]
    # A's form sent to B's link: its token is bound to A's link, so B adds nobody with it.
    replayed = host_b.post(f"{link_b}/walk-in", data=walk_in_form(visitor, link_a, first_name="Eve"))
    assert replayed.status_code == 400 and "press the button again" in text_of(replayed)
    assert walk_ins(event_b) == []


def test_a_viewer_sees_walk_ins_in_the_figures_but_has_no_way_to_the_host_tools(
    coalition,
    door,
    visitor,
    teammate,
):
    day, event, link = door
    add(visitor, link)
    viewer, _ = teammate(coalition, Role.VIEWER, "viewer@example.org")
    day_page = viewer.get(admin_url(coalition, day))
    assert day_page.status_code == 200 and "/actions/host/" not in day_page.get_data(as_text=True)
    assert "Lupe" not in day_page.get_data(as_text=True)  # figures, no names
    admin_page = viewer.get(admin_url(coalition, day, event))
    assert "/actions/host/" not in admin_page.get_data(as_text=True)
    assert viewer.post(admin_url(coalition, day, event, "rekey")).status_code == 403


# What is kept, and for how long.


def consents_of(email: str, coalition_id: int) -> list[tuple[str, bool]]:
    """(source, still standing) of each consent of the address's record."""
    _db.session.expire_all()
    record = find_supporter(coalition_id, email)
    return [(consent.source, consent.withdrawn_at is None) for consent in record.consents]


def test_removing_a_walk_in_takes_back_the_subscription_its_form_made(door, visitor):
    """The host typed a wrong address (or added the wrong person) with the box ticked, and
    pressed Remove: the address is no longer subscribed, its consent marked withdrawn."""
    day, event, link = door
    add(visitor, link, first_name="Lupe", email="lupe.typo@example.org", subscribe="y")
    (lupe,) = walk_ins(event)
    record = find_supporter(event.coalition_id, "lupe.typo@example.org")
    assert record.subscription == Subscription.SUBSCRIBED
    visitor.post(f"{link}/check-in/{lupe.id}", data={"undo": "1"})
    assert walk_ins(event) == []
    assert consents_of("lupe.typo@example.org", event.coalition_id) == [(f"walk-in:{event.id}", False)]
    assert (
        find_supporter(event.coalition_id, "lupe.typo@example.org").subscription == Subscription.UNSUBSCRIBED
    )


def test_removing_a_walk_in_leaves_an_address_subscribed_elsewhere_or_only_asked_as_it_was(
    day_and_event_with_rsvps, visitor
):
    day, event, link = day_and_event_with_rsvps
    # Rosa subscribed with her RSVP; Ana RSVPed without the box, so her walk-in only asks her.
    add(visitor, link, first_name="Rosa", email="rosa@example.org", subscribe="y")
    add(visitor, link, first_name="Ana", email="ana@example.org", subscribe="y")
    for walk_in in walk_ins(event):
        visitor.post(f"{link}/check-in/{walk_in.id}", data={"undo": "1"})
    assert walk_ins(event) == []
    rosa = find_supporter(event.coalition_id, "rosa@example.org")
    ana = find_supporter(event.coalition_id, "ana@example.org")
    assert rosa.subscription == Subscription.SUBSCRIBED
    assert consents_of("rosa@example.org", event.coalition_id) == [(f"event:{event.id}", True)]
    assert ana.subscription == Subscription.NOT_ASKED and ana.consents == []


def test_a_second_walk_in_with_the_same_address_keeps_it_subscribed_until_it_is_removed_too(door, visitor):
    day, event, link = door
    add(visitor, link, first_name="Lupe", email="lupe@example.org", subscribe="y")
    add(visitor, link, first_name="Guadalupe", email="lupe@example.org", subscribe="y")
    lupe, guadalupe = walk_ins(event)
    visitor.post(f"{link}/check-in/{lupe.id}", data={"undo": "1"})
    assert find_supporter(event.coalition_id, "lupe@example.org").subscription == Subscription.SUBSCRIBED
    visitor.post(f"{link}/check-in/{guadalupe.id}", data={"undo": "1"})
    _db.session.expire_all()
    assert find_supporter(event.coalition_id, "lupe@example.org").subscription == Subscription.UNSUBSCRIBED


def test_an_erased_walk_in_leaves_no_name_zip_or_address_and_old_walk_ins_are_forgotten(door, visitor, db):
    day, event, link = door
    add(visitor, link, first_name="Lupe", zip_code="19143", email="lupe@example.org", subscribe="y")
    add(visitor, link, first_name="Rosa", zip_code="19104")
    lupe, rosa = walk_ins(event)
    erase_supporter_data("lupe@example.org")
    db.session.commit()
    db.session.refresh(lupe)
    db.session.refresh(rosa)
    assert (lupe.first_name, lupe.zip_code, lupe.state) == (None, None, RsvpState.CANCELLED)
    assert (rosa.first_name, rosa.zip_code) == ("Rosa", "19104")

    reminders.forget_attendees(utcnow().replace(year=utcnow().year + 100), kept_days=90)
    db.session.commit()
    db.session.refresh(rosa)
    assert (rosa.first_name, rosa.zip_code, rosa.checked_in_at is not None) == (None, None, True)
