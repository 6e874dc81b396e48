"""An organizer records a new detainer policy for a county: the public map recolours it and the
count goes up. The entry is recorded with the services in the live app (the entries form is
another part of the issue); the public side is what this drives."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from campaign.coalitions import services as coalitions
from campaign.extensions import db
from campaign.policies import services
from tests.browser.helpers import add_organizer

pytestmark = pytest.mark.browser

HENNEPIN = "27053"
COUNT = re.compile(r"(\d+) (?:cities and counties limit|city or county limits)")


@pytest.fixture(scope="module")
def tracker_coalition(live_app):
    with live_app.app_context():
        organizer = add_organizer("tracker-organizer@example.org", "Ana", locale="en")
        coalition = coalitions.create_coalition(organizer, "Oregon Families Together", "", "")
        services.set_tracker_shared(coalition.id, True)
        services.record_entry(
            coalition.id,
            services.jurisdiction_for_fips("41005"),
            organizer.id,
            {"kind": "detainers", "status": "refuses", "effective_on": date(2014, 4, 11), "public": True},
        )
        db.session.commit()
        return coalition.id, organizer.id


def limiting(page: Page) -> int:
    return int(COUNT.search(page.locator(".tracker-count").inner_text()).group(1))


def test_a_new_county_policy_recolours_the_map_and_raises_the_count(
    phone_page: Page, live_app, tracker_coalition
):
    page = phone_page
    coalition_id, organizer_id = tracker_coalition
    page.goto("/policies")
    county = page.locator(f'.map-counties path[data-fips="{HENNEPIN}"]')
    expect(county).to_have_attribute("fill", "transparent")
    expect(county.locator("title")).to_have_text("Hennepin, Minnesota: No policy recorded")
    before = limiting(page)
    clackamas = page.locator('.map-counties path[data-fips="41005"]')
    expect(clackamas).to_have_attribute("fill", "url(#policy-pattern-refuses)")

    with live_app.app_context():
        services.record_entry(
            coalition_id,
            services.jurisdiction_for_fips(HENNEPIN),
            organizer_id,
            {"kind": "detainers", "status": "refuses", "effective_on": date(2014, 6, 4), "public": True},
        )
        db.session.commit()
    page.reload()

    expect(county).to_have_attribute("fill", "url(#policy-pattern-refuses)")
    expect(county.locator("title")).to_have_text("Hennepin, Minnesota: Refuses")
    assert limiting(page) == before + 1
    # The county is a link a keyboard reaches, to its page; the table says the same.
    link = page.locator(f'a.map-link:has(path[data-fips="{HENNEPIN}"])')
    link.focus()
    expect(link).to_be_focused()
    link.press("Enter")
    expect(page.locator("h1")).to_have_text("Hennepin County, MN")
    page.go_back()
    expect(page.locator(f'.tracker-table tr[data-fips="{HENNEPIN}"][data-status="refuses"]')).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
