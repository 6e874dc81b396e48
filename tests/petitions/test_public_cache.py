"""A petition going viral: anonymous readers share one page per 2 s, and nobody else's page.

core/page_cache.py keeps the page and count.json 2 s per process (TestConfig turns that off;
these tests turn it on, on a clock they move) and makes them public for 5 s with an ETag, but
only for a request that carries no cookie: an organizer, a visitor with a flashed message or a
language switch, and a draft's preview get their own page, never kept, never public.
"""

import random
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import template_rendered
from werkzeug.middleware.proxy_fix import ProxyFix

from campaign.core import page_cache
from campaign.core.form_tokens import PRESS_AGAIN
from campaign.core.i18n import select_locale
from campaign.petitions.models import SOURCE_MAX_LENGTH
from tests.pages import hidden_inputs, statements_of, text_of
from tests.petitions.conftest import organizer_url, petition_form, tally_now

pytestmark = pytest.mark.usefixtures("requests_start_afresh")  # each client is its own visitor
README = Path(__file__).resolve().parents[2] / "README.md"


class Clock:
    def __init__(self):
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


@pytest.fixture(autouse=True)
def clock(app, monkeypatch):
    """Pages kept 2 s, as in production, on a clock the test moves instead of sleeping."""
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 2)
    moved = Clock()
    monkeypatch.setattr(page_cache, "now", moved)
    return moved


@pytest.fixture
def petition(make_petition):
    return make_petition()


@contextmanager
def templates_rendered():
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        yield rendered
    finally:
        template_rendered.disconnect(record)


def kept_pages() -> int:
    return len(page_cache.cache("petition"))


def is_shared(response) -> bool:
    return response.cache_control.public and response.cache_control.max_age <= 5


def test_an_anonymous_reader_gets_a_public_page_with_an_etag_and_a_reload_costs_a_304(app, petition, clock):
    reader = app.test_client()
    page = reader.get(f"/petitions/{petition.slug}")
    assert page.status_code == 200 and is_shared(page)
    assert "Set-Cookie" not in page.headers
    assert {"Accept-Language", "Cookie"} <= set(page.vary)
    etag = page.headers["ETag"]
    again = reader.get(f"/petitions/{petition.slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    # Another process, or the next entry here, renders a new form token and stamp: the same ETag.
    clock.advance(2)
    assert reader.get(f"/petitions/{petition.slug}", headers={"If-None-Match": etag}).status_code == 304


def test_a_reload_within_2_s_runs_no_query_and_renders_no_template(app, petition):
    reader = app.test_client()
    for path in (f"/petitions/{petition.slug}", f"/petitions/{petition.slug}/count.json"):
        assert statements_of(reader, path) > 0
        with templates_rendered() as rendered:
            assert statements_of(reader, path) == 0, path
        assert rendered == [], path


def test_an_organizers_page_is_their_own_and_never_the_anonymous_one(app, client, petition):
    path = f"/petitions/{petition.slug}"
    anonymous = app.test_client().get(path)
    assert "Log out" not in text_of(anonymous)

    mine = client.get(path)
    assert not mine.cache_control.public and "no-store" in mine.headers["Cache-Control"]
    assert "Log out" in text_of(mine) and "My coalitions" in text_of(mine)
    assert "ETag" not in mine.headers
    assert "Log out" not in text_of(app.test_client().get(path))


def test_a_page_made_for_an_organizer_is_never_kept(app, client, petition):
    path = f"/petitions/{petition.slug}"
    client.get(path)
    assert kept_pages() == 0
    reader = app.test_client()
    assert statements_of(reader, path) > 0  # rendered for the reader, not taken from the organizer's
    assert "Log out" not in text_of(reader.get(path)) and kept_pages() == 1


def test_a_drafts_preview_is_never_public_nor_kept(app, client, make_petition):
    draft = make_petition(open_it=False)
    preview = client.get(f"/petitions/{draft.slug}")
    assert preview.status_code == 200 and "This page is not public yet" in text_of(preview)
    assert "no-store" in preview.headers["Cache-Control"] and not preview.cache_control.public
    assert app.test_client().get(f"/petitions/{draft.slug}").status_code == 404
    assert app.test_client().get(f"/petitions/{draft.slug}/count.json").status_code == 404
    assert kept_pages() == 0 and len(page_cache.cache("petition-count")) == 0


def test_a_page_with_a_flashed_message_is_the_visitors_own(app, petition):
    path = f"/petitions/{petition.slug}"
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("success", "Your request was sent.")]
    flashed = visitor.get(path)
    assert "Your request was sent." in text_of(flashed) and not flashed.cache_control.public
    assert kept_pages() == 0
    assert "Your request was sent." not in text_of(app.test_client().get(path))


def test_a_form_refused_for_its_old_token_is_shown_to_its_signer_alone(app, petition, csrf_on, signed_ago):
    path = f"/petitions/{petition.slug}"
    csrf_on()
    with signed_ago(hours=25):
        old = hidden_inputs(app.test_client().get(f"{path}?source=juntos"))
    typed = {"first_name": "Rosa", "email": "rosa@example.org", "zip_code": "19104"}
    back = app.test_client().post(f"{path}/sign", data=old | typed)
    assert back.status_code == 400 and str(PRESS_AGAIN) in text_of(back)
    assert not back.cache_control.public
    shown = app.test_client().get(f"{path}?source=juntos")
    assert str(PRESS_AGAIN) not in text_of(shown) and "rosa@example.org" not in shown.get_data(as_text=True)


def test_spanish_and_english_are_kept_apart(app, petition):
    path = f"/petitions/{petition.slug}"

    def language_of(response) -> str:
        return re.search(r'<html lang="(\w+)">', response.get_data(as_text=True)).group(1)

    english = app.test_client().get(path, headers={"Accept-Language": "en"})
    assert language_of(english) == "en" and is_shared(english)
    for spanish in (
        app.test_client().get(f"{path}?lang=es", headers={"Accept-Language": "en"}),
        app.test_client().get(path, headers={"Accept-Language": "es-MX,es;q=0.9"}),
    ):
        assert language_of(spanish) == "es" and is_shared(spanish)
        assert spanish.headers["ETag"] != english.headers["ETag"]
    switched = app.test_client()
    switched.get("/language/es")
    mine = switched.get(path, headers={"Accept-Language": "en"})
    assert language_of(mine) == "es" and not mine.cache_control.public
    assert language_of(app.test_client().get(path, headers={"Accept-Language": "en"})) == "en"
    assert kept_pages() == 2


def test_a_shared_link_in_spanish_signs_in_spanish_though_its_page_set_no_cookie(app, petition, csrf_on):
    """The page is public, so the link's language is not remembered in a session (core/i18n.py):
    the form's token carries it to the sign post, which answers with the Spanish thank-you page."""
    csrf_on()
    signer = app.test_client()
    shown = signer.get(f"/petitions/{petition.slug}?lang=es", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in shown.get_data(as_text=True) and "Set-Cookie" not in shown.headers
    typed = {"first_name": "Rosa", "email": "rosa@example.org", "zip_code": "19104"}
    signed = signer.post(f"/petitions/{petition.slug}/sign", data=hidden_inputs(shown) | typed)
    assert signed.status_code == 302
    thanks = signer.get(signed.location, headers={"Accept-Language": "en"})
    assert '<html lang="es">' in thanks.get_data(as_text=True)


def test_each_source_gets_its_own_entry_and_hostile_sources_leave_the_cache_bounded(app, petition):
    path = f"/petitions/{petition.slug}"
    reader = app.test_client()
    assert hidden_inputs(reader.get(f"{path}?source=juntos"))["source"] == "juntos"
    assert hidden_inputs(reader.get(f"{path}?source=unidos"))["source"] == "unidos"
    assert hidden_inputs(reader.get(path))["source"] == ""
    assert hidden_inputs(reader.get(f"{path}?source=juntos"))["source"] == "juntos"
    hostile = ("a%0D%0ASet-Cookie:%20x=1", "b%00c", "d" * 10_000, "e%ED%A0%80", "f\u2028")
    for number in range(1000):
        response = reader.get(f"{path}?source={hostile[number % len(hostile)]}{number}")
        assert response.status_code == 200 and "Set-Cookie" not in response.headers
        echoed = hidden_inputs(response)["source"]
        assert "\n" not in echoed and "\x00" not in echoed and len(echoed) <= SOURCE_MAX_LENGTH
    assert kept_pages() == page_cache.MAX_ENTRIES


def test_a_new_count_shows_within_2_s(app, petition, sign, clock):
    path = f"/petitions/{petition.slug}"
    reader = app.test_client()
    assert "0 signatures" in text_of(reader.get(path))
    assert reader.get(f"{path}/count.json").get_json()["count"] == 0
    sign(petition)
    tally_now()
    clock.advance(1.9)
    assert "0 signatures" in text_of(reader.get(path))
    assert reader.get(f"{path}/count.json").get_json()["count"] == 0
    clock.advance(0.1)
    assert "1 signature" in text_of(reader.get(path))
    assert reader.get(f"{path}/count.json").get_json()["count"] == 1


def test_an_organizer_closing_or_editing_the_petition_shows_within_2_s(
    app, client, coalition, petition, clock
):
    path = f"/petitions/{petition.slug}"
    reader = app.test_client()
    assert "Sign the petition" in text_of(reader.get(path))
    edited = client.post(
        organizer_url(coalition, petition, "/edit"), data=petition_form(title="Free them all")
    )
    assert edited.status_code == 302
    assert client.post(organizer_url(coalition, petition, "/close")).status_code == 302
    assert "Sign the petition" in text_of(reader.get(path))  # the kept page, at most 2 s old
    clock.advance(2)
    page = text_of(reader.get(path))
    assert "Free them all" in page and "This petition is closed" in page and "Sign the petition" not in page


def test_count_json_is_kept_conditional_and_readable_by_any_site(app, client, petition):
    path = f"/petitions/{petition.slug}/count.json"
    for asker in (app.test_client(), client):  # the same figures for everyone: public even with a login
        answer = asker.get(path)
        assert is_shared(answer) and answer.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in answer.headers
        again = asker.get(path, headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304 and again.get_data() == b""
        assert again.headers["Access-Control-Allow-Origin"] == "*"


def test_a_request_with_credentials_is_never_shared(app, petition):
    path = f"/petitions/{petition.slug}"
    with_key, with_cookie = app.test_client(), app.test_client()
    with_cookie.set_cookie("tracking", "1")  # any cookie: nginx's snippet in the README bypasses them all
    for response in (with_key.get(path, headers={"Authorization": "Bearer someone"}), with_cookie.get(path)):
        assert response.status_code == 200 and not response.cache_control.public
    assert kept_pages() == 0


@pytest.mark.parametrize(
    ("headers", "trusted"),
    [
        ({"Host": "act.example.org", "X-Forwarded-Host": "evil.example"}, None),  # TRUSTED_HOSTS unset
        # TRUSTED_HOSTS looks at the host name only; nginx's $host drops the port too.
        ({"Host": "act.example.org", "X-Forwarded-Host": "act.example.org:6666"}, ["act.example.org"]),
        ({"Host": "act.example.org:6666"}, ["act.example.org"]),
        ({"Host": "act.example.org", "X-Forwarded-Proto": "http"}, ["act.example.org"]),
    ],
)
def test_a_page_asked_on_another_address_than_the_sites_is_never_shared(
    app, petition, monkeypatch, headers, trusted
):
    """Behind a proxy (TRUST_PROXY_HOPS), the page's absolute links follow the forwarded host a
    visitor may set, while the proxy files the page under its own: shared, it would hand every
    reader share links to another site."""
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://act.example.org")
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", trusted)
    path = f"/petitions/{petition.slug}"
    asked = app.test_client().get(path, headers={"X-Forwarded-Proto": "https", **headers})
    assert asked.status_code == 200 and not is_shared(asked)
    assert "no-store" in asked.headers["Cache-Control"]
    own = app.test_client().get(path, headers={"Host": "act.example.org", "X-Forwarded-Proto": "https"})
    assert is_shared(own) and "https://act.example.org/petitions/" in own.get_data(as_text=True)
    assert "evil.example" not in own.get_data(as_text=True) and ":6666" not in own.get_data(as_text=True)


def test_the_kept_page_shows_nothing_of_signers_organizers_or_another_coalition(
    app, client, coalition, petition, sign, log_in_as
):
    sign(petition, first_name="Rosa", last_name="Díaz", email="rosa@example.org", show_name="y")
    sign(petition, first_name="Hidden", last_name="Person", email="hidden@example.org")
    tally_now()
    log_in_as("other@example.org")  # an organizer of another coalition
    theirs = client.get(f"/petitions/{petition.slug}")
    assert not theirs.cache_control.public and kept_pages() == 0
    stranger = app.test_client().get(f"/petitions/{petition.slug}")
    assert is_shared(stranger) and kept_pages() == 1
    page = stranger.get_data(as_text=True)
    assert "Rosa D." in text_of(stranger)  # chose to be shown, as she is to everyone
    for private in (
        "rosa@example.org",
        "Díaz",
        "Hidden",
        "hidden@example.org",
        "organizer@example.org",
        "Ana Organizer",
        "other@example.org",
        "Someone Else",
        "Another Coalition",
        "Log out",
        "/accounts/logout",
    ):
        assert private not in page, private


def test_the_readmes_nginx_map_never_files_a_page_under_a_language_the_app_would_not_choose(app):
    """README, "A petition going viral": nginx keys its cache on the language its map reads from
    Accept-Language. Where the map says en or es, the app must answer in it; any other header is
    keyed on its own value, which is always right."""
    block = re.search(r"map \$http_accept_language \$campaign_language \{(.*?)\n\}", README.read_text(), re.S)
    patterns = [
        (re.compile(pattern, re.I), language)
        for pattern, language in re.findall(r'"~\*(.*)" (\w+);', block.group(1))
    ]
    assert [language for _, language in patterns] == ["en", "es"]
    tags = ("en", "en-US", "EN-gb", "es", "es-MX", "es-419", "fr", "*", "est", "es_ES", "")
    weights = ("", ";q=0", ";q=0.0", ";q=0.5", ";q=1", ";q=1.000", ";q=.5", ";q=0.001", ";q=10", " ; q=0.9")
    picker = random.Random(19)
    headers = ["en-US,en;q=0.9", "es-MX,es;q=0.9", "es-ES,es;q=0.9,en;q=0.8", "es;q=0", "en;q=0"]
    headers += [
        ",".join(picker.choice(tags) + picker.choice(weights) for _ in range(picker.randint(1, 3)))
        for _ in range(3000)
    ]
    mapped = 0
    for header in headers:
        said = next((language for pattern, language in patterns if pattern.match(header)), None)
        if said:
            mapped += 1
            with app.test_request_context("/", headers={"Accept-Language": header}):
                assert select_locale() == said, header
    assert mapped > 500  # the map does file the common headers
