"""The widget partner sites frame, without our session cookie, and the count badge."""

from sqlalchemy import select

from campaign.extensions import db
from campaign.petitions.models import PetitionSignature, SignatureState
from tests.pages import click_confirm, hidden_inputs, text_of
from tests.petitions.conftest import tally_now


def _widget_form(client, petition, **overrides):
    page = client.get(f"/petitions/{petition.slug}/embed")
    assert "frame-ancestors *" in page.headers["Content-Security-Policy"]
    return (
        hidden_inputs(page)
        | {"first_name": "Ana", "email": "ana@example.org", "zip_code": "19104"}
        | overrides
    )


def test_the_widget_signs_without_a_session_and_counts_after_confirmation(
    app, make_petition, mailbox, csrf_on
):
    petition = make_petition()
    csrf_on()  # as in production: the widget's form token needs no cookie
    partner_visitor = app.test_client()  # no cookie of ours
    form = _widget_form(partner_visitor, petition)
    partner_visitor.delete_cookie("session")  # the partner site's browser withholds it
    response = partner_visitor.post(f"/petitions/{petition.slug}/embed", data=form)
    assert response.status_code == 302 and response.location.endswith("/embed/thanks?source=widget")
    signature = db.session.scalar(select(PetitionSignature))
    assert signature.source == "widget" and signature.state == SignatureState.UNCONFIRMED
    app.config["WTF_CSRF_ENABLED"] = False
    click_confirm(partner_visitor, mailbox.last_link("ana@example.org", "/petitions/confirm/"))
    tally_now()
    badge = partner_visitor.get(f"/petitions/{petition.slug}/badge.svg")
    assert badge.mimetype == "image/svg+xml" and "1 signature" in badge.get_data(as_text=True)


def test_a_widget_form_open_too_long_comes_back_filled_in_and_signs_nothing(
    app, make_petition, csrf_on, signed_ago
):
    petition = make_petition()
    csrf_on()
    visitor = app.test_client()
    with signed_ago(hours=25):
        form = _widget_form(visitor, petition)
    response = visitor.post(f"/petitions/{petition.slug}/embed", data=form)
    assert response.status_code == 400 and "This page had been open a long time" in text_of(response)
    assert 'value="ana@example.org"' in response.get_data(as_text=True)
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert db.session.query(PetitionSignature).count() == 0
    again = visitor.post(f"/petitions/{petition.slug}/embed", data=form | hidden_inputs(response))
    assert again.status_code == 302 and db.session.query(PetitionSignature).count() == 1


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
