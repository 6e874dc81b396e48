"""An organizer writes an alert on a phone, checks the audience, sends it, and watches it finish."""

import re

import pytest
from playwright.sync_api import Page, expect

from campaign.coalitions import services as coalitions
from campaign.extensions import db
from campaign.supporters import services as supporters
from tests.browser.helpers import add_organizer
from tests.browser.test_organizer_journey import PASSWORD, assert_fits_the_screen

pytestmark = pytest.mark.browser

ORGANIZER = "alerts-organizer@example.org"


@pytest.fixture(scope="module")
def coalition_slug(live_app):
    with live_app.app_context():
        organizer = add_organizer(ORGANIZER, "Rosa", locale="en")
        coalition = coalitions.create_coalition(organizer, "Juntos Alerts Test", "", "Philadelphia")
        for email, language in (("ana.alerts@example.org", "en"), ("luis.alerts@example.org", "es")):
            supporter = supporters.upsert_supporter(
                coalition.id, email=email, first_name="Ana", zip_code="19148", language=language
            )
            supporters.record_consent(supporter, "Send me updates.", language, source="test")
        db.session.commit()
        return coalition.slug


def test_organizer_sends_an_alert_from_a_phone(phone_page: Page, coalition_slug):
    page = phone_page
    page.goto("/accounts/login")
    page.get_by_label("Email address").fill(ORGANIZER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/coalitions/{coalition_slug}/alerts")
    page.get_by_role("link", name="Write an alert").click()

    page.get_by_role("button", name="Save and preview").click()  # nothing typed yet
    expect(page.get_by_role("alert")).to_contain_text("Write a subject.")
    page.get_by_label("Subject", exact=True).fill("ICE checkpoint reported on Broad Street")
    page.get_by_label("Message", exact=True).fill("Know your rights: **you may stay silent**.")
    page.get_by_label("Subject in Spanish").fill("Retén de ICE en Broad Street")
    page.get_by_label("Message in Spanish").fill("Conoce tus derechos: **puedes guardar silencio**.")
    page.get_by_label("Only supporters in this state").select_option("PA")
    page.get_by_role("button", name="Save and preview").click()

    expect(page.get_by_text("2 supporters will receive this alert.")).to_be_visible()
    assert_fits_the_screen(page)
    page.once("dialog", lambda dialog: dialog.accept())  # "Send this alert now to 2 people?"
    page.get_by_role("button", name="Send now to 2 people").click()
    expect(page.locator(".badge", has_text="Sent")).to_be_visible()
    expect(page.locator('[data-figure="sent"]')).to_have_text("2")

    page.goto("/_dev/mail")
    expect(page.get_by_role("link", name="Retén de ICE en Broad Street")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("ICE checkpoint reported"))).to_be_visible()
