"""An organization signs a letter on a phone, in Spanish, and confirms from the email."""

import re

import pytest
from playwright.sync_api import Page, expect

from campaign.coalitions import services as coalitions
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.letters import services as letters
from tests.browser.helpers import add_organizer, link_in_last_mail
from tests.browser.test_organizer_journey import assert_fits_the_screen

pytestmark = pytest.mark.browser

SIGNER = "erika.letters@juntos.example"


@pytest.fixture(scope="module")
def signon_key(live_app):
    with live_app.app_context():
        organizer = add_organizer("letters-organizer@example.org", "Rosa")
        coalition = coalitions.create_coalition(organizer, "Coalición contra el 287(g)", "", "")
        letter = letters.create_letter(
            coalition.id,
            organizer.id,
            {
                "title": "End 287(g) agreements",
                "title_es": "Terminen los acuerdos 287(g)",
                "body": "Dear Secretary,\n\nEnd 287(g).",
                "body_es": "Estimado Secretario:\n\n**Terminen el 287(g).**",
            },
            [{"name": "Jeh Johnson", "title": "Secretary", "office": "DHS"}],
        )
        letters.open_letter(letter, utcnow())
        db.session.commit()
        return letter.signon_key


def confirm_link(live_app) -> str:
    return link_in_last_mail(live_app, SIGNER, "/letters/confirm/")


def test_an_organization_signs_on_in_spanish_from_a_phone(phone_page: Page, live_app, signon_key):
    page = phone_page
    page.goto("/language/es")
    page.goto(f"/letters/sign/{signon_key}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Terminen los acuerdos 287(g)")
    assert_fits_the_screen(page)

    page.get_by_label("Nombre de la organización").fill("Juntos")
    page.get_by_label("Tu nombre completo").fill("Erika Almirón")
    page.get_by_label("Tu correo electrónico").fill("erika@")  # a typo first
    page.get_by_role("button", name="Firmar la carta").click()
    expect(page.get_by_role("alert")).to_contain_text("Marca esta casilla")
    expect(page.get_by_label("Tu nombre completo")).to_have_value("Erika Almirón")  # nothing lost

    page.get_by_label("Tu correo electrónico").fill(SIGNER)
    page.get_by_label("Sector").select_option("grassroots")
    page.get_by_label("Local").check()
    page.get_by_label("Ciudad").fill("Filadelfia")
    page.get_by_role("combobox", name="Estado").select_option("PA")
    page.get_by_label(re.compile("Estoy autorizad")).check()
    page.get_by_role("button", name="Firmar la carta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisa tu correo")

    page.goto(confirm_link(live_app))
    page.get_by_role("button", name="Confirmar mi firma").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gracias")
    assert_fits_the_screen(page)
