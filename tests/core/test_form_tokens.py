"""Public forms need no session cookie: a signed form token, bound to its form, good for a day."""

import pytest
from sqlalchemy import func, select

from campaign.core import form_tokens
from campaign.supporters.models import DataRequest
from tests.pages import hidden_inputs, post_without_cookies, text_of

PAGE = "/privacy/request"  # a public form that needs no data set up (it answers a mistake with 200)
TYPED = {"email": "maria.lopez@example.org", "kind": "erasure"}
PRESS_AGAIN = {
    "en": "This page had been open a long time, so nothing was sent. Anything you typed is still below: "
    "check it and press the button again.",
    "es": "Esta página llevaba mucho tiempo abierta, así que no se envió nada. Lo que escribiste sigue "
    "abajo: revísalo y vuelve a pulsar el botón.",
}


def requests_made(db) -> int:
    return db.session.scalar(select(func.count()).select_from(DataRequest))


def test_a_token_works_for_its_own_form_and_object_within_a_day_only(app, signed_ago):
    with app.test_request_context("/"):
        token = form_tokens.issue("SignForm:1")
        assert form_tokens.read(token, "SignForm:1") == (True, "en")
        for other_purpose in ("SignForm:2", "RsvpForm:1"):
            assert form_tokens.read(token, other_purpose) == (False, None)
        for garbage in ("", None, token[:-4] + "AAAA", "x" * 10_000):
            assert form_tokens.read(garbage, "SignForm:1") == (False, None)
        with signed_ago(hours=23):
            assert form_tokens.read(form_tokens.issue("SignForm:1"), "SignForm:1")[0]
        with signed_ago(hours=25):
            expired = form_tokens.issue("SignForm:1")
        assert form_tokens.read(expired, "SignForm:1") == (False, "en")  # ours, only too old


def test_a_public_form_goes_through_from_a_browser_with_no_cookie_at_all(app, db, csrf_on):
    csrf_on()
    response = post_without_cookies(app, PAGE, TYPED)
    assert response.status_code == 302 and "Set-Cookie" not in response.headers
    assert requests_made(db) == 1


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_expired_form_comes_back_with_what_was_typed_a_fresh_token_and_a_message(
    app, db, csrf_on, signed_ago, language
):
    """The form comes back in the language of the page it was on, whatever the request says
    (a visitor's switch to Spanish lives in the session cookie, gone with the session)."""
    csrf_on()
    with signed_ago(hours=25):
        page = app.test_client().get(PAGE, headers={"Accept-Language": language})
    expired = hidden_inputs(page)
    other = "es" if language == "en" else "en"
    again = app.test_client().post(PAGE, data=expired | TYPED, headers={"Accept-Language": other})
    assert again.status_code == 200
    assert PRESS_AGAIN[language] in text_of(again)
    page = again.get_data(as_text=True)
    assert f'<html lang="{language}">' in page and 'value="maria.lopez@example.org"' in page
    assert 'checked id="kind-1" name="kind" required type="radio" value="erasure"' in page
    fresh = hidden_inputs(again)
    assert fresh["csrf_token"] != expired["csrf_token"]
    assert "Please correct the following" not in text_of(again)  # nothing to correct: press again
    assert requests_made(db) == 0  # nothing saved until the button is pressed again
    pressed_again = app.test_client().post(PAGE, data=fresh | TYPED)
    assert pressed_again.status_code == 302 and requests_made(db) == 1


def test_a_missing_or_forged_token_is_treated_like_an_expired_one(app, db, csrf_on):
    csrf_on()
    for token in ({}, {"csrf_token": "forged"}):
        response = app.test_client().post(PAGE, data=TYPED | token)
        assert response.status_code == 200 and PRESS_AGAIN["en"] in text_of(response)
    assert requests_made(db) == 0
