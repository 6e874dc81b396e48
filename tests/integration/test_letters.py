"""A sign-on letter with 63 organizations, through HTTP, the real worker and the real SMTP server."""

import csv
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from campaign.extensions import db
from campaign.letters.models import Letter, Signature
from tests.integration.helpers import link_path, log_in, make_coalition, make_organizer, new_address
from tests.pages import click_confirm, text_of

pytestmark = pytest.mark.integration

LEADS = ("United We Dream", "American Civil Liberties Union", "National Domestic Workers Alliance")
PLACES = [
    ("Los Angeles", "CA"), ("Houston", "TX"), ("Chicago", "IL"), ("Phoenix", "AZ"), ("Philadelphia", "PA"),
    ("Atlanta", "GA"), ("Denver", "CO"), ("Seattle", "WA"), ("Miami", "FL"), ("Nashville", "TN"),
    ("Newark", "NJ"), ("Boston", "MA"), ("Charlotte", "NC"), ("Las Vegas", "NV"), ("Albuquerque", "NM"),
]  # fmt: skip
KINDS = ("Immigrant Rights Coalition", "Workers Center", "Interfaith Alliance", "Legal Aid Project")


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


def sign_on(client, key: str, organization: dict, email: str, number: int):
    response = client.post(
        f"/letters/sign/{key}",
        data={
            "kind": "organization",
            "organization_name": organization["name"],
            "signer_name": f"Signer {number}",
            "signer_title": "Director",
            "email": email,
            "city": organization["city"],
            "us_state": organization["us_state"],
            "sector": "grassroots",
            "scope": organization["scope"],
            "authorized": "y",
        },
        # Each organization signs from its own office: the per-address limit is not in play.
        environ_base={"REMOTE_ADDR": f"10.63.{number}.1"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_63_organizations_sign_are_approved_and_delivered(it_app, it_client, celery_worker, smtp_server):
    organizer = make_organizer(it_app)
    _, slug = make_coalition(it_app, organizer, name="Coalition Against 287(g)")
    log_in(it_client, organizer)
    response = it_client.post(
        f"/coalitions/{slug}/letters/new",
        data={
            "title": "End 287(g) agreements",
            "body": "Dear Secretary Johnson and Director Saldaña,\n\nWe urge you to end 287(g).",
            "targets-0-name": "Jeh Johnson",
            "targets-0-title": "Secretary of Homeland Security",
            "targets-1-name": "Sarah Saldaña",
            "targets-1-title": "Director of U.S. Immigration and Customs Enforcement",
            "time_zone": "America/New_York",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with it_app.app_context():
        letter = db.session.scalar(select(Letter).order_by(Letter.id.desc()))
        letter_id, key, letter_slug = letter.id, letter.signon_key, letter.slug
    base = f"/coalitions/{slug}/letters/{letter_id}"
    assert it_client.post(f"{base}/open").status_code == 302

    signers = {}
    for number, organization in enumerate(organizations()):
        email = new_address(f"signer{number}")
        sign_on(it_client, key, organization, email, number)
        signers[email] = organization["name"]

    # Confirm each from the link in the email the real SMTP server received.
    for email in signers:
        message = smtp_server.wait_for_mail_to(email)[0]
        assert message["Subject"] == "Confirm your signature: End 287(g) agreements"
        path = link_path(message, "/letters/confirm/")
        assert "Confirm my signature" in it_client.get(path).get_data(as_text=True)
        assert click_confirm(it_client, path).status_code == 200

    with it_app.app_context():
        pending = db.session.scalars(select(Signature.id).where(Signature.letter_id == letter_id)).all()
    assert len(pending) == 63
    response = it_client.post(
        f"{base}/signatures", data={"signature_id": [str(i) for i in pending], "approve": "Approve selected"}
    )
    assert response.status_code == 302
    for email in signers:  # each signer hears the outcome
        smtp_server.wait_for_mail_to(email, count=2)

    with it_app.app_context():
        lead_ids = {
            s.organization.name: s.organization_id
            for s in db.session.scalars(select(Signature).where(Signature.letter_id == letter_id))
        }
    it_client.post(
        f"{base}/summary",
        data={name: lead_ids[LEADS[i]] for i, name in enumerate(("first", "second", "third"))},
    )

    page = text_of(it_client.get(f"/letters/{letter_slug}"))
    assert "63 organizations" in page
    assert (
        "Signed by United We Dream, American Civil Liberties Union, National Domestic Workers Alliance "
        "and 60 more organizations." in page
    )
    assert all(name in page for name in signers.values())

    exported = it_client.get(f"{base}/signatories.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert len(rows) == 63 and {row["email"] for row in rows} == set(signers)

    pdf = PdfReader(io.BytesIO(it_client.get(f"{base}/packet.pdf").data))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert "63 organizations" in text
    missing = [name for name in signers.values() if name not in text]
    assert not missing, missing
