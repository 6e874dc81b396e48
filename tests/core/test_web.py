"""Pages that belong to no feature: security headers, health, language switch, dev mailbox, errors."""

import re

import pytest


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_security_headers_on_every_page(client):
    response = client.get("/accounts/login")
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain http in tests and development


def test_hsts_when_cookies_are_secure(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=")


def test_error_pages_have_security_headers_too(client):
    assert "Content-Security-Policy" in client.get("/no-such-page").headers


def test_healthz_embedded(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_language_switch_sets_spanish_and_returns(client):
    response = client.get("/language/es?next=/accounts/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login"
    assert html_lang(client.get("/accounts/login")) == "es"


def test_language_switch_back_to_english(client):
    # One switch per test: the fast-test fixture keeps one app context across requests, and
    # Flask-Babel caches the locale in it once a page has been rendered.
    with client.session_transaction() as session:
        session["lang"] = "es"
    response = client.get("/language/en", headers={"Accept-Language": "es"})
    assert response.headers["Location"] == "/"
    assert html_lang(client.get("/accounts/login", headers={"Accept-Language": "es"})) == "en"


@pytest.mark.parametrize(
    "target", ["https://evil.example", "//evil.example/path", "/\\evil.example", "javascript:alert(1)"]
)
def test_language_switch_refuses_open_redirects(client, target):
    response = client.get("/language/es", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_unknown_language_is_404(client):
    assert client.get("/language/xx").status_code == 404


def test_dev_mailbox_in_development(client):
    assert client.get("/_dev/mail").status_code == 200


def test_dev_mailbox_is_404_outside_development(app, client):
    app.config["DEVELOPMENT"] = False
    assert client.get("/_dev/mail").status_code == 404
    assert client.get("/_dev/mail/1").status_code == 404


def test_dev_mailbox_is_404_when_mail_is_really_sent(app, client):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:2525"
    assert client.get("/_dev/mail").status_code == 404


def test_dev_mailbox_shows_a_stored_message(client, mailbox):
    client.post(
        "/accounts/signup",
        data={"name": "Rosa", "email": "rosa@example.org", "password": "x" * 12, "confirm": "x" * 12},
    )
    listing = client.get("/_dev/mail").get_data(as_text=True)
    assert "r***@example.org" in listing
    assert "rosa@example.org" not in listing  # the list shows only a hint of the address
    path = re.search(r'href="(/_dev/mail/\d+)"', listing).group(1)
    page = client.get(path).get_data(as_text=True)
    assert "/accounts/verify/" in page


@pytest.mark.parametrize(("accept", "lang"), [("es", "es"), ("es-MX,es;q=0.9,en;q=0.5", "es"), ("en", "en")])
def test_404_page_in_the_visitors_language(client, accept, lang):
    response = client.get("/no-such-page", headers={"Accept-Language": accept})
    assert response.status_code == 404
    assert html_lang(response) == lang
