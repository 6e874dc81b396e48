"""A stranger who signs with someone else's address changes nothing of theirs until they confirm."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.petitions import upkeep
from campaign.petitions.models import PetitionSignature
from campaign.supporters.forms import consent_wording
from campaign.supporters.models import Consent, Subscription, Supporter
from campaign.supporters.services import find_supporter
from tests.pages import click_confirm, shown_on, text_of
from tests.petitions.conftest import sign_form

ROSA = "rosa@example.org"


def rosa(coalition) -> Supporter:
    db.session.expire_all()
    return find_supporter(coalition.id, ROSA)


def consents() -> int:
    return db.session.scalar(select(func.count()).select_from(Consent))


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def rosa_unsubscribed(client, coalition, make_petition, sign):
    """Rosa signed in Spanish with the box ticked, confirmed, then unsubscribed."""
    client.get("/language/es")
    sign(make_petition(), email=ROSA, first_name="Rosa", last_name="Díaz", zip_code="19104", subscribe="y")
    client.post(f"/u/{rosa(coalition).preferences_token}", data={"language": "es"})
    assert rosa(coalition).subscription == Subscription.UNSUBSCRIBED
    client.get("/language/en")
    return rosa(coalition)


@pytest.fixture
def mallory_signs(app, make_petition):
    """A stranger signs another petition of the coalition with Rosa's address, an English
    browser, another name and ZIP code, and the box ticked; returns that petition."""

    def do_sign():
        petition = make_petition(title="Close the Berks detention center")
        stranger = app.test_client()
        stranger.get("/language/en")
        form = sign_form(
            stranger, petition, email=ROSA, first_name="Mallory", last_name="Stone", zip_code="90012"
        )
        response = stranger.post(f"/petitions/{petition.slug}/sign", data=form | {"subscribe": "y"})
        assert response.status_code == 302
        return petition

    return do_sign


def details(record: Supporter) -> tuple:
    return record.first_name, record.last_name, record.zip_code, record.language


def assert_rosa_as_she_left_it(coalition, consents_before):
    record = rosa(coalition)
    assert details(record) == ("Rosa", "Díaz", "19104", "es")
    assert record.subscription == Subscription.UNSUBSCRIBED
    assert consents() == consents_before


def test_a_stranger_signing_with_rosas_address_cannot_rename_resubscribe_or_consent_for_her(
    coalition, rosa_unsubscribed, mallory_signs, mailbox
):
    consents_before = consents()
    mallory_signs()
    assert_rosa_as_she_left_it(coalition, consents_before)
    # The next email to Rosa (asking her to confirm the signature she did not give) is hers.
    message = mailbox.to(ROSA)[-1]
    assert "Hola, Rosa:" in body_of(message) and "Mallory" not in message.as_string()
    assert message["Subject"].startswith("Confirma")


def test_a_strangers_signature_never_confirmed_changes_nothing_ever(
    client, coalition, rosa_unsubscribed, mallory_signs, mailbox
):
    consents_before = consents()
    petition = mallory_signs()
    upkeep.send_reminders(utcnow() + timedelta(days=2))  # the one reminder, a day later
    db.session.commit()
    reminder = mailbox.to(ROSA)[-1]
    assert "Hola, Rosa:" in body_of(reminder) and "Mallory" not in reminder.as_string()
    client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/close")
    upkeep.expire_unconfirmed(utcnow())
    db.session.commit()
    assert (
        db.session.scalar(select(PetitionSignature).where(PetitionSignature.petition_id == petition.id))
        is None
    )
    assert_rosa_as_she_left_it(coalition, consents_before)


def test_rosa_confirming_the_signature_herself_applies_what_was_typed_and_the_consent(
    app, client, coalition, rosa_unsubscribed, mallory_signs, mailbox
):
    consents_before = consents()
    petition = mallory_signs()
    link = mailbox.last_link(ROSA, "/petitions/confirm/")
    # A mail scanner, or Rosa opening it: a GET changes nothing. The page speaks her language and
    # says what confirming would save.
    page = text_of(app.test_client().get(link))
    assert "Confirma tu firma" in page and "Mallory Stone" in page and "te suscribes" in page
    assert_rosa_as_she_left_it(coalition, consents_before)
    click_confirm(client, link)  # she owns the mailbox: her click is the proof
    record = rosa(coalition)
    assert details(record) == ("Mallory", "Stone", "90012", "en")
    assert record.subscription == Subscription.SUBSCRIBED
    consent = db.session.scalars(select(Consent).order_by(Consent.id.desc())).first()
    assert consents() == consents_before + 1
    assert (consent.wording, consent.language, consent.source) == (
        str(consent_wording(coalition.name)),
        "en",
        f"petition:{petition.id}",
    )
    signature = db.session.scalar(
        select(PetitionSignature).where(PetitionSignature.petition_id == petition.id)
    )
    assert (signature.pending_first_name, signature.pending_last_name, signature.pending_consent) == (
        None,
    ) * 3


def test_a_new_signers_consent_is_recorded_only_when_confirmed_with_the_words_shown(
    client, coalition, make_petition, sign, mailbox
):
    petition = make_petition()
    client.get("/language/es")
    sign(petition, confirm=False, email="new@example.org", first_name="Nueva", subscribe="y")
    signer = find_supporter(coalition.id, "new@example.org")
    assert (signer.first_name, signer.language) == ("Nueva", "es")  # a new address: a new record
    assert signer.subscription == Subscription.NOT_ASKED and consents() == 0
    link = mailbox.last_link("new@example.org", "/petitions/confirm/")
    client.get(link)
    assert consents() == 0
    click_confirm(client, link)
    db.session.expire_all()
    (consent,) = db.session.scalars(select(Consent)).all()
    # The words the Spanish page showed, exactly.
    shown = (
        f"Quiero recibir por correo noticias y llamados a la acción de {coalition.name}. "
        "Puedo darme de baja en cualquier momento."
    )
    assert shown in client.get(f"/petitions/{petition.slug}").get_data(as_text=True)
    assert (consent.supporter_id, consent.wording, consent.language) == (signer.id, shown, "es")
    assert db.session.get(Supporter, signer.id).subscription == Subscription.SUBSCRIBED


def test_a_new_signer_who_never_confirms_is_never_subscribed(client, coalition, make_petition, sign):
    petition = make_petition()
    sign(petition, confirm=False, email="never@example.org", subscribe="y")
    client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/close")
    upkeep.expire_unconfirmed(utcnow())
    db.session.commit()
    assert find_supporter(coalition.id, "never@example.org").subscription == Subscription.NOT_ASKED
    assert consents() == 0


def test_a_quarantined_strangers_details_are_dropped_when_the_petition_closes(
    app, client, coalition, rosa_unsubscribed, make_petition
):
    petition = make_petition(title="Close the Berks detention center")
    stranger = app.test_client()
    form = sign_form(stranger, petition, email=ROSA, first_name="Mallory", website="http://bot.example")
    stranger.post(f"/petitions/{petition.slug}/sign", data=form | {"subscribe": "y"})
    signature = db.session.scalar(
        select(PetitionSignature).where(PetitionSignature.petition_id == petition.id)
    )
    assert signature.state == "quarantined" and signature.pending_first_name == "Mallory"
    client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/close")
    upkeep.expire_unconfirmed(utcnow())
    db.session.commit()
    db.session.refresh(signature)
    assert (signature.pending_first_name, signature.pending_consent) == (None, None)


def test_rosa_signing_after_a_stranger_gets_her_own_name_not_the_strangers(
    app, client, coalition, rosa_unsubscribed, mallory_signs, mailbox
):
    consents_before = consents()
    petition = mallory_signs()  # "Mallory Stone", 90012, English, the box ticked, unconfirmed
    client.get("/language/es")
    form = sign_form(client, petition, email=ROSA, first_name="Rosa", last_name="Díaz", zip_code="19104")
    client.post(f"/petitions/{petition.slug}/sign", data=form | {"comment": ""})
    link = mailbox.last_link(ROSA, "/petitions/confirm/")
    page = text_of(app.test_client().get(link))
    # Her own name is her record's: the page lists no name to save, and no subscription.
    assert "Mallory" not in page and "Nombre" not in page and "Al confirmar no te suscribes" in page
    click_confirm(client, link)
    assert_rosa_as_she_left_it(coalition, consents_before)
    signature = db.session.scalar(
        select(PetitionSignature).where(PetitionSignature.petition_id == petition.id)
    )
    assert (signature.state, signature.zip_code, signature.language) == ("confirmed", "19104", "es")


def test_a_stranger_signing_after_rosa_shows_the_strangers_name_on_her_confirm_page(
    app, client, coalition, make_petition, mailbox
):
    petition = make_petition()
    client.post(
        f"/petitions/{petition.slug}/sign",
        data=sign_form(client, petition, email=ROSA, first_name="Rosa", last_name="Díaz", show_name="y"),
    )
    stranger = app.test_client()
    form = sign_form(stranger, petition, email=ROSA, first_name="Mallory", last_name="Stone")
    stranger.post(f"/petitions/{petition.slug}/sign", data=form | {"comment": "Not Rosa's words"})
    # Whichever email Rosa opens (the first asks her to confirm, the second says someone signed
    # again), its page shows what confirming would save now: the stranger's words, so she notices.
    # (The two links differ only in the time they were signed at, when a second passes between.)
    assert len(mailbox.to(ROSA)) == 2
    for message in mailbox.to(ROSA):
        link = re.search(r"http\S*/petitions/confirm/\S*", body_of(message)).group(0)
        page = text_of(app.test_client().get(link))
        assert "Mallory Stone" in page and "Not Rosa's words" in page and "with the signers" not in page


def test_a_stranger_signing_again_after_rosa_confirmed_changes_nothing_of_her_signature(
    app, client, coalition, make_petition, sign
):
    petition = make_petition()
    sign(petition, email=ROSA, first_name="Rosa", last_name="Díaz", zip_code="19104", show_name="y")
    stranger = app.test_client()
    form = sign_form(stranger, petition, email=ROSA, first_name="Mallory", zip_code="90012")
    stranger.post(f"/petitions/{petition.slug}/sign", data=form | {"comment": "Not Rosa's words"})
    signature = db.session.scalar(
        select(PetitionSignature).where(PetitionSignature.petition_id == petition.id)
    )
    db.session.refresh(signature)
    assert (signature.pending_first_name, signature.zip_code, signature.comment, signature.show_name) == (
        None,
        "19104",
        None,
        True,
    )


# -- what Rosa's click saves is what her confirm page showed -------------------------------------

CHANGED_NOTICE = "The details of this signature changed since you opened this page."


def test_a_stranger_signing_after_rosa_opened_her_confirm_page_changes_what_her_click_saves(
    app, coalition, make_petition, mailbox
):
    """Rosa reads her own name and comment; a stranger signs again with her address; the click
    from the page she read saves nothing of the stranger's, and shows her what changed."""
    petition = make_petition()
    rosa_browser = app.test_client()
    form = sign_form(rosa_browser, petition, email=ROSA, first_name="Rosa", comment="Por mi hija")
    rosa_browser.post(f"/petitions/{petition.slug}/sign", data=form)
    link = mailbox.last_link(ROSA, "/petitions/confirm/")
    read = rosa_browser.get(link)
    assert "Por mi hija" in text_of(read) and "Mallory" not in text_of(read)
    stranger = app.test_client()
    form = sign_form(
        stranger, petition, email=ROSA, first_name="Mallory", comment="hateful words", show_name="y"
    )
    stranger.post(f"/petitions/{petition.slug}/sign", data=form)

    again = rosa_browser.post(link, data=shown_on(read))
    assert again.status_code == 409
    page = text_of(again)
    assert CHANGED_NOTICE in page and "Mallory" in page and "hateful words" in page
    signature = db.session.scalar(select(PetitionSignature))
    db.session.refresh(signature)
    assert signature.confirmed_at is None and rosa(coalition).first_name == "Rosa"

    # A click from the page that showed the stranger's details saves what it showed.
    assert "your signature counts" in text_of(rosa_browser.post(link, data=shown_on(again)))
    db.session.refresh(signature)
    assert signature.confirmed_at is not None and signature.show_name
    assert rosa(coalition).first_name == "Mallory"


def _rosa_on_file_in_spanish(app, make_petition, mailbox):
    """Rosa signed a first petition in Spanish, ZIP code 19104, the box ticked, and confirmed."""
    first = make_petition(title="Primera")
    rosa_browser = app.test_client()
    rosa_browser.get("/language/es")
    form = sign_form(rosa_browser, first, email=ROSA, first_name="Rosa") | {"subscribe": "y"}
    rosa_browser.post(f"/petitions/{first.slug}/sign", data=form)
    click_confirm(rosa_browser, mailbox.last_link(ROSA, "/petitions/confirm/"))
    return rosa_browser


def _stranger_signs_again(app, make_petition, mailbox, **typed):
    """Rosa signs a second petition, then a stranger with her address and `typed`; returns
    Rosa's browser and the text of her confirm page."""
    rosa_browser = _rosa_on_file_in_spanish(app, make_petition, mailbox)
    petition = make_petition(title="Segunda")
    rosa_browser.post(
        f"/petitions/{petition.slug}/sign",
        data=sign_form(rosa_browser, petition, email=ROSA, first_name="Rosa"),
    )
    stranger = app.test_client()
    stranger.get("/language/en")
    form = sign_form(stranger, petition, email=ROSA, first_name="Rosa") | typed
    stranger.post(f"/petitions/{petition.slug}/sign", data=form)
    return rosa_browser, mailbox.last_link(ROSA, "/petitions/confirm/")


def test_a_stranger_signing_after_rosa_switches_her_emails_to_english_unseen_on_the_confirm_page(
    app, coalition, make_petition, mailbox
):
    rosa_browser, link = _stranger_signs_again(app, make_petition, mailbox)
    page = text_of(rosa_browser.get(link))
    assert "Confirma tu firma" in page and "Idioma de los correos Inglés" in page
    assert "Código postal" not in page and "Nombre" not in page  # only what changes is listed
    click_confirm(rosa_browser, link)
    assert (rosa(coalition).language, rosa(coalition).zip_code) == ("en", "19104")


def test_a_stranger_signing_after_rosa_moves_her_zip_code_unseen_on_the_confirm_page(
    app, coalition, make_petition, mailbox
):
    rosa_browser, link = _stranger_signs_again(app, make_petition, mailbox, zip_code="10001")
    page = text_of(rosa_browser.get(link))
    assert "Código postal 10001" in page
    click_confirm(rosa_browser, link)
    assert rosa(coalition).zip_code == "10001"


def test_a_stranger_signing_after_rosa_drops_the_subscription_she_ticked_unseen_on_the_confirm_page(
    app, coalition, make_petition, mailbox
):
    petition = make_petition()
    rosa_browser = app.test_client()
    form = sign_form(rosa_browser, petition, email=ROSA, first_name="Rosa") | {"subscribe": "y"}
    rosa_browser.post(f"/petitions/{petition.slug}/sign", data=form)
    stranger = app.test_client()
    stranger.post(
        f"/petitions/{petition.slug}/sign", data=sign_form(stranger, petition, email=ROSA, first_name="Rosa")
    )
    link = mailbox.last_link(ROSA, "/petitions/confirm/")
    assert "Confirming does not subscribe you" in text_of(rosa_browser.get(link))
    click_confirm(rosa_browser, link)
    assert rosa(coalition).subscription != Subscription.SUBSCRIBED and consents() == 0


# -- the link in the email, clicked twice or passed on -------------------------------------------


def test_a_double_click_on_confirm_saves_once_and_answers_the_same(app, coalition, make_petition, mailbox):
    petition = make_petition()
    rosa_browser = app.test_client()
    form = sign_form(rosa_browser, petition, email=ROSA, first_name="Rosa") | {"subscribe": "y"}
    rosa_browser.post(f"/petitions/{petition.slug}/sign", data=form)
    link = mailbox.last_link(ROSA, "/petitions/confirm/")
    page = shown_on(rosa_browser.get(link))
    first, second = rosa_browser.post(link, data=page), rosa_browser.post(link, data=page)
    assert (first.status_code, second.status_code) == (200, 200)
    assert "your signature counts" in text_of(first) and "your signature counts" in text_of(second)
    signature = db.session.scalar(select(PetitionSignature))
    db.session.refresh(signature)
    confirmed_at = signature.confirmed_at
    assert signature.state == "confirmed" and consents() == 1
    rosa_browser.post(link, data=page)
    db.session.refresh(signature)
    assert signature.confirmed_at == confirmed_at and consents() == 1


def test_a_forwarded_confirm_link_once_confirmed_shows_nothing_rosa_typed_or_chose(
    app, client, coalition, make_petition, mailbox
):
    """People forward petition emails to friends: after Rosa confirmed, her link shows a friend
    neither her comment nor whether she subscribed, and a click changes nothing."""
    petition = make_petition()
    form = sign_form(client, petition, email=ROSA, first_name="Rosa", comment="Por mi hija")
    client.post(f"/petitions/{petition.slug}/sign", data=form | {"subscribe": "y"})
    link = mailbox.last_link(ROSA, "/petitions/confirm/")
    assert "Por mi hija" in text_of(client.get(link))  # Rosa's own page, before she confirms
    click_confirm(client, link)
    friend = app.test_client()
    page = text_of(friend.get(link))
    assert "Por mi hija" not in page and "subscribe" not in page and "Confirming saves" not in page
    click_confirm(friend, link)
    assert consents() == 1 and rosa(coalition).first_name == "Rosa"
