"""The widget partner sites frame, without our session cookie, and the count badge."""

import re

from sqlalchemy import select

from campaign.extensions import db
from campaign.petitions.models import PetitionSignature, SignatureState
from tests.pages import click_confirm
from tests.petitions.conftest import tally_now


def _widget_form(client, petition, **overrides):
    page = client.get(f"/petitions/{petition.slug}/embed")
    assert "frame-ancestors *" in page.headers["Content-Security-Policy"]
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return {
        "first_name": "Ana",
        "email": "ana@example.org",
        "zip_code": "19104",
        "started": started,
    } | overrides


def test_the_widget_signs_without_a_session_and_counts_after_confirmation(app, make_petition, mailbox):
    petition = make_petition()
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: only the widget form may go without
    partner_visitor = app.test_client()  # no cookie of ours
    response = partner_visitor.post(
        f"/petitions/{petition.slug}/embed", data=_widget_form(partner_visitor, petition)
    )
    assert response.status_code == 302 and response.location.endswith("/embed/thanks")
    signature = db.session.scalar(select(PetitionSignature))
    assert signature.source == "widget" and signature.state == SignatureState.UNCONFIRMED
    app.config["WTF_CSRF_ENABLED"] = False
    click_confirm(partner_visitor, mailbox.last_link("ana@example.org", "/petitions/confirm/"))
    tally_now()
    badge = partner_visitor.get(f"/petitions/{petition.slug}/badge.svg")
    assert badge.mimetype == "image/svg+xml" and "1 signature" in badge.get_data(as_text=True)


def test_a_forged_or_stale_stamp_is_refused_in_the_widget(app, make_petition):
    petition = make_petition()
    visitor = app.test_client()
    response = visitor.post(
        f"/petitions/{petition.slug}/embed", data=_widget_form(visitor, petition, started="x")
    )
    assert response.status_code == 400 and "refreshed" in response.get_data(as_text=True)
    assert db.session.query(PetitionSignature).count() == 0


def test_a_partner_site_can_frame_the_widget_because_no_x_frame_options_forbids_it(app, make_petition):
    """X-Frame-Options DENY beside `frame-ancestors *` broke the widget in browsers that read
    only the older header; every other page keeps both (tests/core/test_web.py)."""
    petition = make_petition()
    partner_visitor = app.test_client()
    for path in (f"/petitions/{petition.slug}/embed", f"/petitions/{petition.slug}/embed/thanks"):
        response = partner_visitor.get(path)
        assert response.status_code == 200, path
        assert "X-Frame-Options" not in response.headers, path
        assert "frame-ancestors *" in response.headers["Content-Security-Policy"], path
