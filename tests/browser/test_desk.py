"""The dashboard and a coalition's overview on a phone and a desktop, in English and Spanish,
with a coalition and campaigns whose names are one long word."""

import pytest
from playwright.sync_api import Page, expect

from campaign.coalitions import services as coalitions
from campaign.extensions import db
from tests.browser.helpers import add_organizer
from tests.browser.test_organizer_journey import log_in
from tests.desk.conftest import fill

pytestmark = pytest.mark.browser

ORGANIZER = "desk-organizer@example.org"
LONG = "CoalicionDeDerechosHumanosDeLosInmigrantesDelValleDeSanJoaquinYDelCondadoDeKern"  # 80, no spaces


@pytest.fixture(scope="module")
def overview_path(live_app):
    with live_app.app_context():
        organizer = add_organizer(ORGANIZER, "Rosa", locale="en")
        coalition = coalitions.create_coalition(organizer, LONG, "", LONG[:60])
        fill(db, coalition, name=LONG)
        fill(db, coalitions.create_coalition(organizer, "Valley " + LONG), name=LONG)
        return f"/coalitions/{coalition.slug}"


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_desk_fits_the_screen(request, overview_path, language, size):
    page: Page = request.getfixturevalue(f"{size}_page")
    page.goto("/accounts/login")
    log_in(page, ORGANIZER)
    page.goto(f"/language/{language}")
    for path in ("/dashboard", overview_path):
        page.goto(path)
        expect(page.locator(".need").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert width <= 0, f"{path} in {language} is {width}px wider than the {size}"
