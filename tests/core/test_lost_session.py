"""An organizer form posted after the session ended keeps what was typed through the login and back."""

import secrets
from urllib.parse import urlsplit

import pytest
from sqlalchemy import delete, func, select

from campaign.accounts.models import LoginSession
from campaign.petitions.models import Petition
from tests.pages import hidden_inputs, text_of
from tests.petitions.conftest import petition_form

HERE = "http://localhost"
SESSION_ENDED = (
    "Your session had ended, so nothing was saved. What you typed is below: check it and press the "
    "button again."
)
pytestmark = pytest.mark.usefixtures("requests_start_afresh")
TYPED = petition_form(title="Sanctuary for every family", ask="Pass the Welcoming City ordinance.")


@pytest.fixture
def form_page(coalition, csrf_on):
    csrf_on()
    return f"/coalitions/{coalition.slug}/petitions/new"


def petitions_saved(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Petition))


def post_from_page(client, page: str, data: dict, origin: str = HERE):
    """Send the form from its page, as a browser does (Origin and Referer of the page)."""
    return client.post(page, data=data, headers={"Origin": origin, "Referer": f"{origin}{page}"})


def log_in_again(client, login_page: str, password="correct horse battery"):
    shown = client.get(login_page)
    response = client.post(
        login_page, data=hidden_inputs(shown) | {"email": "organizer@example.org", "password": password}
    )
    assert response.status_code == 302, text_of(response)
    return response


def session_of(client, app) -> dict:
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


def test_an_organizer_whose_session_expired_keeps_what_was_typed_through_the_login(client, db, form_page):
    token = hidden_inputs(client.get(form_page))["csrf_token"]
    client.delete_cookie("session")  # the session ended while the form was open

    posted = post_from_page(client, form_page, TYPED | {"csrf_token": token})
    assert posted.status_code == 303 and posted.location == form_page
    to_login = client.get(form_page)
    assert to_login.status_code == 302 and urlsplit(to_login.location).path == "/accounts/login"
    login_page = to_login.location
    assert "Log in again: what you typed is waiting on the form." in text_of(client.get(login_page))
    back = log_in_again(client, login_page)
    assert back.location == form_page

    refilled = client.get(form_page)
    page = text_of(refilled)
    assert SESSION_ENDED in page
    assert 'value="Sanctuary for every family"' in refilled.get_data(as_text=True)
    assert "Pass the Welcoming City ordinance." in page and "Families are separated **every week**." in page
    assert petitions_saved(db) == 0  # nothing saved without pressing the button again
    assert SESSION_ENDED not in text_of(client.get(form_page))  # filled in once only
    saved = client.post(form_page, data=hidden_inputs(refilled) | TYPED)
    assert saved.status_code == 302 and petitions_saved(db) == 1


def test_a_login_that_ended_on_the_server_keeps_the_form_too(client, db, form_page):
    """The cookie (and its CSRF token) is still good, but the login it names has ended."""
    shown = client.get(form_page)
    db.session.execute(delete(LoginSession))
    db.session.commit()
    posted = post_from_page(client, form_page, hidden_inputs(shown) | TYPED)
    assert posted.status_code == 302 and urlsplit(posted.location).path == "/accounts/login"
    back = log_in_again(client, posted.location)
    assert back.location == form_page
    assert SESSION_ENDED in text_of(client.get(form_page))


def test_what_is_too_long_for_the_cookie_is_named_on_the_form_and_the_cookie_stays_small(
    app, client, db, form_page
):
    token = hidden_inputs(client.get(form_page))["csrf_token"]
    client.delete_cookie("session")
    long_text = secrets.token_urlsafe(6000)  # no compression shrinks it
    posted = post_from_page(client, form_page, TYPED | {"csrf_token": token, "body_es": long_text})
    assert len(posted.headers["Set-Cookie"]) < 3500  # browsers drop cookies over 4,096 bytes
    log_in_again(client, client.get(form_page).location)
    refilled = client.get(form_page)
    assert "except “Why it matters, in Spanish”, which was too long to keep" in text_of(refilled)
    assert 'value="Sanctuary for every family"' in refilled.get_data(as_text=True)
    assert long_text not in refilled.get_data(as_text=True)


def test_a_password_is_never_kept(app, make_user, csrf_on):
    make_user()
    csrf_on()
    browser = app.test_client()
    shown = browser.get("/accounts/login")
    browser.delete_cookie("session")
    typed = {"email": "organizer@example.org", "password": "correct horse battery"}
    posted = post_from_page(browser, "/accounts/login", hidden_inputs(shown) | typed)
    assert posted.status_code == 303
    assert "correct horse battery" not in str(session_of(browser, app))
    again = browser.get(posted.location).get_data(as_text=True)
    assert 'value="organizer@example.org"' in again and "correct horse battery" not in again


def test_another_sites_post_is_refused_and_fills_in_nothing(app, client, db, form_page):
    client.delete_cookie("session")
    posted = post_from_page(client, form_page, TYPED, origin="https://attacker.example")
    assert posted.status_code == 400 and "This form had expired" in text_of(posted)
    assert "kept_form" not in session_of(client, app)


def test_a_button_pressed_after_the_session_ended_says_that_nothing_was_done(client, coalition, csrf_on):
    csrf_on()
    page = f"/coalitions/{coalition.slug}/petitions/new"
    token = hidden_inputs(client.get(page))["csrf_token"]
    client.delete_cookie("session")
    posted = client.post(
        f"/coalitions/{coalition.slug}/petitions/1/open",
        data={"csrf_token": token},
        headers={"Origin": HERE, "Referer": f"{HERE}{page}"},
    )
    assert posted.status_code == 303 and posted.location == page
    login_page = client.get(page).location
    shown = text_of(client.get(login_page))
    assert "Your session had ended, so that was not done. Please try again." in shown
    assert "Please log in to see this page." in shown
