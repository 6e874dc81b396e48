"""The webhooks pages: owners and admins add, edit, rotate, test, resend, turn off and delete
endpoints; the secret is shown once; hostile URLs are refused with a message; other
coalitions, viewers and strangers are refused."""

import re
from urllib.parse import quote_from_bytes

import pytest
from sqlalchemy import select

from campaign.api.webhooks import services as webhooks
from campaign.api.webhooks.models import WebhookDelivery, WebhookEndpoint
from campaign.coalitions.models import Role

SECRET = re.compile(r'id="new-secret"[^>]*>(whsec_[A-Za-z0-9+/=]+)<')
ONCE = re.compile(r'name="once" type="hidden" value="([^"]+)"')


def page(coalition, rest=""):
    return f"/coalitions/{coalition.slug}/webhooks{rest}"


def form(url="https://hooks.example.org/campaign", **overrides):
    return {
        "name": "Action Network sync",
        "url": url,
        "events": ["signature.confirmed", "alert.sent"],
    } | overrides


def test_an_owner_adds_an_endpoint_and_sees_its_secret_once(db, client, coalition):
    response = client.post(page(coalition), data=form())
    assert response.status_code == 201
    secret = SECRET.search(response.text).group(1)
    endpoint = db.session.scalar(select(WebhookEndpoint))
    assert endpoint.secret == secret and endpoint.events == ["signature.confirmed", "alert.sent"]
    assert not endpoint.batch and endpoint.enabled
    for shown in (client.get(page(coalition)).text, client.get(page(coalition, f"/{endpoint.id}")).text):
        assert "Action Network sync" in shown and secret not in shown
    # Sealed at rest: no column holds the secret in the clear.
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            assert not any(secret[6:] in str(value) for value in row), table.name


def test_a_double_click_adds_one_endpoint_and_shows_no_secret_the_second_time(db, client, coalition):
    data = form(once=ONCE.search(client.get(page(coalition)).text).group(1))
    first = client.post(page(coalition), data=data)
    again = client.post(page(coalition), data=data, follow_redirects=True)
    assert first.status_code == 201 and SECRET.search(first.text)
    assert again.status_code == 200 and not SECRET.search(again.text)
    assert "was already added by your first click" in again.text
    assert len(db.session.scalars(select(WebhookEndpoint)).all()) == 1


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("", "Enter the address that receives the events."),
        ("https://hooks.example.org/a\r\nX-Evil: 1", "An address has no spaces or line breaks."),
        ("https://hooks.example.org/\x00", "invisible control characters"),
        ("https://hooks.example.org/\u200b", "characters that cannot be in a web address"),
        ("https://hooks.example.org/" + "a" * 10_000, "Use an address of at most 2,000 characters."),
        ("javascript:alert(1)", "Enter a full address"),
        ("ftp://hooks.example.org/", "Enter a full address"),
        ("hooks.example.org/webhooks", "Enter a full address"),
        ("https://:443/", "Enter a full address"),
        ("https://hooks.example.org:99999/", "Enter a full address"),
        ("http://hooks.example.org/", "Use an https:// address"),
        ("https://user:pass@hooks.example.org/", "Leave the user name and password out"),
        ("https://10.0.0.5/hook", "is a private or internal address"),
        ("https://192.168.1.1/hook", "is a private or internal address"),
        ("https://169.254.169.254/latest/meta-data/", "is a private or internal address"),
        ("http://169.254.169.254/", "Use an https:// address"),
        ("https://[::ffff:127.0.0.1]/", "is a private or internal address"),
        ("https://[fd00:ec2::254]/", "is a private or internal address"),
        ("https://0.0.0.0/", "is a private or internal address"),
    ],
)
def test_hostile_urls_are_refused_with_a_message_keeping_what_was_typed(db, client, coalition, url, error):
    response = client.post(page(coalition), data=form(url=url))
    assert response.status_code == 400
    assert error in response.text and 'class="error-summary"' in response.text
    assert "Action Network sync" in response.text
    assert db.session.scalar(select(WebhookEndpoint)) is None


def test_a_lone_surrogate_arrives_percent_escaped_as_a_web_address_carries_bytes(db, client, coalition):
    """Sent as a browser could (invalid UTF-8), its bytes reach the form as %XX escapes, which a
    web address may hold: saved, shown again, never a 500."""
    fields = form(url="https://hooks.example.org/\ud800") | {"events": "alert.sent"}
    body = "&".join(
        f"{name}={quote_from_bytes(value.encode('utf-8', 'surrogatepass'))}" for name, value in fields.items()
    )
    response = client.post(page(coalition), data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201
    assert db.session.scalar(select(WebhookEndpoint.url)) == "https://hooks.example.org/%ED%A0%80"


def test_in_production_names_resolving_to_this_machine_and_http_to_localhost_are_refused(
    app, db, client, coalition
):
    app.config["WEBHOOK_LOCAL_RECEIVERS"] = False
    for url, error in (
        ("https://localhost/hook", "is a private or internal address"),
        ("http://127.0.0.1:8000/hook", "Use an https:// address"),
        ("https://no-such-host.invalid/hook", "No server answers to the name no-such-host.invalid"),
    ):
        response = client.post(page(coalition), data=form(url=url))
        assert response.status_code == 400 and error in response.text, url
    assert db.session.scalar(select(WebhookEndpoint)) is None


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (form(name=""), "Name the endpoint after what receives it."),
        (form(name="x" * 10_000), "x" * 200),
        (form(name="<b>Sync</b>"), "Use plain text here"),
        (form(events=[]), "Choose at least one event to send."),
        (form(events=["person.deleted"]), "Action Network sync"),
        (form(name="Sync\x00\r\n", events=["alert.sent\x00"]), "Sync"),
    ],
)
def test_bad_fields_are_refused_keeping_what_was_typed(db, client, coalition, data, error):
    response = client.post(page(coalition), data=data)
    assert response.status_code == 400 and error in response.text
    assert db.session.scalar(select(WebhookEndpoint)) is None


@pytest.fixture
def endpoint(db, client, coalition, receiver):
    client.post(page(coalition), data=form(url=receiver.url))
    made = db.session.scalar(select(WebhookEndpoint))
    receiver.secret = made.secret
    return made


def test_the_endpoints_page_edits_it_and_keeps_what_was_typed_on_a_mistake(db, client, coalition, endpoint):
    url = page(coalition, f"/{endpoint.id}")
    bad = client.post(url, data=form(name="Renamed", url="http://example.org/"))
    assert bad.status_code == 400 and "Renamed" in bad.text
    saved = client.post(url, data=form(name="Renamed", url="https://other.example.org/", batch="y"))
    assert saved.status_code == 302
    db.session.refresh(endpoint)
    assert (endpoint.name, endpoint.url, endpoint.batch) == ("Renamed", "https://other.example.org/", True)


def test_a_test_event_and_a_resend_from_the_page_reach_the_receiver(
    db, client, coalition, endpoint, receiver
):
    url = page(coalition, f"/{endpoint.id}")
    client.post(f"{url}/test").close()
    (received,) = receiver.wait_for(1)
    assert received.verified and received.payload["type"] == "ping"
    shown = client.get(url).text
    assert "ping" in shown and "Delivered" in shown and " ms" in shown
    delivery = db.session.scalar(select(WebhookDelivery))
    client.post(f"{url}/deliveries/{delivery.id}/resend").close()
    assert len(receiver.wait_for(2)) == 2


def test_rotating_shows_the_new_secret_once_and_a_double_click_rotates_once(db, client, coalition, endpoint):
    url = page(coalition, f"/{endpoint.id}")
    first_secret = endpoint.secret
    once = ONCE.search(client.get(url).text).group(1)
    rotated = client.post(f"{url}/secret", data={"once": once})
    new = SECRET.search(rotated.text).group(1)
    again = client.post(f"{url}/secret", data={"once": once})
    assert not SECRET.search(again.text) and "already rotated by your first click" in again.text
    db.session.refresh(endpoint)
    assert (endpoint.secret, endpoint.previous_secret) == (new, first_secret)
    assert "The previous secret signs too until" in again.text


def test_turning_off_on_and_deleting(db, client, coalition, endpoint):
    url = page(coalition, f"/{endpoint.id}")
    assert client.post(f"{url}/disable").status_code == 302
    db.session.refresh(endpoint)
    assert not endpoint.enabled and "Turn on" in client.get(url).text
    client.post(f"{url}/enable")
    db.session.refresh(endpoint)
    assert endpoint.enabled
    webhooks.send_test(endpoint)
    db.session.commit()
    assert client.post(f"{url}/delete").status_code == 302
    assert db.session.scalar(select(WebhookEndpoint)) is None
    assert db.session.scalar(select(WebhookDelivery)) is None
    assert client.get(url).status_code == 404


def test_admins_keep_webhooks_and_organizers_viewers_and_strangers_are_refused(
    app, db, client, coalition, endpoint, add_teammate, login
):
    url = page(coalition, f"/{endpoint.id}")
    for role, status in ((Role.ADMIN, 200), (Role.ORGANIZER, 403), (Role.VIEWER, 403)):
        add_teammate(coalition, role, f"{role.name.lower()}-mate@example.org")
        login(f"{role.name.lower()}-mate@example.org")
        for path in (page(coalition), url):
            assert client.get(path).status_code == status, (role, path)
        assert client.post(f"{url}/disable").status_code == (302 if status == 200 else 403), role
    client.post("/accounts/logout")
    assert client.get(url).status_code == 302  # a stranger: to the login page
    assert client.post(f"{url}/test").status_code == 302
    assert db.session.scalar(select(WebhookDelivery)) is None


def test_another_coalition_reaches_no_endpoint_or_delivery(
    db, client, coalition, endpoint, make_user, make_coalition, login
):
    webhooks.send_test(endpoint)
    db.session.commit()
    delivery = db.session.scalar(select(WebhookDelivery))
    own = make_coalition(make_user(email="b@example.org"), name="Coalition B")
    login("b@example.org")
    for slug in (coalition.slug, own.slug):
        base = f"/coalitions/{slug}/webhooks/{endpoint.id}"
        assert client.get(base).status_code == 404
        for action in ("test", "secret", "disable", "delete", f"deliveries/{delivery.id}/resend"):
            assert client.post(f"{base}/{action}").status_code == 404, (slug, action)
    db.session.refresh(endpoint)
    assert endpoint.enabled and endpoint.secret


def test_the_pages_are_linked_and_speak_spanish(db, client, coalition, endpoint):
    keys = client.get(f"/coalitions/{coalition.slug}/api-keys").text
    assert f'href="{page(coalition)}"' in keys
    overview = client.get(f"/coalitions/{coalition.slug}").text
    assert f'href="{page(coalition)}"' in overview
    client.get("/language/es")
    listing = client.get(page(coalition)).text
    assert "Agregar un endpoint" in listing and "Datos personales" in listing
    assert "Enviar un evento de prueba" in client.get(page(coalition, f"/{endpoint.id}")).text
