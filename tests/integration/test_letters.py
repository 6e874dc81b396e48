"""A sign-on letter with 63 organizations, through HTTP, the real worker and the real SMTP server."""

import csv
import io
import re
import secrets
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from campaign.extensions import db
from campaign.letters.models import Letter, Signature
from tests.integration.helpers import (
    link_path,
    log_in,
    make_coalition,
    make_organizer,
    outbox_mark,
    wait_until_settled,
)
from tests.letters.conftest import reviewed_digest
from tests.pages import shown_on, text_of, text_of_markup

pytestmark = pytest.mark.integration

LEADS = ("United We Dream", "American Civil Liberties Union", "National Domestic Workers Alliance")
PLACES = [
    ("Los Angeles", "CA"), ("Houston", "TX"), ("Chicago", "IL"), ("Phoenix", "AZ"), ("Philadelphia", "PA"),
    ("Atlanta", "GA"), ("Denver", "CO"), ("Seattle", "WA"), ("Miami", "FL"), ("Nashville", "TN"),
    ("Newark", "NJ"), ("Boston", "MA"), ("Charlotte", "NC"), ("Las Vegas", "NV"), ("Albuquerque", "NM"),
]  # fmt: skip
KINDS = ("Immigrant Rights Coalition", "Workers Center", "Interfaith Alliance", "Legal Aid Project")
LETTER = {
    "title": "End 287(g) agreements",
    "body": "Dear Secretary Johnson and Director Saldaña,\n\nWe urge you to end 287(g).",
    "targets-0-name": "Jeh Johnson",
    "targets-0-title": "Secretary of Homeland Security",
    "targets-1-name": "Sarah Saldaña",
    "targets-1-title": "Director of U.S. Immigration and Customs Enforcement",
    "time_zone": "America/New_York",
}
CONFIRM_SUBJECT = "Confirm your signature: End 287(g) agreements"
RECONFIRM_SUBJECT = "The letter changed: please confirm your signature again"
DELIVERED_SUBJECT = "Delivered: End 287(g) agreements"
APPROVED_SUBJECT = "Your signature is approved: End 287(g) agreements"
REJECTED_SUBJECT = "About your signature on End 287(g) agreements"
ASKED_APPROVED_ASKED_AGAIN = (CONFIRM_SUBJECT, APPROVED_SUBJECT, RECONFIRM_SUBJECT)


def organizations() -> list[dict]:
    """63 organizations: three national ones, then 60 local and state groups in 15 states."""
    rows = [dict(name=name, scope="national", city="Washington", us_state="DC") for name in LEADS]
    for number in range(60):
        city, state = PLACES[number % len(PLACES)]
        kind = KINDS[number // len(PLACES)]
        rows.append(
            dict(name=f"{city} {kind}", scope="local" if number % 2 else "state", city=city, us_state=state)
        )
    return rows


def office_address(organization: dict) -> str:
    """An address at the organization's own domain, unique per call (the database lives for the session)."""
    domain = re.sub(r"[^a-z0-9]", "", organization["name"].lower())
    return f"director-{secrets.token_hex(4)}@{domain}.example"


def free_mail_address() -> str:
    """Where an imposter signs from: an address anyone can open in a minute."""
    return f"director.{secrets.token_hex(4)}@gmail.com"


def write_letter(app, client, coalition_slug: str) -> tuple[int, str, str, str]:
    """The organizer writes the letter and opens it; returns its id, sign-on key, public slug and
    the path of its organizer pages."""
    response = client.post(f"/coalitions/{coalition_slug}/letters/new", data=LETTER)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        letter = db.session.scalar(select(Letter).order_by(Letter.id.desc()))
        letter_id, key, letter_slug = letter.id, letter.signon_key, letter.slug
    base = f"/coalitions/{coalition_slug}/letters/{letter_id}"
    assert client.post(f"{base}/open").status_code == 302
    return letter_id, key, letter_slug, base


def sign_on(client, key: str, organization: dict, email: str, office: str):
    response = client.post(
        f"/letters/sign/{key}",
        data={
            "kind": "organization",
            "organization_name": organization["name"],
            "signer_name": "Signer " + office.replace(".", " "),
            "signer_title": "Director",
            "email": email,
            "city": organization["city"],
            "us_state": organization["us_state"],
            "sector": "grassroots",
            "scope": organization["scope"],
            "authorized": "y",
        },
        # Each organization signs from its own office: the per-address limit is not in play.
        environ_base={"REMOTE_ADDR": office},
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def sign_and_confirm(client, smtp_server, key: str, signers: dict[str, dict], network: int = 63) -> None:
    """Each signer (address -> organization) signs on through the form from an office in
    10.<network>.x.1, then confirms from the link in the email the real SMTP server received."""
    for number, (email, organization) in enumerate(signers.items()):
        sign_on(client, key, organization, email, f"10.{network}.{number}.1")
    for email in signers:
        message = smtp_server.wait_for_mail_to(email)[0]
        assert message["Subject"] == CONFIRM_SUBJECT
        path = link_path(message, "/letters/confirm/")
        page = client.get(path)  # a GET only shows; the button's POST confirms
        assert "Confirm my signature" in page.get_data(as_text=True)
        confirmed = client.post(path, data=shown_on(page))  # never "already signed": nobody is locked out
        assert "Thank you: your signature is confirmed" in text_of(confirmed)


def queue(client, base: str, tab: str = "pending") -> dict[str, tuple[int, str]]:
    """The vetting queue as the organizer reads it: name shown -> (sign-on id, the card's text)."""
    page = client.get(f"{base}/signatures?show={tab}").get_data(as_text=True)
    cards = {}
    for card in page.split('<li class="card signon-card">')[1:]:
        signature_id = int(re.search(r'name="signature_id" value="(\d+)"', card).group(1))
        name = text_of_markup(re.search(r"<strong>(.*?)</strong>", card).group(1))
        cards[name] = (signature_id, text_of_markup(card))
    return cards


def with_subject(messages: list, subject: str) -> list:
    return [message for message in messages if message["Subject"] == subject]


def decide(client, base: str, signature_ids, approve: bool) -> None:
    button = {"approve": "Approve selected"} if approve else {"reject": "Reject selected"}
    response = client.post(
        f"{base}/signatures", data={"signature_id": [str(i) for i in signature_ids], **button}
    )
    assert response.status_code == 302


def name_leads(app, client, base: str, letter_id: int) -> None:
    """The organizer names the three national organizations first in the press sentence."""
    with app.app_context():
        organization_ids = {
            s.organization.name: s.organization_id
            for s in db.session.scalars(select(Signature).where(Signature.letter_id == letter_id))
        }
    client.post(
        f"{base}/summary",
        data={
            slot: organization_ids[name]
            for slot, name in zip(("first", "second", "third"), LEADS, strict=True)
        },
    )


def test_imposters_rejected_then_a_new_version_reconfirmed_by_50_and_delivered_to_them(
    it_app, it_client, celery_worker, smtp_server
):
    organizer = make_organizer(it_app)
    coalition_id, slug = make_coalition(it_app, organizer, name="Coalition Against 287(g)")
    log_in(it_client, organizer)
    letter_id, key, letter_slug, base = write_letter(it_app, it_client, slug)
    everyone = organizations()
    # A national lead, a local group, and one whose real signer will not confirm the new version.
    impersonated = [everyone[0], everyone[10], everyone[62]]
    impersonated_names = {organization["name"] for organization in impersonated}

    # Imposters sign first, from free mail, and confirm: the organizer rejects all three.
    imposters = {free_mail_address(): organization for organization in impersonated}
    sign_and_confirm(it_client, smtp_server, key, imposters, network=66)
    cards = queue(it_client, base)
    assert set(cards) == impersonated_names
    assert all("Email at gmail.com" in text for _, text in cards.values())
    decide(it_client, base, [signature_id for signature_id, _ in cards.values()], approve=False)

    # Then the real organizations sign from their own domains: nobody is locked out.
    signers = {office_address(organization): organization for organization in everyone}
    sign_and_confirm(it_client, smtp_server, key, signers)
    cards = queue(it_client, base)
    assert len(cards) == 63
    marked = {
        name
        for name, (_, text) in cards.items()
        if "Another sign-on for this organization was rejected on" in text
    }
    assert marked == impersonated_names
    told = smtp_server.wait_for(
        lambda messages: found if len(found := [m for m in messages if m["To"] == organizer]) >= 3 else None
    )
    # The organization's name is whatever the signer typed: the subject does not carry it.
    assert [m["Subject"] for m in told] == ["A sign-on to review on End 287(g) agreements"] * 3
    bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in told]
    assert all(any(f"{name} signed" in body for body in bodies) for name in impersonated_names)
    for email in imposters:
        assert smtp_server.wait_for_mail_to(email, count=2)[-1]["Subject"] == REJECTED_SUBJECT
    decide(it_client, base, [signature_id for signature_id, _ in cards.values()], approve=True)
    name_leads(it_app, it_client, base, letter_id)
    page = text_of(it_client.get(f"/letters/{letter_slug}"))
    assert "63 organizations" in page
    assert (
        "Signed by United We Dream, American Civil Liberties Union, National Domestic Workers Alliance "
        "and 60 more organizations." in page
    )
    names = [organization["name"] for organization in everyone]
    assert all(name in page for name in names)

    # The organizers' spreadsheet has the 63 real signers; the rejected imposters are in it as such.
    exported = it_client.get(f"{base}/signatories.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert {row["Email"] for row in rows if row["Status of the sign-on"] == "Approved"} == set(signers)
    assert {row["Email"] for row in rows if row["Status of the sign-on"] == "Rejected"} == set(imposters)
    pdf = PdfReader(io.BytesIO(it_client.get(f"{base}/packet.pdf").data))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert "63 organizations" in text
    assert not [name for name in names if name not in text]

    # The organizer changes the text and, on the review step, calls it a new version.
    edited = LETTER | {
        "body": LETTER["body"].replace("We urge you to end 287(g).", "We demand that you end 287(g) now.")
    }
    review = it_client.post(f"{base}/edit", data=edited)
    assert review.status_code == 200, review.get_data(as_text=True)
    shown = text_of(review)
    assert "63 signers have confirmed this letter." in shown
    assert "As a new version, 63 signatories now listed would be unlisted until they confirm it." in shown
    choice = edited | {
        "reviewed": reviewed_digest(review),
        "change_kind": "new_version",
        "change_note": "Stronger ask.",
    }
    # Unlisting everyone needs the second, explicit confirmation: without it nothing is saved.
    unconfirmed = it_client.post(f"{base}/edit", data=choice)
    assert unconfirmed.status_code == 400
    assert "Tick this box to unlist them, or choose a correction." in text_of(unconfirmed)
    assert "63 organizations" in text_of(it_client.get(f"/letters/{letter_slug}"))
    saved = it_client.post(f"{base}/edit", data=choice | {"unlist_all": "y"}, follow_redirects=True)
    assert "Saved as version 2. Earlier signers are asked to confirm it." in text_of(saved)
    assert "0 organizations" in text_of(it_client.get(f"/letters/{letter_slug}"))

    # Every signatory is asked to re-confirm; 50 do, seeing what changed marked up.
    reconfirmers = dict(list(signers.items())[:50])
    for email in signers:
        # Asked to confirm, approved, asked to re-confirm: nothing else reaches the address.
        received = smtp_server.wait_for_mail_to(email, count=len(ASKED_APPROVED_ASKED_AGAIN))
        (message,) = with_subject(received, RECONFIRM_SUBJECT)
        if email not in reconfirmers:
            continue
        path = link_path(message, "/letters/confirm/")
        page = it_client.get(path)
        markup = page.get_data(as_text=True)
        assert "What changed since you signed" in markup
        assert '<del><span class="visually-hidden">deleted: </span>urge' in markup
        assert '<ins><span class="visually-hidden">inserted: </span>demand that</ins>' in markup
        assert "Thank you: you signed the new version" in text_of(it_client.post(path, data=shown_on(page)))

    # Delivery is news for the 50 on the delivered letter, and for no one else.
    mark = outbox_mark(it_app)
    response = it_client.post(
        f"{base}/delivery",
        data={
            "delivered_on": date.today().isoformat(),
            "delivery_method": "By hand",
            "delivered_to": "Secretary Johnson's office",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    for email in reconfirmers:
        assert len(with_subject(smtp_server.wait_for_mail_to(email, count=4), DELIVERED_SUBJECT)) == 1
    wait_until_settled(it_app, coalition_id, mark)  # nothing more is on its way
    left_off = {email: organization for email, organization in signers.items() if email not in reconfirmers}
    for email in left_off:  # the 13: asked to confirm, approved, asked to re-confirm, and no more
        assert sorted(m["Subject"] for m in smtp_server.to(email)) == sorted(ASKED_APPROVED_ASKED_AGAIN)
    assert not [email for email in imposters if with_subject(smtp_server.to(email), DELIVERED_SUBJECT)]
    assert len(with_subject(smtp_server.messages(), DELIVERED_SUBJECT)) == 50

    page = text_of(it_client.get(f"/letters/{letter_slug}"))
    assert "50 organizations" in page
    assert (
        "Signed by United We Dream, American Civil Liberties Union, National Domestic Workers Alliance "
        "and 47 more organizations." in page
    )
    assert all(organization["name"] in page for organization in reconfirmers.values())
    assert len(left_off) == 13 and not [o["name"] for o in left_off.values() if o["name"] in page]
