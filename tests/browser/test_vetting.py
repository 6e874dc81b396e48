"""The vetting queue on a phone: cards that fit 390 px in English and Spanish, with the long
unbroken organization names some groups have."""

import pytest
from playwright.sync_api import Page, expect

from campaign.coalitions import services as coalitions
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.letters import by_hand
from campaign.letters import services as letters
from campaign.letters.models import Signature, SignatureState, SignerKind
from campaign.organizations.services import create_organization
from campaign.supporters.services import upsert_supporter
from tests.browser.helpers import add_organizer
from tests.browser.test_organizer_journey import log_in

pytestmark = pytest.mark.browser

ORGANIZER = "vetting-organizer@example.org"
LONG = "CoalicionDeDerechosHumanosDeLosInmigrantesDelValleDeSanJoaquinYDelCondadoDeKern"  # 80, no spaces


def _signature(letter, name: str, email: str, state: SignatureState, now) -> None:
    organization = create_organization(name, website=f"https://{email.rpartition('@')[2]}")
    supporter = upsert_supporter(letter.coalition_id, email=email, first_name="Ana", language="es")
    db.session.add(
        Signature(
            letter=letter,
            kind=SignerKind.ORGANIZATION,
            organization=organization,
            organization_name=name,
            supporter=supporter,
            signer_name="Ana " + LONG[:40],
            signer_title=LONG,
            city="Bakersfield" + LONG[:30],
            us_state="CA",
            sector="grassroots",
            scope="local",
            state=state,
            signer_key=None if state == SignatureState.REJECTED else f"org:{organization.id}",
            confirmed_at=now,
            decided_at=now,
        )
    )


@pytest.fixture(scope="module")
def queue_path(live_app):
    with live_app.app_context():
        now = utcnow()
        organizer = add_organizer(ORGANIZER, "Rosa", locale="en")
        coalition = coalitions.create_coalition(organizer, "Valley Coalition " + LONG, "", "")
        letter = letters.create_letter(
            coalition.id,
            organizer.id,
            {"title": "Letter " + LONG, "body": "Dear Sheriff,\n\nEnd 287(g)."},
            [{"name": "Sheriff", "title": "", "office": ""}],
        )
        letters.open_letter(letter, now)
        _signature(letter, LONG, "ana@" + LONG[:50].lower() + ".example", SignatureState.APPROVED, now)
        _signature(
            letter, LONG + "Network", "jo@" + LONG[:50].lower() + ".example", SignatureState.PENDING, now
        )
        db.session.flush()
        by_hand.add_signatory(
            letter,
            {
                "organization_name": LONG + "PorTelefono",
                "authorization": "phone",
                "authorized_by": "Carlos " + LONG,
                "language": "en",
                "city": LONG[:60],
            },
            organizer.id,
            now,
        )
        db.session.commit()
        return f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures"


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("tab", ["pending", "approved"])
def test_the_vetting_queue_fits_a_phone(phone_page: Page, queue_path, language, tab):
    page = phone_page
    page.goto("/accounts/login")
    log_in(page, ORGANIZER)
    page.goto(f"/language/{language}")
    page.goto(f"{queue_path}?show={tab}")
    expect(page.locator(".signon-card").first).to_be_visible()
    assert page.locator("table").count() == 0
    if tab == "pending":
        page.locator("details summary").first.click()  # the rename form open too
        expect(
            page.get_by_role("button", name="Merge into" if language == "en" else "Combinar con")
        ).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} in {language} is {width}px wide"
