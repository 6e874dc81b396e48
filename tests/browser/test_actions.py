"""A supporter finds the nearest event of a day of action on a phone, in Spanish, and RSVPs; its host
checks her in at the door."""

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from campaign.actions import notices, rsvps, services
from campaign.actions.models import EventKind, EventState, Rsvp
from campaign.coalitions import services as coalitions
from campaign.core.outbox import dispatch_committed, utcnow
from campaign.extensions import db
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import add_organizer, link_in_last_mail
from tests.browser.test_organizer_journey import assert_fits_the_screen

pytestmark = pytest.mark.browser

SUPPORTER = "marisol.actions@example.net"
COALITION = "Families Belong Together Network"
# (ZIP code, title, Spanish title, kind), in no order; the virtual one is at 19104 itself.
EVENTS = (
    ("90012", "Rally at Roybal Federal Building", "Mitin en el edificio federal Roybal", EventKind.RALLY),
    ("60604", "Rally at Dirksen Federal Building", "Mitin en el edificio federal Dirksen", EventKind.RALLY),
    ("19104", "Know-your-rights call", "Llamada: conoce tus derechos", EventKind.VIRTUAL),
    ("19107", "Vigil at the ICE field office", "Vigilia ante la oficina de ICE", EventKind.VIGIL),
    ("10001", "March to 26 Federal Plaza", "Marcha a 26 Federal Plaza", EventKind.MARCH),
)
# Seen from 19104 (West Philadelphia): nearest first, and the virtual event (anyone can join) last.
BY_DISTANCE = [
    "Vigilia ante la oficina de ICE",
    "Marcha a 26 Federal Plaza",
    "Mitin en el edificio federal Dirksen",
    "Mitin en el edificio federal Roybal",
    "Llamada: conoce tus derechos",
]
NEAREST, NEAREST_IN_ENGLISH = BY_DISTANCE[0], "Vigil at the ICE field office"


def event_fields(zip_code: str, title: str, title_es: str, kind: EventKind, on) -> dict:
    return {
        "title": title,
        "title_es": title_es,
        "kind": kind,
        "description": "Bring water and a sign.",
        "description_es": "",
        "venue": "" if kind == EventKind.VIRTUAL else "Federal building steps",
        "address": "https://meet.example.org/kyr" if kind == EventKind.VIRTUAL else "100 Main St",
        "address_public": True,
        "capacity": None,
        "accessibility": "Step-free access.",
        "languages": "en,es",
        "marshals": True,
        "legal_observers": False,
        "hotline": "",
        "safety_notes": "",
        "zip_code": zip_code,
        "starts_at": datetime.combine(on, time(11, 0)),
        "ends_at": datetime.combine(on, time(13, 0)),
    }


@pytest.fixture(scope="module")
def day_of_action(live_app) -> tuple[str, str]:
    """A published day in five places, one RSVP already in; returns (day slug, host path of the nearest)."""
    on = utcnow().date() + timedelta(days=30)
    with live_app.app_context():
        organizer = add_organizer("actions-organizer@example.org", "Ana")
        coalition = coalitions.create_coalition(organizer, COALITION, "", "")
        day = services.create_day(
            coalition.id,
            organizer.id,
            {"title": "Families Belong Together day of action", "title_es": "Día de acción: familias unidas",
             "description": "Events in five places.", "description_es": "", "demand": "End 287(g).",
             "demand_es": "", "starts_on": on, "ends_on": on, "proposals_open": False},
        )  # fmt: skip
        services.publish(day)
        host = services.Host(COALITION, email="host.actions@example.org")
        events = {}  # by English title
        for event in EVENTS:
            fields = event_fields(*event, on)
            events[event[1]] = services.create_event(day, host, fields, EventState.SCHEDULED, utcnow())
        someone_else = {"first_name": "Tomás", "last_name": "Pérez", "email": "tomas.actions@example.net",
                        "zip_code": "19143", "phone": ""}  # fmt: skip
        rsvps.rsvp(events[NEAREST_IN_ENGLISH], someone_else, "es", None, utcnow())
        db.session.commit()
        dispatch_committed()  # his confirmation, as after a request (tasks run in-process here)
        return day.slug, f"/actions/host/{notices.host_token(events[NEAREST_IN_ENGLISH])}"


def snap(page: Page, step: str) -> None:
    """A screenshot of a key step, kept in test-artifacts/ for review."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"actions-{step}.png"), full_page=True)


RSVP_LABELS = ("Nombre", "Apellido", "Correo electrónico", "Código postal", "Teléfono celular")
CONSENT = f"Quiero recibir por correo noticias y llamados a la acción de {COALITION}"
MARISOL = "Marisol Ríos"


def test_a_supporter_finds_the_nearest_event_rsvps_on_a_phone_and_its_host_checks_her_in(
    phone_page: Page, live_app, day_of_action
):
    page = phone_page
    slug, host_path = day_of_action
    page.goto("/language/es")
    page.goto(f"/actions/{slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Día de acción: familias unidas")
    assert_fits_the_screen(page)

    zip_box = page.get_by_label("Tu código postal")
    zip_box.fill("00000")  # no such ZIP code
    page.get_by_role("button", name="Buscar", exact=True).click()
    expect(page.get_by_text("No conocemos este código postal. Escribe cinco dígitos")).to_be_visible()
    expect(zip_box).to_have_value("00000")
    expect(page.locator("#near .event-card")).to_have_count(0)
    snap(page, "1-unknown-zip")

    zip_box.fill("19104")
    page.get_by_role("button", name="Buscar", exact=True).click()
    nearest = page.locator("#near .event-card")
    expect(nearest.locator("h4 a")).to_have_text(BY_DISTANCE)
    expect(nearest.first).to_contain_text(re.compile(r"\ba [1-5] millas?\b"))
    expect(nearest.nth(1)).to_contain_text(re.compile(r"\ba [89]\d millas\b"))  # New York, some 80 miles
    expect(nearest.last).to_contain_text("en línea")
    expect(zip_box).to_have_value("19104")
    assert_fits_the_screen(page)
    snap(page, "2-events-by-distance")

    nearest.first.get_by_role("link", name=NEAREST).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEAREST)
    assert_fits_the_screen(page)
    fields = {label: page.get_by_label(label, exact=True) for label in RSVP_LABELS}
    consent = page.get_by_label(re.compile(f"^{re.escape(CONSENT)}"))
    for field in (*fields.values(), consent):  # every field has a label a screen reader announces
        expect(field).to_be_editable()
    fields["Nombre"].focus()  # and Tab walks them in the order they are read
    for label in RSVP_LABELS[1:]:
        page.keyboard.press("Tab")
        expect(fields[label]).to_be_focused()
    page.keyboard.press("Tab")
    expect(consent).to_be_focused()

    phone = fields["Teléfono celular"]
    typed = {"Nombre": "Marisol", "Apellido": "Ríos", "Correo electrónico": SUPPORTER}
    typed["Código postal"] = "19104"
    for label, value in typed.items():
        fields[label].fill(value)
    phone.fill("12345")  # too short to be a phone number
    page.get_by_role("button", name="Confirmar asistencia", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Escribe un número de teléfono como 215-555-0100")
    for label, value in typed.items():  # nothing typed is lost
        expect(page.get_by_label(label, exact=True)).to_have_value(value)
    expect(phone).to_have_value("12345")
    expect(phone).to_have_attribute("aria-invalid", "true")
    assert_fits_the_screen(page)
    snap(page, "3-rsvp-bad-phone")

    phone.fill("215-555-0134")
    consent.check()
    page.get_by_role("button", name="Confirmar asistencia", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("¡Tú vas!")
    expect(page.get_by_text(NEAREST, exact=False).first).to_be_visible()
    assert_fits_the_screen(page)
    snap(page, "4-rsvp-thanks")
    assert "/actions/rsvp/" in link_in_last_mail(live_app, SUPPORTER, "/actions/rsvp/")  # her confirmation

    # At the door, the host opens the host link on a phone (in Spanish too) and checks her in.
    page.goto(host_path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        NEAREST
    )  # the host tools speak her language too
    tools = page.get_by_role("navigation", name="Herramientas de anfitrión(a)")
    tools.get_by_role("link", name="Registro de llegada").click()
    # Its filter script is deferred: searching before it runs would send the name to the server.
    page.wait_for_url("**/check-in")  # and its load event
    count = page.locator("p.lead[role=status]")
    expect(count).to_have_text("0 personas con llegada registrada")
    expect(page.locator(".check-in-list > li")).to_have_count(2)  # Tomás RSVPed before her
    page.get_by_label("Buscar por nombre").fill("marisol")  # filters as she types, in the page
    page.get_by_role("button", name="Buscar", exact=True).click()
    assert "marisol" not in page.url  # names stay out of URLs and server logs
    rows = page.locator(".check-in-list > li:visible")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(MARISOL)
    assert_fits_the_screen(page)
    snap(page, "5-check-in-search")

    page.get_by_role("button", name=f"Registrar llegada {MARISOL}").tap()
    expect(count).to_have_text("1 persona con llegada registrada")
    undo = f"✓ Llegó · deshacer el registro de llegada de {MARISOL}"
    expect(page.get_by_role("button", name=undo)).to_be_visible()
    expect(page.get_by_label("Buscar por nombre")).to_have_value("marisol")  # the search is kept
    expect(page.locator(".check-in-list > li:visible")).to_have_count(1)
    snap(page, "6-checked-in")


def test_at_the_door_on_a_phone_in_spanish_a_walk_in_is_added_once_and_every_page_fits(
    phone_page: Page, live_app, day_of_action
):
    """The host adds a walk-in (a double tap adds one), reads the roster as cards, and an
    attendee's Spanish RSVP page fits its cancel button: all at 390 px, in Spanish."""
    page = phone_page
    slug, host_path = day_of_action
    page.goto("/language/es")
    page.goto(f"{host_path}/check-in")
    expect(page.locator("#walk-in")).to_contain_text("Puedes agregar a quienes lleguen sin confirmar desde")
    expect(page.get_by_role("button", name="Agregar y registrar llegada")).to_have_count(0)
    assert_fits_the_screen(page)
    snap(page, "7-walk-ins-before-the-doors-open")
    with live_app.app_context():  # the day comes: the doors open two hours before the start
        event = notices.event_for_host_token(host_path.rsplit("/", 1)[1])
        event.starts_at = utcnow() + timedelta(hours=1)
        db.session.commit()
    page.reload()
    page.get_by_role("link", name="¿No está en la lista? Agrega a quien llegó sin confirmar").click()
    walk_in = page.locator("#walk-in")
    walk_in.get_by_label("Nombre", exact=True).fill("Guadalupe Esperanza")
    walk_in.get_by_label("Código postal").fill("19143")
    walk_in.get_by_label("Correo electrónico").fill("guadalupe@example.net")
    add = walk_in.get_by_role("button", name="Agregar y registrar llegada")
    add.click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Marca la casilla si quiere recibir noticias por correo"
    )
    expect(walk_in.get_by_label("Correo electrónico")).to_have_value("guadalupe@example.net")
    expect(walk_in.get_by_label("Nombre", exact=True)).to_have_value("Guadalupe Esperanza")
    assert_fits_the_screen(page)
    snap(page, "7-walk-in-without-the-box")

    walk_in.get_by_label(re.compile(f"^{re.escape(CONSENT)}")).check()
    add.dblclick()  # an impatient thumb
    expect(page.locator(".flashes")).to_contain_text("Se registró la llegada de Guadalupe Esperanza.")
    row = page.locator(".check-in-list > li", has_text="Guadalupe Esperanza")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Llegó sin confirmar")
    expect(row.get_by_role("button", name="Quitar Guadalupe Esperanza")).to_be_visible()
    assert_fits_the_screen(page)
    snap(page, "8-walk-in-added")

    page.goto(host_path)
    expect(page.locator("table")).to_have_count(0)
    card = page.locator(".roster-card", has_text="Guadalupe Esperanza")
    expect(card).to_contain_text("guadalupe@example.net")
    expect(card).to_contain_text("19143")
    assert_fits_the_screen(page)
    snap(page, "9-roster")

    with live_app.app_context():
        tomas = db.session.scalars(select(Rsvp).where(Rsvp.language == "es").order_by(Rsvp.id)).first()
        own_page = f"/actions/rsvp/{notices.rsvp_token(tomas)}"
    page.goto(own_page)
    cancel = page.get_by_role("button", name="Cancelar mi confirmación de asistencia")
    box = cancel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert_fits_the_screen(page)
    snap(page, "10-rsvp-page")
