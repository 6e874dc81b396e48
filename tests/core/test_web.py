"""Pages that belong to no feature: security headers, health, language switch, dev mailbox, errors."""

import re
import threading
import urllib.request

import pytest
from gunicorn.http.wsgi import Response as gunicorn_response
from werkzeug.serving import make_server

from campaign.core.cli import NamelessRequestHandler
from campaign.core.urls import safe_next


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


def test_a_page_is_kept_by_no_browser_or_proxy_unless_its_view_chose_caching(client):
    assert client.get("/accounts/login").headers["Cache-Control"] == "no-store"
    assert client.get("/no-such-page").headers["Cache-Control"] == "no-store"
    assert client.get("/static/css/app.css").headers["Cache-Control"] == "no-cache"  # Flask's own


def test_the_app_names_no_server_software(client):
    assert "Server" not in client.get("/accounts/login").headers


def test_the_development_server_sends_no_server_version(app):
    """`flask serve` (make run) uses this handler; Werkzeug's own sends `Werkzeug/x Python/y`."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=NamelessRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/accounts/login") as response:
            assert response.status == 200
            assert response.headers["Server"] is None
    finally:
        server.shutdown()
        thread.join()


def test_gunicorn_names_itself_without_a_version():
    """gunicorn writes `Server: <this>` itself (no setting changes it); since 20.0 it carries no
    version. Pinned here so an upgrade that brings the version back is noticed."""
    assert gunicorn_response(None, None, None).version == "gunicorn"


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


# Each of these, as a Location, sends a browser to another site or injects a header.
OFF_SITE_TARGETS = [
    "https://evil.example",
    "//evil.example/path",
    "////evil.example",
    "/\\evil.example",
    "/%5cevil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "/%0d%0aX: y",
    "/\r\nSet-Cookie: x=1",
    "/" + "a" * 10_000,
    "/\ud800",
]


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_next_cannot_send_a_visitor_off_site_or_inject_a_header(app, target):
    with app.test_request_context("/"):
        assert safe_next(target) == "/"


@pytest.mark.parametrize("target", [t for t in OFF_SITE_TARGETS if "\ud800" not in t])
def test_language_switch_refuses_open_redirects(client, target):
    response = client.get("/language/es", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def on_this_site(location: str) -> bool:
    return (
        location.startswith("/")
        and not location.startswith("//")
        and not re.search(r"[\\\x00-\x1f]", location)
    )


@pytest.mark.parametrize(
    "raw_query",
    ["next=%0d%0aSet-Cookie:x", "next=////evil.example", "next=%2F%2Fevil.example", "next=/%ED%A0%80"],
)
def test_a_crafted_next_in_the_raw_query_stays_on_this_site_and_is_no_500(client, raw_query):
    """As a browser sends them: percent-encoded CR/LF, slashes, and a lone surrogate's bytes."""
    response = client.get(f"/language/en?{raw_query}")
    assert response.status_code == 302
    assert on_this_site(response.headers["Location"])


def test_next_keeps_a_path_on_this_site_with_its_query(app):
    with app.test_request_context("/"):
        assert (
            safe_next("/petitions/end-287g?source=email&lang=es")
            == "/petitions/end-287g?source=email&lang=es"
        )
        assert safe_next("/c/caf%C3%A9") == "/c/caf%C3%A9"


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
    ).close()
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
