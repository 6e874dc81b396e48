"""Confirmation emails in batches: one message per petition, each signer's own link put in by the sender."""

import re
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import func, select

from campaign.core.mail import StoredMail
from campaign.core.outbox import dispatch_committed, utcnow
from campaign.extensions import db
from campaign.notifications.models import Delivery, DeliveryState, Message
from campaign.petitions import notices, signing
from campaign.petitions.models import PetitionSignature
from campaign.petitions.tasks import send_confirmations, tidy_signatures
from campaign.supporters.services import erase_supporter_data
from tests.pages import click_confirm, text_of


def signed(petition, address, language="en"):
    """A new signature whose signer is not asked yet: the sign request's kick has not run."""
    fields = {"email": address, "first_name": address.split("@")[0].title(), "zip_code": "19104"}
    signature_id = signing.sign(petition, fields, language, None, None)
    db.session.commit()
    return signature_id


def links_to(mailbox, address, subject_start="Confirm"):
    return [
        re.search(r"https?://\S*/petitions/confirm/\S+", email.get_body(("plain",)).get_content()).group(0)
        for email in mailbox.to(address)
        if email["Subject"].startswith(subject_start)
    ]


def signature_of(link):
    return notices.signature_id_for_token(link.rsplit("/", 1)[1])


def messages(template):
    return db.session.scalar(select(func.count()).where(Message.template == template))


def test_one_message_per_petition_and_each_signer_confirms_their_own_signature(
    client, make_petition, mailbox
):
    detainers = make_petition()
    berks = make_petition(title="Close the Berks detention center")
    signatures = defaultdict(set)  # each address's own signatures: Ana signs both petitions
    for petition, names in ((detainers, ("ana", "ben", "cruz")), (berks, ("dora", "ana"))):
        for name in names:
            signatures[f"{name}@example.org"].add(signed(petition, f"{name}@example.org"))

    send_confirmations()
    send_confirmations()  # nobody is left to ask

    assert messages("petitions/emails/confirm") == 2
    for address, own in signatures.items():
        links = links_to(mailbox, address)
        assert len(links) == len(own) and {signature_of(link) for link in links} == own
    [ben_link] = links_to(mailbox, "ben@example.org")
    assert "your signature counts" in text_of(click_confirm(client, ben_link))
    confirmed = db.session.scalars(
        select(PetitionSignature.id).where(PetitionSignature.confirmed_at.is_not(None))
    )
    assert confirmed.all() == [signature_of(ben_link)]


def test_a_signer_gone_between_claim_and_send_gets_no_half_made_email(make_petition, mailbox):
    petition = make_petition()
    signed(petition, "kept@example.org")
    signed(petition, "erased@example.org")
    withdrawn = signed(petition, "withdrawn@example.org")
    notices.ask_waiting_signers(utcnow())
    db.session.commit()  # claimed, and the message queued; nothing is sent until it is dispatched

    erase_supporter_data("erased@example.org")
    db.session.delete(db.session.get(PetitionSignature, withdrawn))
    db.session.commit()
    dispatch_committed()

    assert [email["To"] for email in mailbox.messages()] == ["kept@example.org"]
    assert all("%%" not in mail.raw for mail in db.session.scalars(select(StoredMail)))
    # The erased signer is no recipient at all; the withdrawn one's link is gone, so no email.
    states = sorted(db.session.scalars(select(Delivery.state)))
    assert states == [DeliveryState.SENT, DeliveryState.SUPPRESSED]


def test_one_reminder_message_per_petition_with_each_signers_own_link(make_petition, mailbox):
    petition = make_petition()
    own = {address: signed(petition, address) for address in ("ana@example.org", "ben@example.org")}
    send_confirmations()
    for signature in db.session.scalars(select(PetitionSignature)):
        signature.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()

    tidy_signatures()
    tidy_signatures()  # each signer is reminded once

    assert messages("petitions/emails/reminder") == 1
    for address, signature_id in own.items():
        [link] = links_to(mailbox, address, subject_start="Reminder")
        assert signature_of(link) == signature_id


def test_a_spanish_signer_gets_the_spanish_email_with_their_own_link(make_petition, mailbox):
    petition = make_petition(title_es="Fin a las retenciones de ICE en Filadelfia")
    signature_id = signed(petition, "luis@example.org", language="es")
    signed(petition, "ana@example.org")
    send_confirmations()

    assert messages("petitions/emails/confirm") == 1  # one message, in each signer's language
    assert mailbox.to("ana@example.org")[0]["Subject"].startswith("Confirm your signature")
    [email] = mailbox.to("luis@example.org")
    assert email["Subject"] == "Confirma tu firma: Fin a las retenciones de ICE en Filadelfia"
    [link] = links_to(mailbox, "luis@example.org", subject_start="Confirma")
    assert signature_of(link) == signature_id
    html = email.get_body(("html",)).get_content()
    assert "Confirmar mi firma" in html and f'href="{link}"' in html


def test_a_confirmation_link_kept_until_the_petition_closed_adds_no_signature(
    app, client, coalition, make_petition, sign, mailbox
):
    petition = make_petition()
    sign(petition, confirm=False, email="late@example.org")
    sign(petition, confirm=False, email="bot@example.org", website="http://spam.example")  # quarantined
    links = [
        mailbox.last_link(address, "/petitions/confirm/")
        for address in ("late@example.org", "bot@example.org")
    ]
    client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/close")
    signer = app.test_client()
    for link in links:
        page = signer.get(link)
        assert page.status_code == 410
        assert "This petition has closed" in text_of(page) and "Confirm your signature" not in text_of(page)
        assert "This petition has closed" in text_of(signer.post(link))
    assert db.session.scalars(select(PetitionSignature.confirmed_at)).all() == [None, None]
