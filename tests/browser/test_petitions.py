"""A supporter signs a petition on a phone, in Spanish, confirms from the email and sees the count rise."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from campaign.coalitions import services as coalitions
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.petitions import services as petitions
from campaign.petitions import tasks
from campaign.petitions.models import PetitionSignature
from tests.browser.helpers import add_organizer, link_in_last_mail
from tests.browser.test_organizer_journey import assert_fits_the_screen

pytestmark = pytest.mark.browser

SIGNER = "marisol.petitions@example.net"


@pytest.fixture(scope="module")
def petition_slug(live_app):
    with live_app.app_context():
        organizer = add_organizer("petitions-organizer@example.org", "Ana")
        coalition = coalitions.create_coalition(organizer, "Red de Familias Unidas", "", "")
        petition = petitions.create_petition(
            coalition.id,
            organizer.id,
            {
                "title": "Keep families together",
                "title_es": "Mantengan unidas a las familias",
                "target": "Mayor of Philadelphia",
                "ask": "End cooperation with ICE.",
                "ask_es": "Terminen la cooperación con ICE.",
                "body": "Families are being separated.",
                "body_es": "Están separando a las familias.",
                "goal": 100,
            },
        )
        petitions.open_petition(petition, utcnow())
        db.session.commit()
        return petition.slug


def confirm_link(live_app) -> str:
    return link_in_last_mail(live_app, SIGNER, "/petitions/confirm/")


def fold_new_confirmations(live_app) -> None:
    """What the beat job does every few seconds (the live server runs no beat)."""
    with live_app.app_context():
        tasks.keep_tallies()


def test_a_supporter_signs_in_spanish_on_a_phone_and_sees_the_count_rise(
    phone_page: Page, live_app, petition_slug
):
    page = phone_page
    page.goto("/language/es")
    page.goto(f"/petitions/{petition_slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mantengan unidas a las familias")
    expect(page.locator(".count-line")).to_contain_text("0 firmas")
    assert_fits_the_screen(page)

    page.get_by_label("Nombre", exact=True).fill("Marisol")
    page.get_by_label("Correo electrónico").fill(SIGNER)
    page.get_by_label("Código postal").fill("00000")  # a ZIP that does not exist first
    page.get_by_label("¿Por qué firmas?").fill("Mi hermano fue detenido.")
    page.get_by_role("button", name="Firmar la petición").click()
    expect(page.get_by_role("alert")).to_contain_text("No conocemos este código postal")
    expect(page.get_by_label("¿Por qué firmas?")).to_have_value("Mi hermano fue detenido.")  # nothing lost

    page.get_by_label("Código postal").fill("19104")
    page.get_by_label(re.compile("Mostrar mi nombre")).check()
    page.get_by_role("button", name="Firmar la petición").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisa tu correo para confirmar")
    assert_fits_the_screen(page)

    page.goto(confirm_link(live_app))
    page.get_by_role("button", name="Confirmar mi firma").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gracias")

    fold_new_confirmations(live_app)
    page.goto(f"/petitions/{petition_slug}")
    expect(page.locator(".count-line")).to_contain_text("1 firma")
    expect(page.get_by_text("Marisol")).to_be_visible()  # shown, as she chose


def spanish_signatures(live_app) -> int:
    with live_app.app_context():
        spanish = (
            select(func.count()).select_from(PetitionSignature).where(PetitionSignature.language == "es")
        )
        return db.session.scalar(spanish)


def test_a_phone_that_dropped_its_cookies_while_the_form_was_open_still_signs(
    phone_page: Page, live_app, petition_slug
):
    page = phone_page
    before = spanish_signatures(live_app)
    page.goto("/language/es")
    page.goto(f"/petitions/{petition_slug}")
    page.get_by_label("Nombre", exact=True).fill("Lucía")
    page.get_by_label("Correo electrónico").fill("lucia.cookies@example.net")
    page.get_by_label("Código postal").fill("19104")
    page.context.clear_cookies()  # the session is gone, and the language switch with it
    page.get_by_role("button", name="Firmar la petición").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisa tu correo para confirmar")
    assert spanish_signatures(live_app) == before + 1  # its email goes out in the page's language
