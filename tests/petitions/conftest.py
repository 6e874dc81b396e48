"""Petition fixtures: an open petition made through the pages, signing and tallying helpers."""

import re

import pytest
from sqlalchemy import select

from campaign.extensions import db as _db
from campaign.petitions.models import Petition
from campaign.petitions.tasks import keep_tallies
from tests.pages import click_confirm


def petition_form(**overrides) -> dict:
    return {
        "title": "End ICE detainers in Philadelphia",
        "target": "Mayor Jim Kenney",
        "ask": "Sign the executive order ending ICE holds without a judicial warrant.",
        "body": "Families are separated **every week**.",
        "title_es": "",
        "ask_es": "",
        "body_es": "",
        "goal": "100",
        "deadline": "",
        "time_zone": "America/New_York",
    } | overrides


@pytest.fixture
def make_petition(client, coalition, db):
    def make(open_it=True, **overrides):
        response = client.post(f"/coalitions/{coalition.slug}/petitions/new", data=petition_form(**overrides))
        assert response.status_code == 302, response.get_data(as_text=True)
        petition = db.session.scalars(select(Petition).order_by(Petition.id.desc())).first()
        if open_it:
            assert (
                client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/open").status_code == 302
            )
        db.session.refresh(petition)
        return petition

    return make


def sign_form(client, petition, **overrides) -> dict:
    """What the public page's form sends, with the stamp of when it was shown."""
    page = client.get(f"/petitions/{petition.slug}").get_data(as_text=True)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    return {
        "first_name": "Ana",
        "last_name": "Reyes",
        "email": "ana@example.org",
        "zip_code": "19104",
        "comment": "",
        "website": "",
        "started": started,
        "source": "",
    } | overrides


@pytest.fixture
def sign(client, mailbox):
    """Sign through the public form, then (by default) confirm from the email."""

    def do_sign(petition, confirm=True, **overrides):
        form = sign_form(client, petition, **overrides)
        response = client.post(f"/petitions/{petition.slug}/sign", data=form)
        assert response.status_code == 302, response.get_data(as_text=True)
        if confirm:
            link = mailbox.last_link(form["email"], "/petitions/confirm/")
            click_confirm(client, link)
        return response

    return do_sign


def tally_now():
    """Run the beat job. It works in an app context (and session) of its own, as in a worker; the
    test's session then forgets what it loaded, as a new request would."""
    keep_tallies()
    _db.session.expire_all()


def organizer_url(coalition, petition, rest: str = "") -> str:
    return f"/coalitions/{coalition.slug}/petitions/{petition.id}{rest}"


@pytest.fixture
def member(db, coalition):
    """Juntos, an active member organization of the coalition (its `?source=` code: "juntos")."""
    from campaign.coalitions.models import Membership, MembershipStatus
    from campaign.organizations.services import create_organization

    juntos = create_organization("Juntos")
    db.session.add(Membership(coalition=coalition, organization=juntos, status=MembershipStatus.ACTIVE))
    db.session.commit()
    return juntos


@pytest.fixture
def log_in_as(client, db, make_user, login):
    """Log the client out, then in as a new account: a teammate of `coalition` with `role`, or,
    without a coalition, the owner of a coalition of their own (another coalition's organizer)."""
    from campaign.coalitions import services as coalitions
    from campaign.coalitions.models import CoalitionRole, Role

    def switch(email: str, coalition=None, role: str = "viewer"):
        user = make_user(email=email, name="Someone Else")
        if coalition is None:
            coalitions.create_coalition(user, "Another Coalition", "", "Fresno")
        else:
            db.session.add(CoalitionRole(coalition=coalition, user=user, role=Role[role.upper()]))
        db.session.commit()
        client.post("/accounts/logout")
        login(email=email)
        return user

    return switch
