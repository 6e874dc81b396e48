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
