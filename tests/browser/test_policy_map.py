"""An organizer records a new detainer policy for a county with the entries form: the public map
recolours it and the count goes up."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from campaign.coalitions import services as coalitions
from campaign.extensions import db
from campaign.policies import services
from tests.browser.helpers import PASSWORD, add_organizer

pytestmark = pytest.mark.browser

# A county no demo data names (the phone-fit walk loads the demo into the same database).
BERNALILLO = "35001"
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
        return coalition.slug


def limiting(page: Page) -> int:
    return int(COUNT.search(page.locator(".tracker-count").inner_text()).group(1))


def record_bernalillo(page: Page, slug: str) -> None:
    """As the organizer, on the entries form: Bernalillo County refuses ICE holds, shown publicly."""
    page.goto("/accounts/login")
    page.get_by_label("Email address").fill("tracker-organizer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login"))
    page.goto(f"/coalitions/{slug}/policies/new")
    page.get_by_label("A county").check()
    page.get_by_label("State", exact=True).select_option("NM")
    page.get_by_label("County", exact=True).fill("Bernalillo")
    page.get_by_label("Kind of policy").select_option("detainers")
    page.get_by_label("Status", exact=True).select_option("refuses")
    page.get_by_label("In effect from").fill("2014-06-04")
    page.get_by_label("Show it on our public tracker").check()
    page.get_by_role("button", name="Record the policy").click()
    expect(page.get_by_role("heading", name="Bernalillo County, NM")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("Refuses")


def test_a_new_county_policy_recolours_the_map_and_raises_the_count(phone_page: Page, tracker_coalition):
    page = phone_page
    page.goto("/policies")
    county = page.locator(f'.map-counties path[data-fips="{BERNALILLO}"]')
    expect(county).to_have_attribute("fill", "transparent")
    expect(county.locator("title")).to_have_text("Bernalillo, New Mexico: No policy recorded")
    before = limiting(page)
    clackamas = page.locator('.map-counties path[data-fips="41005"]')
    expect(clackamas).to_have_attribute("fill", "url(#policy-pattern-refuses)")

    record_bernalillo(page, tracker_coalition)
    page.goto("/policies")
    page.reload()  # past the browser's copy of the map's data, kept a minute

    expect(county).to_have_attribute("fill", "url(#policy-pattern-refuses)")
    expect(county.locator("title")).to_have_text("Bernalillo, New Mexico: Refuses")
    assert limiting(page) == before + 1
    # The county is a link a keyboard reaches, to its page; the table says the same.
    link = page.locator(f'a.map-link:has(path[data-fips="{BERNALILLO}"])')
    link.focus()
    expect(link).to_be_focused()
    link.press("Enter")
    expect(page.locator("h1")).to_have_text("Bernalillo County, NM")
    page.go_back()
    row = page.locator(f'.tracker-table tr[data-fips="{BERNALILLO}"][data-status="refuses"]')
    expect(row).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
