"""The sign form needs no session cookie, and one left open too long comes back with every value."""

import pytest
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.petitions.models import PetitionSignature
from tests.pages import hidden_inputs, post_without_cookies, text_of

pytestmark = pytest.mark.usefixtures("requests_start_afresh")
TYPED = {
    "first_name": "Rosa",
    "last_name": "Díaz",
    "email": "rosa@example.org",
    "zip_code": "19104",
    "comment": "Por mis hijos",
    "show_name": "y",
    "subscribe": "y",
}
PRESS_AGAIN = {
    "en": "This page had been open a long time, so nothing was sent.",
    "es": "Esta página llevaba mucho tiempo abierta, así que no se envió nada.",
}


def signatures() -> int:
    return db.session.scalar(select(func.count()).select_from(PetitionSignature))


def test_a_signer_whose_phone_dropped_its_cookies_signs_all_the_same(app, make_petition, csrf_on):
    petition = make_petition()
    csrf_on()
    page = f"/petitions/{petition.slug}"
    response = post_without_cookies(app, page, TYPED, action=f"{page}/sign")
    assert response.status_code == 302 and "/thanks" in response.location
    assert signatures() == 1


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_form_open_too_long_comes_back_with_every_value_in_the_pages_language(
    app, make_petition, csrf_on, signed_ago, language
):
    petition = make_petition()
    csrf_on()
    app.config["PETITION_MIN_FILL_SECONDS"] = 60
    with signed_ago(hours=25):
        shown = app.test_client().get(
            f"/petitions/{petition.slug}?source=juntos", headers={"Accept-Language": language}
        )
    expired = hidden_inputs(shown)
    phone = app.test_client()
    back = phone.post(f"/petitions/{petition.slug}/sign", data=expired | TYPED)
    assert back.status_code == 400 and signatures() == 0
    page = back.get_data(as_text=True)
    assert PRESS_AGAIN[language] in text_of(back) and f'<html lang="{language}">' in page
    for value in ("Rosa", "Díaz", "rosa@example.org", "19104", "juntos"):
        assert f'value="{value}"' in page, value
    assert "Por mis hijos</textarea>" in page
    assert 'checked id="show_name"' in page and 'checked id="subscribe"' in page
    fresh = hidden_inputs(back)
    assert fresh["csrf_token"] != expired["csrf_token"]
    assert fresh["started"] == expired["started"]  # filled in long ago: pressing again is no bot
    assert phone.post(f"/petitions/{petition.slug}/sign", data=fresh | TYPED).status_code == 302
    signature = db.session.scalar(select(PetitionSignature))
    assert (signature.source, signature.quarantine_reason, signature.language) == ("juntos", "", language)


def test_a_form_token_for_one_petition_does_not_sign_another(app, make_petition, csrf_on):
    first, second = make_petition(), make_petition(title="Another petition")
    csrf_on()
    response = post_without_cookies(
        app, f"/petitions/{first.slug}", TYPED, action=f"/petitions/{second.slug}/sign"
    )
    assert response.status_code == 400 and PRESS_AGAIN["en"] in text_of(response)
    assert signatures() == 0


def test_the_confirm_button_needs_no_cookie_and_an_old_page_confirms_nothing(
    app, make_petition, sign, mailbox, csrf_on, signed_ago
):
    petition = make_petition()
    sign(petition, confirm=False, email="rosa@example.org")
    link = mailbox.last_link("rosa@example.org", "/petitions/confirm/").removeprefix("http://localhost")
    csrf_on()
    with signed_ago(hours=25):
        old_page = app.test_client().get(link)
    stale = app.test_client().post(link, data=hidden_inputs(old_page))
    assert PRESS_AGAIN["en"] in text_of(stale) and 'value="Confirm my signature"' in stale.get_data(
        as_text=True
    )
    assert db.session.scalar(select(PetitionSignature.confirmed_at)) is None
    assert "Thank you: your signature counts" in text_of(post_without_cookies(app, link, {}))
