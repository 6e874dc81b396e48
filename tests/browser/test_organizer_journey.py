"""An organizer's first visit, in a real browser: sign up, confirm, log in, build a coalition."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def assert_fits_the_screen(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def sign_up(page: Page, name: str, email: str) -> None:
    page.goto("/accounts/signup")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/accounts/check-email/verify$"))


def confirm_from_dev_mailbox(page: Page) -> None:
    """What we promise developers: mail is readable at /_dev/mail, links work from there.

    The email is written just after the sign-up's response has gone (so that a known and a new
    address answer alike), so the mailbox may need a reload or two, as a person would give it."""
    page.goto("/_dev/mail")
    confirm = page.get_by_role("link", name="Confirm your email address").first
    for _ in range(40):
        if confirm.count():
            break
        page.wait_for_timeout(250)
        page.reload()
    confirm.click()
    page.locator("a[href*='/accounts/verify/']").click()
    expect(page).to_have_url(re.compile(r"/accounts/login"))


def log_in(page: Page, email: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login"))


def test_organizer_signs_up_builds_a_coalition_and_switches_to_spanish(phone_page: Page):
    page = phone_page
    email = "maria.organizer@example.org"
    sign_up(page, "María Organizadora", email)
    confirm_from_dev_mailbox(page)
    log_in(page, email)

    page.goto("/coalitions/new")
    page.get_by_label("Name").fill("Coalición 287(g) Sí Se Puede")
    page.get_by_label("Description").fill("Ending 287(g) agreements in our counties.")
    page.get_by_label("Region").fill("Southeast")
    page.get_by_role("button", name="Create coalition").click()
    expect(page).to_have_url(re.compile(r"/coalitions/[\w-]+$"))
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]

    page.goto(f"/coalitions/{slug}/members/invite")
    page.get_by_label("Organization name").fill("Georgia Latino Alliance for Human Rights")
    page.get_by_label("Contact email").fill("contact@glahr.example.org")
    page.get_by_role("button", name="Send invitation").click()

    page.goto(f"/coalitions/{slug}/members")
    member = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Georgia Latino Alliance for Human Rights")
    )
    expect(member).to_have_count(1)
    expect(member).to_contain_text(re.compile("invited", re.IGNORECASE))
    assert_fits_the_screen(page)

    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(re.compile(rf"/coalitions/{slug}/members"))


def test_tab_from_the_top_reaches_skip_link_first(desktop_page: Page):
    page = desktop_page
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


@pytest.mark.parametrize("path", ["/", "/accounts/signup", "/accounts/login", "/accounts/reset"])
def test_public_pages_fit_a_phone_without_sideways_scrolling(phone_page: Page, path):
    phone_page.goto(path)
    assert_fits_the_screen(phone_page)


def test_a_form_posted_without_its_csrf_token_is_refused(desktop_page: Page):
    response = desktop_page.request.post(
        "/accounts/signup",
        form={"name": "Forged", "email": "forged@example.org", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status == 400
