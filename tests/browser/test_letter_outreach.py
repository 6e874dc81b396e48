"""An organizer pastes a list of organizations on a phone, in Spanish, previews it and invites them."""

import re

import pytest
from playwright.sync_api import Page, expect

from campaign.coalitions import services as coalitions
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.letters import services as letters
from tests.browser.helpers import add_organizer
from tests.browser.test_organizer_journey import assert_fits_the_screen, log_in

pytestmark = pytest.mark.browser

ORGANIZER = "outreach-organizer@example.org"
LONG_NAME = "OrganizaciónDeDefensaDeLosDerechosDeLasFamiliasInmigrantesDeArizona"  # 60+, no spaces


@pytest.fixture(scope="module")
def outreach_path(live_app):
    with live_app.app_context():
        organizer = add_organizer(ORGANIZER, "Rosa Organizadora")
        coalition = coalitions.create_coalition(organizer, "Coalición de Arizona", "", "")
        letter = letters.create_letter(
            coalition.id,
            organizer.id,
            {"title": "End 287(g) in Maricopa", "body": "Dear Sheriff,\n\nEnd 287(g)."},
            [{"name": "Paul Penzone", "title": "Sheriff", "office": "Maricopa County"}],
        )
        letters.open_letter(letter, utcnow())
        db.session.commit()
        return f"/coalitions/{coalition.slug}/letters/{letter.id}/outreach"


def test_a_pasted_list_is_previewed_and_invited_on_a_phone_in_spanish(phone_page: Page, outreach_path):
    page = phone_page
    page.goto("/accounts/login")
    log_in(page, ORGANIZER)
    page.goto(outreach_path)
    page.get_by_label("Organizaciones, una por línea").fill(
        f"{LONG_NAME}, contacto@arizona.example, , Phoenix, AZ, Base comunitaria\n"
        "Puente, info@puente.example, , Phoenix, Arizona\n"
        "Sin correo"
    )
    page.get_by_role("button", name="Vista previa").click()
    expect(page.get_by_text("Agrega el correo del contacto después del nombre")).to_be_visible()
    assert_fits_the_screen(page)
    page.get_by_role("button", name=re.compile(r"Invitar a todas las líneas válidas \(2\)")).click()
    expect(page.get_by_text("Se invitó a 2 organizaciones a firmar.")).to_be_visible()
    expect(page.get_by_text(LONG_NAME)).to_be_visible()
    assert_fits_the_screen(page)
