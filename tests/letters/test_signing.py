"""Signing on: confirmation by email, one entry per organization, vetting, the public list."""

from sqlalchemy import select

from campaign.letters.models import Signature, SignatureState
from campaign.organizations.services import create_organization
from tests.letters.conftest import approve_all, sign_form
from tests.pages import click_confirm, text_of


def test_a_sign_on_counts_only_after_the_email_confirmation_and_approval(
    client, coalition, make_letter, sign, mailbox, db
):
    letter = make_letter()
    sign(letter, confirm=False)
    signature = db.session.scalar(select(Signature))
    assert signature.state == SignatureState.UNCONFIRMED
    assert "Juntos" not in text_of(client.get(f"/letters/{letter.slug}"))

    page = sign(letter)  # the same address and organization again: the same row, its link sent again
    assert "review each sign-on" in text_of(page)
    assert db.session.scalar(select(Signature).where(Signature.state == SignatureState.PENDING))
    approve_all(client, coalition, letter)
    public = text_of(client.get(f"/letters/{letter.slug}"))
    assert "Juntos" in public and "Philadelphia, PA" in public and "1 organization" in public
    assert [m["Subject"] for m in mailbox.to("erika@juntos.example")][-1].startswith(
        "Your signature is approved"
    )


def test_a_colleagues_second_sign_on_waits_beside_the_first_and_one_is_listed(
    client, coalition, make_letter, sign, db
):
    letter = make_letter()
    sign(letter)
    approve_all(client, coalition, letter)
    again = sign(letter, signer_name="Otra Persona", email="otra@juntos.example", organization_name="JUNTOS")
    # Not turned away: the organizer, not the order of the clicks, says who speaks for Juntos.
    assert "review each sign-on" in text_of(again) and "Already signed" not in text_of(again)
    states = sorted(s.state for s in db.session.scalars(select(Signature)))
    assert states == [SignatureState.APPROVED, SignatureState.PENDING]
    assert "1 organization" in text_of(client.get(f"/letters/{letter.slug}"))


def test_two_unconfirmed_sign_ons_confirmed_both_wait_and_one_is_approved(
    client, coalition, make_letter, sign, mailbox, db
):
    letter = make_letter()
    sign(letter, confirm=False)
    sign(letter, confirm=False, email="colleague@juntos.example", signer_name="Colleague")
    click_confirm(client, mailbox.last_link("colleague@juntos.example", "/letters/confirm/"))
    late_click = click_confirm(client, mailbox.last_link("erika@juntos.example", "/letters/confirm/"))
    assert "review each sign-on" in text_of(late_click)
    assert [s.state for s in db.session.scalars(select(Signature))] == [SignatureState.PENDING] * 2
    approve_all(client, coalition, letter)  # both ticked: the organization is listed once
    states = sorted(s.state for s in db.session.scalars(select(Signature)))
    assert states == [SignatureState.APPROVED, SignatureState.PENDING]


def test_an_acronym_finds_the_existing_organization(client, make_letter, sign, db):
    aclu = create_organization("American Civil Liberties Union", website="https://www.aclu.example")
    db.session.commit()
    letter = make_letter()
    sign(letter, organization_name="ACLU", email="someone@aclu.example")
    assert db.session.scalar(select(Signature)).organization_id == aclu.id
    found = client.get(f"/letters/sign/{letter.signon_key}/organizations.json?q=civil liberties").get_json()
    assert found[0]["name"] == "American Civil Liberties Union"


def test_signers_at_a_members_verified_domain_are_approved_at_once_when_the_organizer_says_so(
    client, coalition, make_letter, sign, db
):
    from campaign.coalitions import services as coalitions

    # The domain is trusted once accepted from and confirmed; the website alone proves nothing.
    membership = coalitions.invite(
        coalition,
        coalition.roles[0].user,
        contact_email="ana@maketheroadny.example",
        name="Make the Road New York",
    )
    coalitions.accept(membership)
    coalitions.trust_domain(membership)  # an organizer trusts the domain the link reached
    create_organization("Somewhere Else", website="https://somewhere.example")
    db.session.commit()
    letter = make_letter(auto_approve_domains="y")
    page = sign(letter, organization_name="Make the Road New York", email="jo@maketheroadny.example")
    assert "you are on the letter" in text_of(page)
    other = sign(letter, organization_name="Somewhere Else", email="x@somewhere.example")
    assert "review each sign-on" in text_of(other)  # a website anyone could have typed


def test_rejection_tells_the_signer(client, coalition, make_letter, sign, mailbox, db):
    letter = make_letter()
    sign(letter)
    signature = db.session.scalar(select(Signature))
    client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures",
        data={"signature_id": str(signature.id), "reject": "Reject selected"},
    )
    db.session.refresh(signature)
    assert signature.state == SignatureState.REJECTED
    assert mailbox.to("erika@juntos.example")[-1]["Subject"].startswith("About your signature")


def test_individuals_are_counted_apart_and_listed_only_if_they_ask(client, coalition, make_letter, sign, db):
    letter = make_letter(allow_individuals="y")
    sign(letter)
    sign(letter, kind="individual", signer_name="Rosa Parks", email="rosa@example.org", show_name="y")
    sign(letter, kind="individual", signer_name="Hidden Person", email="hidden@example.org")
    approve_all(client, coalition, letter)
    public = text_of(client.get(f"/letters/{letter.slug}"))
    assert "1 organization · 2 individuals" in public
    assert "Rosa Parks" in public and "Hidden Person" not in public


def test_a_confirmation_link_opened_by_a_mail_scanner_confirms_nothing(
    client, make_letter, sign, mailbox, db
):
    letter = make_letter()
    sign(letter, confirm=False)
    client.get(mailbox.last_link("erika@juntos.example", "/letters/confirm/"))
    assert db.session.scalar(select(Signature)).state == SignatureState.UNCONFIRMED
    assert client.get("/letters/confirm/not-a-token").status_code == 404


def test_the_sign_on_page_and_emails_speak_spanish(client, make_letter, mailbox, db):
    letter = make_letter(title_es="Pongan fin a los acuerdos 287(g)", body_es="Estimado Secretario...")
    client.get("/language/es")
    response = client.get(f"/letters/sign/{letter.signon_key}")
    assert "Pongan fin a los acuerdos 287(g)" in text_of(response)
    assert 'value="Firmar la carta"' in response.get_data(as_text=True)
    client.post(f"/letters/sign/{letter.signon_key}", data=sign_form())
    message = mailbox.to("erika@juntos.example")[-1]
    assert message["Subject"] == "Confirma tu firma: Pongan fin a los acuerdos 287(g)"


def test_linking_duplicate_organizations_keeps_one_signature_per_letter(
    client, coalition, make_letter, sign, db
):
    from campaign.organizations.services import link_duplicate

    letter = make_letter()
    sign(letter, organization_name="Juntos")
    sign(letter, organization_name="Juntos Philadelphia", email="otra@juntos.example")
    approve_all(client, coalition, letter)  # two records, so two listed organizations
    kept, duplicate = (s.organization for s in db.session.scalars(select(Signature).order_by(Signature.id)))
    link_duplicate(kept, duplicate)
    db.session.commit()
    states = sorted(s.state for s in db.session.scalars(select(Signature)))
    assert states == [SignatureState.APPROVED, SignatureState.DUPLICATE]


def test_an_erased_signer_leaves_the_letter_but_the_organization_stays(client, coalition, make_letter, sign):
    from campaign.extensions import db as _db
    from campaign.supporters.services import erase_supporter_data

    letter = make_letter(allow_individuals="y")
    sign(letter)
    sign(letter, kind="individual", signer_name="Rosa Parks", email="rosa@example.org", show_name="y")
    approve_all(client, coalition, letter)
    erase_supporter_data("rosa@example.org")
    erase_supporter_data("erika@juntos.example")
    _db.session.commit()
    public = text_of(client.get(f"/letters/{letter.slug}"))
    assert "Juntos" in public and "Rosa Parks" not in public and "1 individual" in public
    assert all(s.signer_name is None for s in _db.session.scalars(select(Signature)))


def test_an_alert_can_go_to_a_letters_signers_who_opted_in(client, coalition, make_letter, sign, db):
    from campaign.notifications import audience

    letter = make_letter()
    sign(letter, subscribe="y")
    sign(letter, organization_name="Puentes de Salud", email="no-news@puentes.example")
    option = f"letter:{letter.id}"
    assert option in dict(audience.options(coalition.id))
    assert audience.count(coalition.id, audience.from_option(option)) == 1
