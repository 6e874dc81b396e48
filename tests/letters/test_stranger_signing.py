"""A stranger who signs a letter on with someone else's address changes nothing of theirs."""

from sqlalchemy import func, select

from campaign.extensions import db
from campaign.letters.models import Signature, SignatureState
from campaign.organizations.models import Organization
from campaign.supporters.models import Consent, Subscription
from campaign.supporters.services import find_supporter
from tests.letters.conftest import sign_form
from tests.pages import click_confirm, shown_on, text_of

ROSA = "rosa@juntos.example"


def rosa(coalition):
    db.session.expire_all()
    return find_supporter(coalition.id, ROSA)


def consents() -> int:
    return db.session.scalar(select(func.count()).select_from(Consent))


def test_a_stranger_signing_on_with_rosas_address_cannot_rename_resubscribe_or_consent_for_her(
    app, client, coalition, make_letter, mailbox
):
    first, second = make_letter(), make_letter(title="Stop the raids in Norristown")
    client.get("/language/es")
    form = sign_form(email=ROSA, signer_name="Rosa Díaz", subscribe="y")
    assert client.post(f"/letters/sign/{first.signon_key}", data=form).status_code == 302
    click_confirm(client, mailbox.last_link(ROSA, "/letters/confirm/"))
    assert rosa(coalition).subscription == Subscription.SUBSCRIBED
    client.post(f"/u/{rosa(coalition).preferences_token}", data={"language": "es"})
    assert rosa(coalition).subscription == Subscription.UNSUBSCRIBED
    consents_before = consents()

    stranger = app.test_client()
    stranger.get("/language/en")
    form = sign_form(email=ROSA, signer_name="Mallory Stone", organization_name="Juntos", subscribe="y")
    assert stranger.post(f"/letters/sign/{second.signon_key}", data=form).status_code == 302

    record = rosa(coalition)
    assert (record.first_name, record.last_name, record.language) == ("Rosa", "Díaz", "es")
    assert record.subscription == Subscription.UNSUBSCRIBED and consents() == consents_before
    message = mailbox.to(ROSA)[-1]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Hola, Rosa:" in text and "Mallory" not in text
    assert message["Subject"].startswith("Confirma tu firma")

    # Rosa owns the mailbox: confirming that sign-on herself applies what was typed with it.
    link = mailbox.last_link(ROSA, "/letters/confirm/")
    assert "Confirma tu firma" in app.test_client().get(link).get_data(as_text=True)  # her language
    assert rosa(coalition).first_name == "Rosa" and consents() == consents_before
    click_confirm(client, link)
    record = rosa(coalition)
    assert (record.first_name, record.last_name, record.language) == ("Mallory", "Stone", "en")
    assert record.subscription == Subscription.SUBSCRIBED
    consent = db.session.scalars(select(Consent).order_by(Consent.id.desc())).first()
    assert (consent.language, consent.source) == ("en", f"letter:{second.id}")
    assert consent.wording.startswith("Email me news and calls to action from")
    assert db.session.scalars(select(Signature.pending_consent)).all() == [None, None]


def test_a_new_signers_consent_waits_for_the_confirmation(client, coalition, make_letter, sign, mailbox):
    letter = make_letter()
    sign(letter, confirm=False, email="new@casa.example", organization_name="Casa", subscribe="y")
    signer = find_supporter(coalition.id, "new@casa.example")
    assert signer.first_name == "Erika" and signer.subscription == Subscription.NOT_ASKED
    assert consents() == 0 and signer.confirmed_at is None  # not on file: anyone can type an address
    click_confirm(client, mailbox.last_link("new@casa.example", "/letters/confirm/"))
    assert find_supporter(coalition.id, "new@casa.example").confirmed_at is not None
    (consent,) = db.session.scalars(select(Consent)).all()
    assert consent.wording == (
        f"Email me news and calls to action from {coalition.name}. I can unsubscribe at any time."
    )
    assert (consent.supporter_id, consent.language) == (signer.id, "en")
    assert rosa(coalition) is None and find_supporter(coalition.id, "new@casa.example").subscription == (
        Subscription.SUBSCRIBED
    )


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


INDIVIDUAL = {"kind": "individual", "organization_name": "", "signer_title": ""}


def test_a_stranger_cannot_learn_that_rosa_signed_a_letter_unlisted(
    app, client, coalition, make_letter, sign, mailbox
):
    letter = make_letter(allow_individuals="y")
    client.get("/language/es")
    sign(letter, email=ROSA, signer_name="Rosa Díaz", confirm=False, **INDIVIDUAL)  # not listed: no show_name
    click_confirm(client, mailbox.last_link(ROSA, "/letters/confirm/"))
    assert "Rosa" not in text_of(client.get(f"/letters/{letter.slug}"))
    stranger = app.test_client()
    stranger.get("/language/en")
    answers = [
        stranger.post(
            f"/letters/sign/{letter.signon_key}", data=sign_form(email=email, signer_name="X Y", **INDIVIDUAL)
        ).location
        for email in (ROSA, "nobody@example.org")
    ]
    assert answers[0] == answers[1]
    # The address's owner is the one told, in her own language, with nothing the stranger typed.
    told = mailbox.to(ROSA)[-1]
    assert told["Subject"].startswith("Ya firmaste") and "X Y" not in told.as_string()
    assert "Hola, Rosa:" in body_of(told) and "/letters/confirm/" not in body_of(told)


def test_a_stranger_cannot_learn_which_organizations_signed_from_the_sign_on_page(
    app, make_letter, sign, mailbox
):
    letter = make_letter()
    sign(letter)  # Erika, for Juntos
    stranger = app.test_client()
    answers = {
        stranger.post(f"/letters/sign/{letter.signon_key}", data=sign_form(**typed)).location
        for typed in (
            {},  # Erika's own address
            {"email": "someone@else.example"},  # another address, for the organization that signed
            {"organization_name": "Make the Road", "email": "jo@mtr.example"},  # one that did not
        )
    }
    assert len(answers) == 1
    assert mailbox.to("erika@juntos.example")[-1]["Subject"].startswith("You have already signed")


def test_a_stranger_signing_on_again_and_again_sends_rosa_three_emails_at_most(
    app, client, coalition, make_letter, sign, mailbox
):
    letter = make_letter()
    sign(letter, email=ROSA, signer_name="Rosa Díaz", confirm=False)
    stranger = app.test_client()
    for _ in range(5):
        stranger.post(f"/letters/sign/{letter.signon_key}", data=sign_form(email=ROSA, signer_name="X Y"))
    assert len(mailbox.to(ROSA)) == 1 + 3
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 1


def test_rosa_signing_on_after_a_stranger_gets_her_own_name_not_the_strangers(
    app, client, coalition, make_letter, sign, mailbox
):
    letter = make_letter()
    sign(letter, email=ROSA, signer_name="Rosa Díaz", organization_name="Other")  # on file, confirmed
    consents_before = consents()
    stranger = app.test_client()
    form = sign_form(email=ROSA, signer_name="Mallory Stone", signer_title="Boss", subscribe="y")
    stranger.post(f"/letters/sign/{letter.signon_key}", data=form)
    page = sign(letter, email=ROSA, signer_name="Rosa Díaz", signer_title="Organizer")
    assert "review each sign-on" in text_of(page)
    record = rosa(coalition)
    assert (record.first_name, record.last_name) == ("Rosa", "Díaz") and consents() == consents_before
    signature = db.session.scalar(select(Signature).where(Signature.organization_name == "Juntos"))
    assert (signature.signer_name, signature.signer_title) == ("Rosa Díaz", "Organizer")


def test_a_stranger_signing_on_after_rosa_shows_the_strangers_name_on_her_confirm_page(
    app, client, make_letter, sign, mailbox
):
    letter = make_letter()
    sign(letter, email=ROSA, signer_name="Rosa Díaz", confirm=False)
    stranger = app.test_client()
    form = sign_form(email=ROSA, signer_name="Mallory Stone", subscribe="y")
    stranger.post(f"/letters/sign/{letter.signon_key}", data=form)
    links = {mailbox.last_link(ROSA, "/letters/confirm/")}
    page = text_of(app.test_client().get(links.pop()))
    assert "Mallory Stone" in page and "subscribes you" in page


# -- what Rosa's click saves is what her confirm page showed -------------------------------------

INDIVIDUAL = {"kind": "individual", "organization_name": "", "signer_title": ""}


def test_a_stranger_signing_on_after_rosa_opened_her_confirm_page_lists_her_by_name(
    app, coalition, make_letter, mailbox
):
    letter = make_letter(allow_individuals="y")
    rosa_browser = app.test_client()
    form = sign_form(email=ROSA, signer_name="Rosa Díaz", **INDIVIDUAL)
    rosa_browser.post(f"/letters/sign/{letter.signon_key}", data=form)
    link = mailbox.last_link(ROSA, "/letters/confirm/")
    read = rosa_browser.get(link)
    assert "Not listed" in text_of(read)
    form = sign_form(email=ROSA, signer_name="Mallory Díaz", show_name="y", **INDIVIDUAL)
    app.test_client().post(f"/letters/sign/{letter.signon_key}", data=form)

    again = rosa_browser.post(link, data=shown_on(read))
    assert again.status_code == 409
    page = text_of(again)
    assert "The details of this signature changed" in page and "Mallory Díaz" in page and "Listed." in page
    signature = db.session.scalar(select(Signature))
    db.session.refresh(signature)
    assert signature.state == SignatureState.UNCONFIRMED and rosa(coalition).first_name == "Rosa"

    # A click from the page that showed the stranger's details saves what it showed.
    rosa_browser.post(link, data=shown_on(again))
    db.session.refresh(signature)
    assert signature.state == SignatureState.PENDING and signature.show_name
    assert rosa(coalition).first_name == "Mallory"


def test_a_stranger_signing_on_after_rosa_moves_her_organizations_listed_city_unseen_on_the_confirm_page(
    app, coalition, make_letter, mailbox
):
    letter = make_letter()
    rosa_browser = app.test_client()
    rosa_browser.post(f"/letters/sign/{letter.signon_key}", data=sign_form(email=ROSA))
    form = sign_form(email=ROSA, city="Tombstone", us_state="AZ", sector="labor", scope="national")
    app.test_client().post(f"/letters/sign/{letter.signon_key}", data=form)
    link = mailbox.last_link(ROSA, "/letters/confirm/")
    page = text_of(rosa_browser.get(link))
    assert "City and state Tombstone, AZ Sector Labor Scope National" in page
    click_confirm(rosa_browser, link)
    signature = db.session.scalar(select(Signature))
    db.session.refresh(signature)
    assert signature.state != SignatureState.UNCONFIRMED
    assert (signature.city, signature.us_state, signature.sector, signature.scope) == (
        "Tombstone",
        "AZ",
        "labor",
        "national",
    )


def test_a_stranger_cannot_flood_rosas_inbox_by_signing_on_for_ever_new_organizations(
    app, coalition, make_letter, mailbox
):
    letter = make_letter()
    organizations_before = db.session.scalar(select(func.count()).select_from(Organization))
    stranger = app.test_client()
    answers = set()
    for number in range(10):
        form = sign_form(email=ROSA, organization_name=f"Spam Org {number}")
        response = stranger.post(f"/letters/sign/{letter.signon_key}", data=form)
        answers.add((response.status_code, response.headers["Location"]))
    assert len(answers) == 1  # every one answers "check your email"
    assert len(mailbox.to(ROSA)) == 3
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 3
    assert db.session.scalar(select(func.count()).select_from(Organization)) == organizations_before + 3


def test_a_double_click_on_confirm_saves_once_and_a_forwarded_link_then_shows_nothing_typed(
    app, client, coalition, make_letter, mailbox
):
    letter = make_letter()
    form = sign_form(email=ROSA, signer_name="Rosa Díaz", signer_title="Organizadora", subscribe="y")
    client.post(f"/letters/sign/{letter.signon_key}", data=form)
    link = mailbox.last_link(ROSA, "/letters/confirm/")
    page = shown_on(client.get(link))
    first, second = client.post(link, data=page), client.post(link, data=page)
    assert (first.status_code, second.status_code) == (200, 200)
    assert "your signature is confirmed" in text_of(first)
    assert "This signature was already confirmed." in text_of(second)
    (signature,) = db.session.scalars(select(Signature)).all()
    assert signature.state == SignatureState.PENDING and consents() == 1

    friend = app.test_client()  # Rosa forwards the email, letter and all, to a colleague
    seen = text_of(friend.get(link))
    assert "Organizadora" not in seen and "Confirming saves" not in seen and "subscribe" not in seen
    assert "already confirmed" in text_of(click_confirm(friend, link)) and consents() == 1
