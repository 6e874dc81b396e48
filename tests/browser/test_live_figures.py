"""Pages that follow their figures by themselves with static/js/progress.js: the organizer's
petition page (its count) and an alert's page (its sending), each reloading when its state changes."""

import pytest
from playwright.sync_api import Page, expect

from campaign.coalitions import services as coalitions
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.notifications import services as alerts
from campaign.notifications.models import Delivery, DeliveryState, Message, MessageState
from campaign.petitions import paper
from campaign.petitions import services as petitions
from campaign.petitions.models import Petition
from campaign.supporters import services as supporters
from tests.browser.helpers import add_organizer
from tests.browser.test_organizer_journey import assert_fits_the_screen, log_in

pytestmark = pytest.mark.browser

ORGANIZER = "live-figures@example.org"


@pytest.fixture(scope="module")
def ids(live_app):
    """The coalition's slug and id, an open petition's id, and the organizer's id."""
    with live_app.app_context():
        organizer = add_organizer(ORGANIZER, "Ana", locale="en")
        coalition = coalitions.create_coalition(organizer, "Live Figures Coalition", "", "")
        petition = petitions.create_petition(
            coalition.id,
            organizer.id,
            {"title": "Count me live", "target": "The Mayor", "ask": "End ICE holds.", "goal": 100},
        )
        petitions.open_petition(petition, utcnow())
        db.session.commit()
        return {
            "slug": coalition.slug,
            "coalition": coalition.id,
            "petition": petition.id,
            "user": organizer.id,
        }


def _watch(page: Page, url: str) -> None:
    page.goto("/accounts/login")
    log_in(page, ORGANIZER)
    page.goto(url)
    assert_fits_the_screen(page)
    page.evaluate("window.sameDocument = true")  # gone once the page reloads


def test_new_signatures_show_without_a_reload_and_closing_elsewhere_reloads(phone_page: Page, live_app, ids):
    page = phone_page
    _watch(page, f"/coalitions/{ids['slug']}/petitions/{ids['petition']}")
    expect(page.locator('[data-figure="total"]')).to_have_text("0")

    with live_app.app_context():  # a teammate enters a paper batch meanwhile
        paper.add_batch(db.session.get(Petition, ids["petition"]), None, 1200, [], ids["user"])
        db.session.commit()
    expect(page.locator('[data-figure="paper"]')).to_have_text("1,200")
    expect(page.locator('[data-figure="total"]')).to_have_text("1,200")
    assert page.evaluate("window.sameDocument") is True

    with live_app.app_context():  # the deadline passes, or a teammate closes it
        petitions.close(db.session.get(Petition, ids["petition"]), utcnow())
        db.session.commit()
    expect(page.get_by_role("button", name="Open for signatures")).to_be_visible()
    assert page.evaluate("window.sameDocument") is None


def test_an_alert_page_follows_its_sending_and_reloads_when_it_is_done(phone_page: Page, live_app, ids):
    with live_app.app_context():  # an alert in the middle of sending to one supporter
        supporter = supporters.upsert_supporter(
            ids["coalition"],
            email="rosa.live@example.org",
            first_name="Rosa",
            zip_code="19104",
            language="en",
        )
        supporters.record_consent(supporter, "Send me updates.", "en", source="test")
        fields = {"subject": "Rally", "body": "Friday", "subject_es": "", "body_es": "", "audience": {}}
        alert = alerts.save_alert(ids["coalition"], ids["user"], fields)
        alert.state = MessageState.SENDING
        delivery = Delivery(message_id=alert.id, supporter_id=supporter.id, coalition_id=ids["coalition"])
        db.session.add(delivery)
        db.session.commit()
        alert_id, delivery_id = alert.id, delivery.id
    page = phone_page
    _watch(page, f"/coalitions/{ids['slug']}/alerts/{alert_id}")
    expect(page.locator('[data-figure="remaining"]')).to_have_text("1")

    with live_app.app_context():  # a worker sends it
        db.session.get(Delivery, delivery_id).state = DeliveryState.SENT
        db.session.commit()
    expect(page.locator('[data-figure="sent"]')).to_have_text("1")
    expect(page.locator("#progress-bar")).to_have_attribute("value", "100")
    assert page.evaluate("window.sameDocument") is True

    with live_app.app_context():  # the last worker marks the alert sent
        message = db.session.get(Message, alert_id)
        message.state, message.finished_at = MessageState.SENT, utcnow()
        db.session.commit()
    expect(page.get_by_text("Finished")).to_be_visible()
    assert page.evaluate("window.sameDocument") is None
