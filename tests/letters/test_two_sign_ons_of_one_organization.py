"""Two sign-ons of one organization: whoever confirms first (an imposter, a colleague) keeps no one
out of the queue; only an approved sign-on holds the organization's place on the letter; organizers
are emailed, not flooded; a delivered letter's list no longer changes."""

import re
from datetime import date, timedelta

from sqlalchemy import select

from campaign.coalitions import services as coalitions
from campaign.core.outbox import utcnow
from campaign.extensions import db as _db
from campaign.letters.models import LetterChange, Signature, SignatureState
from campaign.letters.signing import take_key
from campaign.organizations.services import create_organization
from tests.letters.conftest import approve_all
from tests.pages import text_of

OWNER = "organizer@example.org"
IMPOSTER = dict(organization_name="Mijente", signer_name="Fake Person", email="fake@gmail.example")
REAL = dict(organization_name="Mijente", signer_name="Marisa Franco", email="marisa@mijente.example")
REVIEW_SUBJECT = "A sign-on to review on End 287(g) agreements now"


def _base(coalition, letter):
    return f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures"


def _decide(client, coalition, letter, signature, verdict):
    return client.post(
        _base(coalition, letter), data={"signature_id": [str(signature.id)], verdict: verdict.title()}
    )


def _by_email(db, email):
    found = [
        s for s in db.session.scalars(select(Signature).order_by(Signature.id)) if s.supporter.email == email
    ]
    return found[-1]


def _review_emails(mailbox):
    return [m for m in mailbox.to(OWNER) if m["Subject"] == REVIEW_SUBJECT]


def test_a_rejected_imposter_signing_again_does_not_lock_the_real_organization_out(
    client, coalition, make_letter, sign, db
):
    create_organization("Mijente")
    db.session.commit()
    letter = make_letter()
    sign(letter, **IMPOSTER)
    _decide(client, coalition, letter, _by_email(db, IMPOSTER["email"]), "reject")
    sign(letter, **IMPOSTER)  # again at once, and confirmed
    page = sign(letter, **REAL)

    assert "Already signed" not in text_of(page) and "review each sign-on" in text_of(page)
    real, again = _by_email(db, REAL["email"]), _by_email(db, IMPOSTER["email"])
    assert real.state == again.state == SignatureState.PENDING
    assert real.signer_key is None and again.signer_key is None  # waiting holds no place
    queue = text_of(client.get(f"{_base(coalition, letter)}?show=pending"))
    assert "Marisa Franco" in queue and "Fake Person" in queue
    assert "Likely the same organization as: Mijente (Same organization · Waiting for approval)" in queue

    # The organizer approves the real one; the imposter's can then only be merged or rejected.
    _decide(client, coalition, letter, real, "approve")
    refused = _decide(client, coalition, letter, again, "approve")
    flashed = text_of(client.get(refused.headers["Location"]))
    assert "Mijente is not approved: another sign-on for this organization is on the letter." in flashed
    db.session.refresh(real)
    db.session.refresh(again)
    assert real.state == SignatureState.APPROVED and real.signer_key == f"org:{real.organization_id}"
    assert again.state == SignatureState.PENDING and again.signer_key is None
    merged = client.post(f"{_base(coalition, letter)}/{again.id}/merge", data={"into": str(real.id)})
    assert merged.status_code == 302
    db.session.refresh(again)
    assert again.state == SignatureState.DUPLICATE and again.merged_into_id == real.id


def test_an_imposter_waiting_for_approval_does_not_lock_the_real_organization_out(
    client, coalition, make_letter, sign, db, mailbox
):
    letter = make_letter()
    sign(letter, **IMPOSTER)
    assert _review_emails(mailbox) == []  # a first sign-on is the queue's ordinary business
    sign(letter, **REAL)
    assert _by_email(db, REAL["email"]).state == SignatureState.PENDING
    told = _review_emails(mailbox)
    assert len(told) == 1  # the name, chosen by whoever signed, stays out of the subject
    body = told[0].get_body(preferencelist=("plain",)).get_content()
    assert "Mijente signed" in body and "also waiting for your review" in body and "/signatures" in body


def test_a_verified_domain_approves_no_one_at_once_beside_another_sign_on(
    client, coalition, make_letter, sign, db
):
    membership = coalitions.invite(
        coalition, coalition.roles[0].user, contact_email="ana@mijente.example", name="Mijente"
    )
    coalitions.accept(membership)
    coalitions.trust_domain(membership)
    db.session.commit()
    letter = make_letter(auto_approve_domains="y")
    sign(letter, **IMPOSTER)
    page = sign(letter, **REAL)  # at the verified domain, yet another sign-on waits: the organizer chooses
    assert "review each sign-on" in text_of(page)
    assert _by_email(db, REAL["email"]).state == SignatureState.PENDING


def test_taking_the_place_another_approved_sign_on_holds_changes_nothing(
    client, coalition, make_letter, sign, db
):
    letter = make_letter()
    sign(letter, **REAL)
    approve_all(client, coalition, letter)
    sign(letter, **IMPOSTER)
    imposter = _by_email(db, IMPOSTER["email"])
    assert take_key(imposter) is False
    assert imposter.state == SignatureState.PENDING and imposter.signer_key is None
    assert imposter.confirmed_at is not None  # what the confirmation saved stays


def test_organizers_hear_of_sign_ons_beside_another_once_until_they_decide_or_a_day_passes(
    client, coalition, make_letter, sign, db, mailbox
):
    letter = make_letter()
    sign(letter, **REAL)
    approve_all(client, coalition, letter)
    for number in range(5):  # someone confirms as Mijente from address after address
        sign(letter, **IMPOSTER | {"email": f"fake{number}@imposter.example"})
    assert len(_review_emails(mailbox)) == 1
    body = _review_emails(mailbox)[0].get_body(preferencelist=("plain",)).get_content()
    assert "another sign-on for this organization is already on the letter" in body

    # The organizer rejects the one they were told of: the next arrival is news again.
    _decide(client, coalition, letter, _by_email(db, "fake0@imposter.example"), "reject")
    sign(letter, **IMPOSTER | {"email": "fake5@imposter.example"})
    assert len(_review_emails(mailbox)) == 2
    # Left waiting a day, it no longer silences the next one.
    told = _by_email(db, "fake5@imposter.example")
    told.organizers_told_at = utcnow() - timedelta(days=1, minutes=1)
    db.session.commit()
    sign(letter, **IMPOSTER | {"email": "fake6@imposter.example"})
    assert len(_review_emails(mailbox)) == 3


def _fingerprint(client, letter):
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    return re.search(r'class="fingerprint">([0-9a-f]+)<', page)[1]


def _delivered_with_two(client, coalition, make_letter, sign, db):
    letter = make_letter()
    sign(letter)
    sign(letter, **REAL)
    approve_all(client, coalition, letter)
    response = client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/delivery",
        data={
            "delivered_on": date.today().isoformat(),
            "delivery_method": "In person",
            "delivered_to": "Sheriff",
        },
    )
    assert response.status_code == 302
    return letter, _by_email(db, "erika@juntos.example"), _by_email(db, REAL["email"])


def test_a_delivered_letters_list_refuses_merges_and_decisions(client, coalition, make_letter, sign, db):
    letter, juntos, mijente = _delivered_with_two(client, coalition, make_letter, sign, db)
    before = _fingerprint(client, letter)
    base = _base(coalition, letter)

    merged = client.post(f"{base}/{mijente.id}/merge", data={"into": str(juntos.id)}, follow_redirects=True)
    refusal = "The letter was delivered with this list of signatories: it cannot change any more."
    assert refusal in text_of(merged)
    rejected = _decide(client, coalition, letter, mijente, "reject")
    assert refusal in text_of(client.get(rejected.headers["Location"]))
    _db.session.expire_all()
    assert [juntos.state, mijente.state] == [SignatureState.APPROVED, SignatureState.APPROVED]
    assert _fingerprint(client, letter) == before

    page = client.get(f"{base}?show=approved").get_data(as_text=True)
    assert "its list of signatories is final" in text_of(client.get(f"{base}?show=approved"))
    for absent in ('name="signature_id"', "Reject selected", "Merge into", "Change the name"):
        assert absent not in page


def test_the_refusal_after_delivery_speaks_the_organizers_language(client, coalition, make_letter, sign, db):
    letter, _juntos, mijente = _delivered_with_two(client, coalition, make_letter, sign, db)
    client.get("/language/es")
    rejected = _decide(client, coalition, letter, mijente, "reject")
    assert "La carta se entregó con esta lista de firmantes" in text_of(
        client.get(rejected.headers["Location"])
    )


def test_a_persons_typed_name_cannot_be_renamed_into_the_public_change_log(
    client, coalition, make_letter, sign, db
):
    letter = make_letter(allow_individuals="y")
    sign(letter, kind="individual", organization_name="", sector="", scope="", authorized="", show_name="y")
    approve_all(client, coalition, letter)
    person = db.session.scalar(select(Signature))
    response = client.post(
        f"{_base(coalition, letter)}/{person.id}/name", data={"display_name": "Someone Else Entirely"}
    )
    assert "Only an organization’s name on the letter can be changed." in text_of(
        client.get(response.headers["Location"])
    )
    db.session.refresh(person)
    assert person.organization_name == "" and db.session.scalar(select(LetterChange)) is None
