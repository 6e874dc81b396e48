"""A stranger who RSVPs or proposes an event with someone else's address changes nothing of theirs."""

import re

import pytest
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.supporters import services as supporters
from campaign.supporters.models import Consent, Subscription
from tests.actions.forms import proposal_form, rsvp_form

ROSA = "rosa@example.org"


def rosa(coalition):
    db.session.expire_all()
    return supporters.find_supporter(coalition.id, ROSA)


def consents() -> int:
    return db.session.scalar(select(func.count()).select_from(Consent))


def text_of_mail(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def rosa_unsubscribed(db, coalition):
    """Rosa signed up in Spanish with consent, then unsubscribed."""
    record = supporters.upsert_supporter(
        coalition.id, email=ROSA, first_name="Rosa", last_name="Díaz", zip_code="19104", language="es"
    )
    supporters.record_consent(record, "Email me.", "es", source="petition:1")
    supporters.unsubscribe(record)
    db.session.commit()
    return record


def assert_rosa_as_she_left_it(coalition, consents_before):
    record = rosa(coalition)
    assert (record.first_name, record.last_name, record.zip_code, record.phone, record.language) == (
        "Rosa",
        "Díaz",
        "19104",
        None,
        "es",
    )
    assert record.subscription == Subscription.UNSUBSCRIBED
    assert consents() == consents_before


def test_a_stranger_rsvping_with_rosas_address_cannot_rename_or_resubscribe_her(
    app, client, coalition, day, make_event, rosa_unsubscribed, mailbox
):
    event = make_event()
    db.session.commit()
    consents_before = consents()
    stranger = app.test_client()
    stranger.get("/language/en")
    form = rsvp_form(
        email=ROSA,
        first_name="Mallory",
        last_name="Stone",
        zip_code="90012",
        phone="267-555-0199",
        subscribe="y",
    )
    response = stranger.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=form)
    assert response.status_code == 302

    assert_rosa_as_she_left_it(coalition, consents_before)
    to_rosa = mailbox.to(ROSA)
    assert all("Mallory" not in message.as_string() for message in to_rosa)
    (asked,) = [m for m in to_rosa if m["Subject"] == f"¿Quieres recibir noticias de {coalition.name}?"]
    assert "Hola, Rosa:" in text_of_mail(asked)
    # The RSVP's own page, from the link in her email, speaks her language too.
    (rsvp_link,) = {
        link for m in to_rosa for link in re.findall(r"https?://\S*/actions/rsvp/\S+", text_of_mail(m))
    }
    rsvp_page = app.test_client().get(rsvp_link)
    assert "Cancelar mi confirmación" in rsvp_page.get_data(as_text=True)

    # Only Rosa, from her mailbox, subscribes again, by POSTing her choices; opening the link does not.
    (link,) = re.findall(r"https?://\S*/u/[\w-]+(?=\s)", text_of_mail(asked))  # her choices, not one-click
    client.get(link)
    assert_rosa_as_she_left_it(coalition, consents_before)
    client.post(link, data={"language": "es", "subscribed": "y"})
    assert rosa(coalition).subscription == Subscription.SUBSCRIBED
    consent = db.session.scalars(select(Consent).order_by(Consent.id.desc())).first()
    assert (consent.source, consent.wording) == ("preferences", "Quiero recibir correos de esta coalición")


def test_an_rsvp_from_a_subscribed_address_on_file_asks_nothing_and_records_nothing(
    app, coalition, day, make_event, mailbox, db
):
    record = supporters.upsert_supporter(coalition.id, email=ROSA, first_name="Rosa", language="es")
    supporters.record_consent(record, "Email me.", "es", source="petition:1")
    db.session.commit()
    event = make_event()
    db.session.commit()
    form = rsvp_form(email=ROSA, first_name="Mallory", subscribe="y")
    app.test_client().post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=form)
    assert consents() == 1 and rosa(coalition).first_name == "Rosa"
    assert not [m for m in mailbox.to(ROSA) if m["Subject"].startswith("¿Quieres")]


def test_a_stranger_proposing_an_event_with_rosas_address_changes_nothing_of_hers(
    app, coalition, day, rosa_unsubscribed
):
    consents_before = consents()
    stranger = app.test_client()
    response = stranger.post(
        f"/actions/{day.slug}/propose",
        data=proposal_form(
            email=ROSA, first_name="Mallory", starts_at="2027-05-29T18:00", ends_at="2027-05-29T20:00"
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert_rosa_as_she_left_it(coalition, consents_before)


def test_a_host_who_rsvps_with_a_known_address_cannot_read_the_persons_stored_name_or_phone(
    app, coalition, day, make_event
):
    """Anyone whose proposed event is approved hosts it: RSVPing to it with an address they know
    must not show them what the coalition stores about that person, nor whether it stores anything."""
    from campaign.actions import notices
    from campaign.actions.services import Host

    supporters.upsert_supporter(
        coalition.id, email=ROSA, first_name="Rosa", last_name="Díaz", phone="+12155550123", language="es"
    )
    db.session.commit()
    event = make_event(host=Host("Mallory", email="mallory@evil.example"))
    db.session.commit()
    mallory = app.test_client()
    rsvp = rsvp_form(email=ROSA, first_name="Xiomara", last_name="Yáñez", phone="(267) 555-0188")
    mallory.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp)
    roster = mallory.get(f"/actions/host/{notices.host_token(event)}").get_data(as_text=True)
    assert "Xiomara Yáñez" in roster and "555-0188" in roster  # what was typed, for the host
    assert "Díaz" not in roster and "5550123" not in roster and "555-0123" not in roster
    assert rosa(coalition).first_name == "Rosa" and rosa(coalition).phone == "+12155550123"


def test_a_stranger_ticking_the_box_with_an_address_whose_mail_bounced_sends_it_nothing(
    app, coalition, day, make_event, rosa_unsubscribed, mailbox
):
    from campaign.notifications.suppression import suppress

    suppress(coalition.id, ROSA, "550 no such mailbox")
    event = make_event()
    db.session.commit()
    mail_before = len(mailbox.to(ROSA))
    stranger = app.test_client()
    stranger.post(
        f"/actions/{event.day.slug}/events/{event.id}/rsvp",
        data=rsvp_form(email=ROSA, first_name="Mallory", subscribe="y"),
    )
    subjects = [message["Subject"] for message in mailbox.to(ROSA)[mail_before:]]
    assert not [subject for subject in subjects if "news" in subject.lower() or "noticias" in subject.lower()]
    assert rosa(coalition).subscription == Subscription.UNSUBSCRIBED
