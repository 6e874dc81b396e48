"""Vetting without lockouts: rejected, withdrawn and unconfirmed sign-ons block no one; the queue
shows likely duplicates, membership and verified domains; merging and renaming."""

import html
import re
from email.utils import parseaddr

import pytest
from sqlalchemy import select

from campaign.coalitions import services as coalitions
from campaign.core.outbox import utcnow
from campaign.letters.models import ChangeKind, LetterChange, Signature, SignatureState
from campaign.letters.signing import take_off_letter
from tests.letters.conftest import approve_all
from tests.pages import text_of

OWNER = "organizer@example.org"


def _queue(coalition, letter, show="pending"):
    return f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures?show={show}"


def _decide(client, coalition, letter, signature, verdict):
    return client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures",
        data={"signature_id": str(signature.id), verdict: verdict.title()},
    )


def _card(page: str, signature_id: int) -> str:
    """One sign-on's card on the queue page: from its start to the next card's, or the page's end."""
    opening = '<li class="card signon-card">'
    start = page.rindex(opening, 0, page.index(f'id="name-{signature_id}"'))
    end = page.find(opening, start + 1)
    return page[start : end if end != -1 else len(page)]


def _by_email(db, email):
    return next(s for s in db.session.scalars(select(Signature)) if s.supporter.email == email)


def test_a_rejected_imposter_does_not_lock_the_real_organization_out(
    client, coalition, make_letter, sign, mailbox, db
):
    letter = make_letter()
    sign(letter, organization_name="Mijente", email="mijente.sign@gmail.com", signer_name="Not Marisa")
    imposter = _by_email(db, "mijente.sign@gmail.com")
    assert imposter.state == SignatureState.PENDING
    _decide(client, coalition, letter, imposter, "reject")

    page = sign(letter, organization_name="Mijente", email="marisa@mijente.net", signer_name="Marisa Franco")
    assert "Already signed" not in text_of(page) and "review each sign-on" in text_of(page)
    marisa = _by_email(db, "marisa@mijente.net")
    assert marisa.state == SignatureState.PENDING and marisa.organization_id == imposter.organization_id
    queue = text_of(client.get(_queue(coalition, letter)))
    assert "Marisa Franco" in queue and "Another sign-on for this organization was rejected on" in queue
    told = mailbox.to(OWNER)
    # The name is the signer's to choose: the subject to every organizer does not carry it.
    assert told and told[-1]["Subject"] == "A sign-on to review on End 287(g) agreements now"
    assert "Mijente signed" in told[-1].get_body(preferencelist=("plain",)).get_content()
    assert "/signatures" in told[-1].get_body(preferencelist=("plain",)).get_content()


def test_the_organizers_are_told_in_their_own_language(
    client, coalition, make_letter, sign, mailbox, db, make_user
):
    from campaign.coalitions.models import CoalitionRole, Role

    spanish = make_user(email="lucia@example.org", name="Lucía")
    spanish.locale = "es"
    db.session.add(CoalitionRole(coalition=coalition, user=spanish, role=Role.ORGANIZER))
    coalition.contact_email = "oficina@coalicion.example"
    db.session.commit()
    letter = make_letter()
    sign(letter, organization_name="Mijente", email="x@gmail.com")
    _decide(client, coalition, letter, _by_email(db, "x@gmail.com"), "reject")
    sign(letter, organization_name="Mijente", email="marisa@mijente.net")
    told = mailbox.to("lucia@example.org")[-1]
    assert told["Subject"] == "Una adhesión por revisar en End 287(g) agreements now"
    # Like every email about the coalition, it answers to the coalition's contact address.
    assert parseaddr(str(told["Reply-To"]))[1] == "oficina@coalicion.example"


def test_an_unconfirmed_sign_on_blocks_no_one(client, coalition, make_letter, sign, db):
    letter = make_letter()
    sign(letter, confirm=False, organization_name="Mijente", email="someone@gmail.com")
    page = sign(letter, organization_name="Mijente", email="marisa@mijente.net")
    assert "review each sign-on" in text_of(page)
    assert _by_email(db, "marisa@mijente.net").state == SignatureState.PENDING


def test_a_withdrawn_sign_on_blocks_no_one(client, coalition, make_letter, sign, db):
    letter = make_letter()
    sign(letter, organization_name="Mijente", email="first@mijente.net")
    first = _by_email(db, "first@mijente.net")
    take_off_letter(first, SignatureState.WITHDRAWN, utcnow(), None)  # what a withdraw link does
    db.session.commit()
    page = sign(letter, organization_name="Mijente", email="marisa@mijente.net")
    assert "review each sign-on" in text_of(page)
    db.session.refresh(first)
    assert first.signer_key is None
    assert "was withdrawn on" in text_of(client.get(_queue(coalition, letter)))


def test_the_same_address_signing_again_after_a_rejection_enters_the_queue(
    client, coalition, make_letter, sign, db
):
    letter = make_letter()
    sign(letter)
    _decide(client, coalition, letter, db.session.scalar(select(Signature)), "reject")
    page = sign(letter)
    assert "review each sign-on" in text_of(page)
    states = sorted(s.state for s in db.session.scalars(select(Signature)))
    assert states == [SignatureState.PENDING, SignatureState.REJECTED]


def test_changing_a_rejection_back_is_refused_while_another_sign_on_is_approved(
    client, coalition, make_letter, sign, db
):
    letter = make_letter()
    sign(letter, organization_name="Mijente", email="x@gmail.com")
    imposter = _by_email(db, "x@gmail.com")
    _decide(client, coalition, letter, imposter, "reject")
    sign(letter, organization_name="Mijente", email="marisa@mijente.net")
    _decide(client, coalition, letter, _by_email(db, "marisa@mijente.net"), "approve")
    response = _decide(client, coalition, letter, imposter, "approve")
    db.session.refresh(imposter)
    assert imposter.state == SignatureState.REJECTED and imposter.signer_key is None
    page = text_of(client.get(response.headers["Location"]))
    assert "is not approved: another sign-on for this organization is on the letter" in page

    # With the other one rejected, the organizer's change of mind takes the key back.
    _decide(client, coalition, letter, _by_email(db, "marisa@mijente.net"), "reject")
    _decide(client, coalition, letter, imposter, "approve")
    db.session.refresh(imposter)
    assert imposter.state == SignatureState.APPROVED and imposter.signer_key.startswith("org:")


def test_the_queue_shows_likely_duplicates_membership_and_verified_domains(
    client, coalition, make_letter, sign, db
):
    member = coalitions.invite(
        coalition, coalition.roles[0].user, contact_email="ana@unitedwedream.example", name="United We Dream"
    )
    coalitions.accept(member)
    coalitions.trust_domain(member)
    db.session.commit()
    letter = make_letter()
    sign(letter, organization_name="United We Dream", email="ana@unitedwedream.example")
    sign(letter, organization_name="Puente", website="puenteaz.example", email="carlos@puenteaz.example")
    approve_all(client, coalition, letter)
    sign(letter, organization_name="United We Dream Network", email="someone@gmail.com")
    sign(letter, organization_name="Puente Human Rights Movement AZ", email="x@other.example")
    sign(letter, organization_name="Arizona Friends", email="y@puenteaz.example")

    page = text_of(client.get(_queue(coalition, letter)))
    assert "Likely the same organization as: United We Dream (Similar name · Approved)" in page
    assert "Signer’s address at the same domain (puenteaz.example)" in page
    assert "Not a coalition member" in page
    approved = text_of(client.get(_queue(coalition, letter, "approved")))
    assert "Coalition member" in approved and "a domain verified for this member" in approved


def test_merging_a_duplicate_keeps_the_listed_one(client, coalition, make_letter, sign, db):
    letter = make_letter()
    sign(letter, organization_name="United We Dream", email="ana@uwd.example")
    approve_all(client, coalition, letter)
    sign(letter, organization_name="United We Dream Network", email="jo@uwd.example")
    listed, duplicate = _by_email(db, "ana@uwd.example"), _by_email(db, "jo@uwd.example")
    base = f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures"
    response = client.post(f"{base}/{duplicate.id}/merge", data={"into": str(listed.id)})
    assert response.status_code == 302
    db.session.refresh(duplicate)
    assert duplicate.state == SignatureState.DUPLICATE and duplicate.merged_into_id == listed.id
    assert duplicate.decided_by_id is not None and listed.state == SignatureState.APPROVED
    # Merging into one that is not listed is refused, and says why.
    again = client.post(f"{base}/{listed.id}/merge", data={"into": str(duplicate.id)}, follow_redirects=True)
    assert "Merge into a sign-on that is listed on the letter." in text_of(again)
    assert client.post(f"{base}/{listed.id}/merge", data={"into": "x\x00"}).status_code == 400


def test_the_signer_sets_the_name_shown_and_an_organizer_renaming_a_listed_one_logs_it(
    client, coalition, make_letter, sign, db
):
    letter = make_letter()
    sign(
        letter,
        organization_name="American Civil Liberties Union of Georgia, Inc.",
        display_name="ACLU of Georgia",
        email="a@acluga.example",
    )
    signature = db.session.scalar(select(Signature))
    assert signature.organization_name == "ACLU of Georgia"
    assert signature.organization.name == "American Civil Liberties Union of Georgia, Inc."
    path = f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures/{signature.id}/name"
    client.post(path, data={"display_name": "ACLU Georgia"})  # not listed yet: no log
    assert db.session.scalar(select(LetterChange)) is None
    approve_all(client, coalition, letter)
    client.post(path, data={"display_name": "ACLU of Georgia"})
    change = db.session.scalar(select(LetterChange))
    assert change.kind == ChangeKind.DISPLAY_NAME
    assert change.details == {"old": "ACLU Georgia", "new": "ACLU of Georgia"}
    refused = client.post(path, data={"display_name": "<b>x</b>"}, follow_redirects=True)
    assert "Use plain text here" in text_of(refused)
    db.session.refresh(signature)
    assert signature.organization_name == "ACLU of Georgia"


def test_a_viewer_sees_no_vetting_buttons_and_cannot_post(
    client, coalition, make_letter, sign, add_teammate_login, db
):
    letter = make_letter()
    sign(letter, organization_name="United We Dream", email="ana@uwd.example")
    approve_all(client, coalition, letter)
    sign(letter, organization_name="United We Dream Network", email="jo@uwd.example")
    listed, duplicate = _by_email(db, "ana@uwd.example"), _by_email(db, "jo@uwd.example")
    add_teammate_login(coalition, "viewer")
    page = client.get(_queue(coalition, letter)).get_data(as_text=True)
    assert "United We Dream Network" in page
    for absent in ("Merge into", "Change the name", "Add a signatory by hand", 'name="signature_id"'):
        assert absent not in page
    assert 'for="sig-' not in page  # no label naming a box that is not there
    base = f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures"
    assert client.post(f"{base}/{duplicate.id}/merge", data={"into": str(listed.id)}).status_code == 403
    assert client.post(f"{base}/{listed.id}/name", data={"display_name": "X"}).status_code == 403
    assert client.get(f"{base}/add").status_code == 403
    db.session.refresh(duplicate)
    assert duplicate.state == SignatureState.PENDING


def test_another_coalition_cannot_act_on_this_letters_sign_ons(
    client, coalition, make_letter, sign, make_user, login, db
):
    letter = make_letter()
    sign(letter, organization_name="United We Dream", email="ana@uwd.example")
    approve_all(client, coalition, letter)
    sign(letter, organization_name="United We Dream Network", email="jo@uwd.example")
    listed, duplicate = _by_email(db, "ana@uwd.example"), _by_email(db, "jo@uwd.example")
    client.post("/accounts/logout")
    stranger = make_user(email="stranger@example.org")
    other = coalitions.create_coalition(stranger, "Another Coalition", "", "")
    db.session.commit()
    login(email="stranger@example.org")
    theirs = f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures"
    assert client.post(f"{theirs}/{duplicate.id}/merge", data={"into": str(listed.id)}).status_code == 404
    assert client.post(f"{theirs}/{listed.id}/name", data={"display_name": "X"}).status_code == 404
    assert client.post(f"{theirs}/add", data={"organization_name": "X"}).status_code == 404
    # Its own letter's pages with this letter's sign-on ids: not found either.
    client.post(
        f"/coalitions/{other.slug}/letters/new",
        data={"title": "Ours", "body": "Text", "targets-0-name": "Someone", "time_zone": "America/New_York"},
    )
    own = db.session.scalar(select(Signature.letter_id).where(Signature.id == listed.id))
    from campaign.letters.models import Letter

    own_letter = db.session.scalar(select(Letter).where(Letter.coalition_id == other.id))
    ours = f"/coalitions/{other.slug}/letters/{own_letter.id}/signatures"
    assert own == letter.id
    assert client.post(f"{ours}/{duplicate.id}/merge", data={"into": str(listed.id)}).status_code == 404
    assert client.post(f"{ours}/{listed.id}/name", data={"display_name": "X"}).status_code == 404
    response = client.post(ours, data={"signature_id": [str(duplicate.id)], "approve": "Approve"})
    assert response.status_code == 302
    db.session.refresh(duplicate)
    db.session.refresh(listed)
    assert duplicate.state == SignatureState.PENDING and listed.organization_name == "United We Dream"


@pytest.mark.parametrize("raw", ["Mijente%00", "%ED%A0%80Mijente", "Mi%0D%0Ajente", "M" * 10_000])
def test_hostile_bytes_in_a_rename_are_refused_or_kept_as_text(client, coalition, make_letter, sign, db, raw):
    letter = make_letter()
    sign(letter, organization_name="Mijente", email="m@mijente.net")
    signature = db.session.scalar(select(Signature))
    path = f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures/{signature.id}/name"
    body = f"display_name={raw}".encode()
    response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    # A refused name comes back on the queue page itself; a kept one goes back to the queue.
    if response.status_code == 302:
        assert client.get(response.headers["Location"]).status_code == 200
    else:
        assert response.status_code == 400
    db.session.refresh(signature)
    # Control characters and overlong names are refused; undecodable bytes stay as the text typed.
    assert signature.organization_name in ("Mijente", "%ED%A0%80Mijente")
    signature.organization_name.encode("utf-8")


def test_a_renamed_signatory_reads_as_a_sentence_in_the_change_log(
    app, client, coalition, make_letter, sign, db
):
    from flask import render_template

    letter = make_letter()
    sign(letter, organization_name="Mijente", email="m@mijente.net")
    approve_all(client, coalition, letter)
    signature = db.session.scalar(select(Signature))
    client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures/{signature.id}/name",
        data={"display_name": "Mijente Support Committee"},
    )
    change = db.session.scalar(select(LetterChange))
    with app.test_request_context("/"):
        text = " ".join(render_template("letters/_change_display_name.html", change=change).split())
    assert "Mijente is now listed as Mijente Support Committee." in text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the name to show."),
        ("<b>Mijente</b>", "Use plain text here"),
        ("M" * 10_000, "200"),
        ("Mi\x00jente", None),
    ],
)
def test_a_refused_rename_keeps_what_was_typed_beside_its_field(
    client, coalition, make_letter, sign, db, typed, message
):
    letter = make_letter()
    sign(letter, organization_name="Mijente", email="m@mijente.net")
    sign(letter, organization_name="United We Dream", email="ana@uwd.example")
    signature = _by_email(db, "m@mijente.net")
    other = _by_email(db, "ana@uwd.example")
    path = f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures/{signature.id}/name?show=pending"
    response = client.post(path, data={"display_name": typed})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    card = _card(page, signature.id)
    error = re.search(rf'<p class="error" id="name-{signature.id}-error">([^<]*)</p>', card)
    assert error is not None and (message is None or message in html.unescape(error.group(1)))
    field = re.search(rf'<input type="text" id="name-{signature.id}"[^>]*>', card).group(0)
    assert 'aria-invalid="true"' in field and f"name-{signature.id}-error" in field
    if "\x00" not in typed:
        assert f'value="{html.escape(typed)}"' in field
    assert "<details open>" in card
    # Only that card says anything: the others are as they were.
    untouched = _card(page, other.id)
    assert 'value="United We Dream"' in untouched and "<details open>" not in untouched
    assert 'class="error"' not in untouched
    db.session.refresh(signature)
    assert signature.organization_name == "Mijente"


def test_the_queue_takes_as_many_queries_for_five_sign_ons_as_for_one(
    client, coalition, make_letter, sign, db
):
    from tests.coalitions.test_page_queries import statements_of

    letter = make_letter()
    queue = _queue(coalition, letter)

    def grow(number: int) -> None:
        sign(letter, organization_name=f"Org {number}", email=f"a{number}@org{number}.example")
        db.session.expire_all()

    grow(0)
    one = statements_of(client, queue)
    for number in range(1, 5):
        grow(number)
    assert statements_of(client, queue) == one
