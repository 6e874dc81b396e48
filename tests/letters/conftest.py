"""Letter fixtures: letters made through the organizer's pages, signing on through the public form."""

import pytest
from sqlalchemy import select

from campaign.letters.models import Letter
from tests.pages import click_confirm


def letter_form(**overrides) -> dict:
    return {
        "title": "End 287(g) agreements now",
        "body": "Dear Secretary Johnson and Director Saldaña,\n\nWe, the undersigned, **urge you**...",
        "title_es": "",
        "body_es": "",
        "targets-0-name": "Jeh Johnson",
        "targets-0-title": "Secretary of Homeland Security",
        "targets-0-office": "U.S. Department of Homeland Security",
        "targets-1-name": "Sarah Saldaña",
        "targets-1-title": "Director",
        "targets-1-office": "U.S. Immigration and Customs Enforcement",
        "targets-2-name": "",
        "targets-2-title": "",
        "targets-2-office": "",
        "deadline": "",
        "time_zone": "America/New_York",
        "release_at": "",
    } | overrides


def sign_form(**overrides) -> dict:
    return {
        "kind": "organization",
        "organization_name": "Juntos",
        "website": "",
        "signer_name": "Erika Almirón",
        "signer_title": "Executive Director",
        "email": "erika@juntos.example",
        "city": "Philadelphia",
        "us_state": "PA",
        "sector": "grassroots",
        "scope": "local",
        "authorized": "y",
    } | overrides


@pytest.fixture
def make_letter(client, coalition, db):
    """A letter written and opened through the organizer's pages; returns the Letter."""

    def make(open_it=True, **overrides):
        response = client.post(f"/coalitions/{coalition.slug}/letters/new", data=letter_form(**overrides))
        assert response.status_code == 302, response.get_data(as_text=True)
        letter = db.session.scalars(select(Letter).order_by(Letter.id.desc())).first()
        if open_it:
            assert client.post(f"/coalitions/{coalition.slug}/letters/{letter.id}/open").status_code == 302
        db.session.refresh(letter)
        return letter

    return make


@pytest.fixture
def sign(client, mailbox):
    """Sign on through the public form and confirm from the email; returns the confirmation page."""

    def do_sign(letter, confirm=True, **overrides):
        form = sign_form(**overrides)
        response = client.post(f"/letters/sign/{letter.signon_key}", data=form)
        assert response.status_code == 302, response.get_data(as_text=True)
        if not confirm:
            return response
        link = mailbox.last_link(form["email"], "/letters/confirm/")
        assert "Confirm my signature" in client.get(link).get_data(as_text=True)  # a GET only shows
        return click_confirm(client, link)

    return do_sign


def approve_all(client, coalition, letter):
    from campaign.extensions import db
    from campaign.letters.models import Signature, SignatureState

    ids = db.session.scalars(
        select(Signature.id).where(
            Signature.letter_id == letter.id, Signature.state == SignatureState.PENDING
        )
    ).all()
    response = client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures",
        data={"signature_id": [str(i) for i in ids], "approve": "Approve selected"},
    )
    assert response.status_code == 302
    return ids


@pytest.fixture
def add_teammate_login(client, db, make_user, login):
    """Log in as a new teammate holding `role` in `coalition`."""
    from campaign.coalitions.models import CoalitionRole, Role

    def add(coalition, role: str, email="teammate@example.org"):
        user = make_user(email=email, name="Teammate")
        db.session.add(CoalitionRole(coalition=coalition, user=user, role=Role[role.upper()]))
        db.session.commit()
        client.post("/accounts/logout")
        login(email=email)
        return user

    return add


def reviewed_digest(response) -> str:
    """The review step's hidden digest: a choice sent back applies to the change it showed."""
    import re

    found = re.search(r'name="reviewed"[^>]*value="([0-9a-f]+)"', response.get_data(as_text=True))
    assert found, "the edit did not stop at the review step"
    return found.group(1)


def save_change(client, url: str, data: dict, kind: str, unlist_all: bool = True, note: str = ""):
    """Edit what signers endorsed: the review step, then the organizer's call on it."""
    review = client.post(url, data=data)
    assert review.status_code == 200, review.get_data(as_text=True)
    choice = {"reviewed": reviewed_digest(review), "change_kind": kind, "change_note": note}
    if unlist_all:
        choice["unlist_all"] = "y"
    return client.post(url, data=data | choice)
