"""An organizer form posted after the session ended keeps what was typed through the login and back."""

import base64
import re
import secrets
import time
import zlib
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet
from flask import abort
from sqlalchemy import delete, func, select

from campaign.accounts.forms import LoginForm
from campaign.accounts.models import LoginSession
from campaign.core import lost_session
from campaign.petitions.models import Petition
from tests.pages import hidden_inputs, text_of
from tests.petitions.conftest import (
    make_petition,  # noqa: F401 (fixture)
    petition_form,
)

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


def log_in_again(client, login_page: str, password="correct horse battery", email="organizer@example.org"):
    shown = client.get(login_page)
    response = client.post(login_page, data=hidden_inputs(shown) | {"email": email, "password": password})
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


# Attack "the kept form on a shared browser": a session cookie is signed, not encrypted, and an
# organizer may walk away from a shared computer after pressing the button.
SIGNERS = "Ana Reyes, 19104\nJosé Martínez, 19120\nMaría López, 19133"


def readable_cookie(client) -> str:
    """The session cookie as anyone with the browser reads it: no key needed."""
    value = client.get_cookie("session").value
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if value.startswith(".") else raw).decode()


@pytest.fixture
def paper_page(
    coalition,
    make_petition,  # noqa: F811
    csrf_on,
):
    petition = make_petition()
    csrf_on()
    return f"/coalitions/{coalition.slug}/petitions/{petition.id}/paper"


def signers_typed_as_the_login_ends(client, db, paper_page) -> str:
    """Organizer A types paper signers' names; the login ends on the server (logged out
    elsewhere, its 12 hours over); A presses the button. Returns the login page it goes to."""
    shown = client.get(paper_page)
    db.session.execute(delete(LoginSession))
    db.session.commit()
    data = hidden_inputs(shown) | {"organization_id": "0", "names": SIGNERS, "count": ""}
    return post_from_page(client, paper_page, data).location


def test_on_a_shared_browser_signers_kept_in_the_cookie_cannot_be_read_without_the_key(
    client, db, paper_page
):
    login_page = signers_typed_as_the_login_ends(client, db, paper_page)
    cookie = readable_cookie(client)
    assert "kept_form" in cookie
    assert not any(word in cookie for word in ("Mart", "19120", "names", "paper"))
    log_in_again(client, login_page)
    assert "José Martínez, 19120" in client.get(paper_page).get_data(as_text=True)


def test_on_a_shared_browser_another_organizers_login_drops_the_kept_form(client, db, make_user, paper_page):
    login_page = signers_typed_as_the_login_ends(client, db, paper_page)
    make_user(email="other@example.org", name="Other Coalition")
    log_in_again(client, login_page, email="other@example.org")  # B, on the same computer
    assert "kept_form" not in readable_cookie(client)


def test_on_a_shared_browser_a_logout_drops_the_kept_form(client, db, paper_page):
    signers_typed_as_the_login_ends(client, db, paper_page)
    log_in_again(client, "/accounts/login")  # A again, who then leaves without opening the page
    page = client.get("/coalitions").get_data(as_text=True)
    token = re.search(r'action="/accounts/logout".*?name="csrf_token"[^>]*value="([^"]+)"', page, re.S)
    assert client.post("/accounts/logout", data={"csrf_token": token.group(1)}).status_code == 302
    assert "kept_form" not in readable_cookie(client)


def test_on_a_shared_browser_a_stale_kept_form_is_dropped_on_any_page(client, db, paper_page):
    signers_typed_as_the_login_ends(client, db, paper_page)
    with client.session_transaction() as session:  # kept longer ago than a password takes to find
        session["kept_form"] |= {"at": int(time.time()) - lost_session.KEPT_SECONDS}
    client.get("/")
    assert "kept_form" not in readable_cookie(client)


@pytest.mark.fresh_app
def test_a_form_page_that_fails_after_filling_in_keeps_what_was_typed_for_the_next_try(app, client, csrf_on):
    """A view whose database connection is lost runs again (core/database.py), or answers 503:
    what was typed is dropped only with a page that was sent whole."""
    failures = [500]

    def form_page():
        form = LoginForm()
        if failures:
            abort(failures.pop())
        return f'<input name="email" value="{form.email.data or ""}">'

    app.add_url_rule("/form-that-fails-once", view_func=form_page, methods=["GET", "POST"])
    csrf_on()
    posted = post_from_page(client, "/form-that-fails-once", {"email": "ana@example.org"})
    assert posted.status_code == 303
    assert client.get("/form-that-fails-once").status_code == 500
    assert 'value="ana@example.org"' in client.get("/form-that-fails-once").get_data(as_text=True)
    assert 'value=""' in client.get("/form-that-fails-once").get_data(as_text=True)


def test_a_kept_form_sealed_under_a_key_since_removed_is_dropped_and_the_page_shown_empty(
    app, client, db, paper_page, monkeypatch
):
    login_page = signers_typed_as_the_login_ends(client, db, paper_page)
    monkeypatch.setitem(app.config, "DATA_KEYS", Fernet.generate_key().decode())  # rotated, old key gone
    log_in_again(client, login_page)
    page = client.get(paper_page)
    assert page.status_code == 200 and "José Martínez" not in page.get_data(as_text=True)
    assert "kept_form" not in readable_cookie(client)
