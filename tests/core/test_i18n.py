"""The language of a page: a shared link's ?lang= follows the visitor's pages, and only theirs.

A link shared in a language (core/i18n.py `with_language`) opens in it, and a logged-out
visitor's next pages follow. That is remembered in the session only on private HTML pages: a
publicly cached answer (the petition's page for anonymous readers, count.json, the badge)
carrying a cookie would hand it to everyone a shared cache serves. And once the visitor logs
in, their account's language speaks, not the link's.
"""

import pytest
from sqlalchemy import select

from campaign.accounts.models import User
from campaign.petitions import services as petitions
from tests.coalitions.test_access import PETITION
from tests.pages import text_of

pytestmark = pytest.mark.usefixtures("requests_start_afresh")  # each client is its own visitor


@pytest.fixture
def petition(db, coalition):
    owner = db.session.scalar(select(User.id))
    made = petitions.create_petition(coalition.id, owner, PETITION)
    petitions.open_petition(made, made.created_at)
    db.session.commit()
    return made


def test_a_publicly_cached_answer_opened_with_lang_sets_no_cookie(app, petition):
    stranger = app.test_client()
    for path in (
        f"/petitions/{petition.slug}?lang=es",
        f"/petitions/{petition.slug}/badge.svg?lang=es",
        f"/petitions/{petition.slug}/count.json?lang=es",
    ):
        response = stranger.get(path)
        assert response.status_code == 200 and response.cache_control.public, path
        assert "Set-Cookie" not in response.headers, path
    # Nothing was remembered either: the next page is in the browser's language.
    assert '<html lang="en">' in stranger.get(f"/petitions/{petition.slug}").get_data(as_text=True)


def test_a_page_opened_with_lang_is_followed_by_the_visitors_next_pages(app, petition):
    reader = app.test_client()
    first = reader.get(f"/petitions/{petition.slug}/places?lang=es", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in first.get_data(as_text=True) and "Set-Cookie" in first.headers
    assert '<html lang="es">' in reader.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_a_link_opened_before_logging_in_leaves_the_accounts_language_alone(app, coalition, petition):
    """The organizer (account in English) opened a Spanish link logged out, then logged in."""
    browser = app.test_client()
    assert browser.get(f"/petitions/{petition.slug}/places?lang=es").status_code == 200
    logged_in = browser.post(
        "/accounts/login", data={"email": "organizer@example.org", "password": "correct horse battery"}
    )
    assert logged_in.status_code == 302
    assert "Needs you" in text_of(browser.get("/dashboard"))
    # Nor does the link's language come back once they log out.
    browser.post("/accounts/logout")
    assert '<html lang="en">' in browser.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_a_switch_the_visitor_made_before_logging_in_stays_theirs(app, coalition):
    browser = app.test_client()
    browser.get("/language/es")
    browser.post(
        "/accounts/login", data={"email": "organizer@example.org", "password": "correct horse battery"}
    )
    assert "Te espera" in text_of(browser.get("/dashboard"))
