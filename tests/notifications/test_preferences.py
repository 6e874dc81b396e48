"""A supporter's own page: unsubscribe, subscribe again with consent recorded, change language."""

import pytest
from sqlalchemy import select

from campaign.supporters.models import Consent, Subscription
from tests.pages import post_without_cookies


def test_preferences_change_language_and_unsubscribe(db, client, add_supporter):
    supporter = add_supporter("ana@example.org")
    url = f"/u/{supporter.preferences_token}"
    page = client.get(url).get_data(as_text=True)
    assert "Philadelphia Family Unity Network" in page and "checked" in page
    response = client.post(url, data={"language": "es"})  # the box unticked
    assert response.status_code == 302
    db.session.refresh(supporter)
    assert supporter.language == "es" and supporter.subscription == Subscription.UNSUBSCRIBED


def test_subscribing_again_records_the_words_shown(db, client, add_supporter):
    supporter = add_supporter("ana@example.org", subscribed=False)
    client.post(f"/u/{supporter.preferences_token}", data={"language": "en", "subscribed": "y"})
    db.session.refresh(supporter)
    assert supporter.subscription == Subscription.SUBSCRIBED
    consent = db.session.scalar(select(Consent).where(Consent.source == "preferences"))
    assert consent.wording == "Send me email from this coalition"


def test_the_page_speaks_the_supporters_language(client, add_supporter):
    supporter = add_supporter("luis@example.org", language="es")
    page = client.get(f"/u/{supporter.preferences_token}", headers={"Accept-Language": "en"})
    assert "Tus preferencias de correo" in page.get_data(as_text=True)


def test_a_bad_language_is_refused_and_nothing_changes(db, client, add_supporter):
    supporter = add_supporter("ana@example.org")
    response = client.post(f"/u/{supporter.preferences_token}", data={"language": "fr", "subscribed": "y"})
    assert response.status_code == 200
    assert "Choose one of the options offered." in response.get_data(as_text=True)
    db.session.refresh(supporter)
    assert supporter.language == "en"


def test_an_unknown_link_says_so(client):
    response = client.get("/u/not-a-real-token")
    assert response.status_code == 404
    assert "This link is not valid" in response.get_data(as_text=True)


def test_a_scanner_opening_the_unsubscribe_link_unsubscribes_nobody(db, client, add_supporter):
    supporter = add_supporter("ana@example.org")
    response = client.get(f"/u/{supporter.preferences_token}/one-click")
    assert response.status_code == 200  # the page with the button (test_unsubscribe_page.py)
    db.session.refresh(supporter)
    assert supporter.subscription == Subscription.SUBSCRIBED


def test_a_shared_computer_keeps_no_copy_of_a_supporters_preferences_page(app, add_supporter):
    supporter = add_supporter("ana@example.org")
    response = app.test_client().get(f"/u/{supporter.preferences_token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.usefixtures("requests_start_afresh")
def test_the_preferences_form_needs_no_cookie(app, db, add_supporter, csrf_on):
    supporter = add_supporter("ana@example.org")
    csrf_on()
    response = post_without_cookies(app, f"/u/{supporter.preferences_token}", {"language": "es"})
    assert response.status_code == 302
    db.session.refresh(supporter)
    assert supporter.subscription == Subscription.UNSUBSCRIBED and supporter.language == "es"
