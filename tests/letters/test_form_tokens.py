"""Signing on needs no session cookie, and a sign-on form open too long comes back with every value."""

import pytest
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.letters.models import Signature
from tests.letters.conftest import sign_form
from tests.pages import hidden_inputs, post_without_cookies, text_of

pytestmark = pytest.mark.usefixtures("requests_start_afresh")


def sign_ons() -> int:
    return db.session.scalar(select(func.count()).select_from(Signature))


def test_an_organization_signs_on_and_confirms_from_a_browser_with_no_cookie(
    app, make_letter, mailbox, csrf_on
):
    letter = make_letter()
    csrf_on()
    response = post_without_cookies(app, f"/letters/sign/{letter.signon_key}", sign_form())
    assert response.status_code == 302 and sign_ons() == 1
    link = mailbox.last_link("erika@juntos.example", "/letters/confirm/").removeprefix("http://localhost")
    assert "already counted" not in text_of(post_without_cookies(app, link, {}))
    assert db.session.scalar(select(Signature.confirmed_at)) is not None


def test_a_sign_on_form_open_too_long_comes_back_with_every_value(app, make_letter, csrf_on, signed_ago):
    letter = make_letter()
    csrf_on()
    page = f"/letters/sign/{letter.signon_key}"
    with signed_ago(hours=25):
        expired = hidden_inputs(app.test_client().get(page))
    typed = sign_form(website="https://juntos.example", signer_title="Directora")
    back = app.test_client().post(page, data=expired | typed)
    assert back.status_code == 400 and sign_ons() == 0
    assert "This page had been open a long time" in text_of(back)
    html = back.get_data(as_text=True)
    for name in ("organization_name", "website", "signer_name", "signer_title", "email", "city"):
        assert f'value="{typed[name]}"' in html, name
    assert '<option selected value="PA">' in html and '<option selected value="grassroots">' in html
    assert 'checked id="scope-' in html and 'checked id="authorized"' in html
    again = app.test_client().post(page, data=hidden_inputs(back) | typed)
    assert again.status_code == 302 and sign_ons() == 1
