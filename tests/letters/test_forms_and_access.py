"""Bad input answered clearly with nothing lost; other coalitions see nothing of a letter."""

from datetime import datetime

from sqlalchemy import select

from campaign.coalitions import services as coalitions
from campaign.letters.models import Letter, Signature, SignatureState
from tests.letters.conftest import letter_form, sign_form
from tests.pages import text_of


def _post_sign(client, letter, **overrides):
    return client.post(f"/letters/sign/{letter.signon_key}", data=sign_form(**overrides))


def test_sign_on_without_the_authorization_box_is_refused_and_keeps_what_was_typed(client, make_letter, db):
    letter = make_letter()
    response = _post_sign(client, letter, authorized="", signer_name="Erika Almirón")
    page = text_of(response)
    assert response.status_code == 400
    assert "Tick this box to confirm you may sign for your organization." in page
    assert 'value="Erika Almirón"' in response.get_data(as_text=True)
    assert db.session.query(Signature).count() == 0


def test_sign_on_with_an_invalid_email_says_so(client, make_letter):
    response = _post_sign(client, make_letter(), email="erika@")
    assert response.status_code == 400
    assert "Enter an email address like name@example.org." in text_of(response)
    assert 'value="erika@"' in response.get_data(as_text=True)


def test_organization_names_of_only_spaces_or_of_5000_characters_are_refused(client, make_letter, db):
    letter = make_letter()
    spaces = _post_sign(client, letter, organization_name="     ")
    assert spaces.status_code == 400 and "Enter your organization’s name." in text_of(spaces)
    huge = _post_sign(client, letter, organization_name="A" * 5000)
    assert huge.status_code == 400 and "Use at most 200 characters." in text_of(huge)
    assert db.session.query(Signature).count() == 0


def test_bad_input_on_the_sign_on_form_is_answered_in_spanish(client, make_letter):
    letter = make_letter()
    client.get("/language/es")
    response = _post_sign(client, letter, authorized="")
    assert "Marca esta casilla" in text_of(response)


def test_a_script_tag_in_the_title_is_refused_and_the_text_kept(client, coalition, db):
    body = "Dear Secretary,\n\nOur long, carefully written text."
    response = client.post(
        f"/coalitions/{coalition.slug}/letters/new",
        data=letter_form(title="<script>alert(1)</script>Stop the raids", body=body),
    )
    assert response.status_code == 200
    assert "Use plain text here: remove the HTML tags." in text_of(response)
    assert "Our long, carefully written text." in response.get_data(as_text=True)
    assert db.session.query(Letter).count() == 0


def test_a_letter_needs_an_official_to_address(client, coalition):
    form = letter_form(**{"targets-0-name": "", "targets-0-title": "", "targets-0-office": ""})
    form.update({"targets-1-name": "", "targets-1-title": "", "targets-1-office": ""})
    response = client.post(f"/coalitions/{coalition.slug}/letters/new", data=form)
    assert "Name at least one official the letter is addressed to." in text_of(response)


def test_a_past_deadline_is_refused(client, coalition):
    response = client.post(
        f"/coalitions/{coalition.slug}/letters/new", data=letter_form(deadline="2020-01-01T12:00")
    )
    assert "Choose a deadline in the future." in text_of(response)


def test_a_bad_delivery_record_keeps_what_was_typed(client, coalition, make_letter):
    letter = make_letter()
    response = client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/delivery",
        data={"delivered_on": "", "delivery_method": "Hand-delivered", "delivered_to": ""},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter the date the letter was delivered." in page and 'value="Hand-delivered"' in page


def test_another_coalition_sees_no_drafts_sign_ons_or_exports(
    client, coalition, make_letter, sign, make_user, login
):
    letter = make_letter()
    sign(letter, confirm=False)
    draft = make_letter(open_it=False, title="A draft")
    client.post("/accounts/logout")
    stranger = make_user(email="stranger@example.org")
    coalitions.create_coalition(stranger, "Another Coalition", "", "")
    login(email="stranger@example.org")
    base = f"/coalitions/{coalition.slug}/letters"
    for path in (
        base,
        f"{base}/{draft.id}",
        f"{base}/{draft.id}/edit",
        f"{base}/{letter.id}/signatures",
        f"{base}/{letter.id}/signatures?show=unconfirmed",
        f"{base}/{letter.id}/signatories.csv",
        f"{base}/{letter.id}/packet",
        f"{base}/{letter.id}/packet.pdf",
        f"{base}/{letter.id}/summary",
    ):
        assert client.get(path).status_code == 404, path
    for action in ("open", "close", "release", "reopen", "delivery", "response", "signatures", "summary"):
        assert client.post(f"{base}/{letter.id}/{action}").status_code == 404, action
    assert client.get(f"/letters/{draft.slug}").status_code == 404


def test_viewers_read_but_cannot_decide(client, coalition, make_letter, sign, add_teammate_login, db):
    letter = make_letter()
    sign(letter)
    add_teammate_login(coalition, "viewer")
    assert client.get(f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures").status_code == 200
    signature_id = db.session.scalar(select(Signature.id))
    response = client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures",
        data={"signature_id": str(signature_id), "approve": "Approve selected"},
    )
    assert response.status_code == 403


def test_ticked_values_that_are_no_signature_id_are_ignored(client, coalition, make_letter, sign, db):
    """A crafted post: too big for an id, or a digit int() cannot read (the fuzz found both 500s)."""
    letter = make_letter()
    sign(letter)
    signature_id = db.session.scalar(select(Signature.id))
    response = client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures",
        data={"signature_id": ["99999999999999999999", "²", "-1", str(signature_id)], "approve": "Approve"},
    )
    assert response.status_code == 302
    assert db.session.get(Signature, signature_id).state == SignatureState.APPROVED


def test_a_letter_for_organizations_only_signs_everyone_as_an_organization(client, make_letter, db):
    letter = make_letter()
    form = sign_form()
    del form["kind"]  # the page shows no choice
    assert client.post(f"/letters/sign/{letter.signon_key}", data=form).status_code == 302
    tricked = sign_form(kind="individual", email="someone@example.org", organization_name="Puentes de Salud")
    assert client.post(f"/letters/sign/{letter.signon_key}", data=tricked).status_code == 302
    assert {s.kind.value for s in db.session.scalars(select(Signature))} == {"organization"}


def test_a_deadline_already_passed_and_left_as_it_was_does_not_block_editing(
    client, coalition, db, make_letter
):
    letter = make_letter(open_it=False, deadline="2030-01-01T12:00")
    letter.deadline = datetime(2020, 1, 1, 17, 0)  # noon in New York, now gone
    db.session.commit()
    edited = letter_form(title="End 287(g) agreements today", deadline="2020-01-01T12:00")
    response = client.post(f"/coalitions/{coalition.slug}/letters/{letter.id}/edit", data=edited)
    assert response.status_code == 302, text_of(response)
    db.session.refresh(letter)
    assert letter.title == "End 287(g) agreements today"
    moved = letter_form(deadline="2021-01-01T12:00")
    response = client.post(f"/coalitions/{coalition.slug}/letters/{letter.id}/edit", data=moved)
    assert "Choose a deadline in the future." in text_of(response)
