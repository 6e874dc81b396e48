"""On a phone: a correction keeps the list and can be withdrawn from; a new version unlists and
is re-confirmed with the difference marked up; the letter page's delivery panel and the public
letter never scroll sideways, in English or Spanish, with 60+ character names without spaces."""

import re
from email import message_from_string, policy

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from campaign.coalitions import services as coalitions
from campaign.core.mail import StoredMail
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.letters import services as letters
from campaign.letters import signing, vetting
from campaign.letters.models import Signature
from tests.browser.helpers import add_organizer
from tests.browser.test_organizer_journey import assert_fits_the_screen, log_in

pytestmark = pytest.mark.browser

ORGANIZER = "versions-organizer@example.org"
LONG_NAME = "AsociaciónDeTrabajadoresInmigrantesDelValleDelRíoGrandeYSusFamiliasUnidas"
OTHER_NAME = "CoaliciónPorLosDerechosDeLasFamiliasInmigrantesDeArizonaYNuevoMéxico"
SIGNERS = {LONG_NAME: "ana.versions@valle.example", OTHER_NAME: "luis.versions@arizona.example"}


def _sign_and_approve(letter, organizer_id: int) -> None:
    for name, email in SIGNERS.items():
        fields = {
            "kind": "organization",
            "organization_name": name,
            "signer_name": "Ana Pérez" if "valle" in email else "Luis Soto",
            "email": email,
            "city": "Phoenix",
            "us_state": "AZ",
            "sector": "grassroots",
            "scope": "local",
        }
        signing.sign_on(letter, fields, "en", None)
    db.session.flush()
    signatures = db.session.scalars(select(Signature).where(Signature.letter_id == letter.id)).all()
    for signature in signatures:
        signing.confirm(signature, utcnow(), signing.shown_digest(signature))
    vetting.decide(signatures, True, organizer_id, utcnow())


@pytest.fixture(scope="module")
def letter_urls(live_app):
    with live_app.app_context():
        organizer = add_organizer(ORGANIZER, "Rosa", locale="en")
        db.session.flush()
        coalition = coalitions.create_coalition(organizer, "Arizona contra el 287(g)", "", "")
        letter = letters.create_letter(
            coalition.id,
            organizer.id,
            {
                "title": "Letter to Sheriff Penzone: end 287(g)",
                "title_es": "Carta al sheriff Penzone: terminen el 287(g)",
                "body": "Dear Sheriff Penzone,\n\nEnd the 287(g) agreement now.",
                "body_es": "Estimado sheriff Penzone:\n\nTermine ya el acuerdo 287(g).",
            },
            [
                {
                    "name": "Paul Penzone",
                    "title": "Sheriff",
                    "office": "MaricopaCountySheriffsOfficeAndJail" * 2,
                }
            ],
        )
        letters.open_letter(letter, utcnow())
        _sign_and_approve(letter, organizer.id)
        db.session.commit()
        return f"/coalitions/{coalition.slug}/letters/{letter.id}", f"/letters/{letter.slug}"


def _mail_link(live_app, recipient: str, path: str) -> str:
    with live_app.app_context():
        # `raw` is sealed: read through the model, inside the app.
        raws = [mail.raw for mail in db.session.scalars(select(StoredMail).order_by(StoredMail.id.desc()))]
    for raw in raws:
        message = message_from_string(raw, policy=policy.default)
        if message["To"] == recipient:
            text = message.get_body(preferencelist=("plain",)).get_content()
            found = re.search(rf"https?://\S*{re.escape(path)}\S+", text)
            if found:
                return found.group(0)
    raise AssertionError(f"no mail to {recipient} with {path}")


def _fits_in_both_languages(page: Page, url: str) -> None:
    for language in ("es", "en"):
        page.goto(f"/language/{language}")
        page.goto(url)
        too_wide = page.evaluate(
            """[...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 390 || e.scrollWidth > e.clientWidth + 1)
                .slice(-5).map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + ' '
                    + e.getBoundingClientRect().right + ' ' + e.textContent.slice(0, 40))"""
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, (url, language, too_wide)
        assert_fits_the_screen(page)


def _listed(page: Page, name: str):
    return page.locator(".signatory-list").get_by_text(name, exact=True)


def _fingerprint(page: Page, public_url: str) -> str:
    page.goto(public_url)
    return page.locator("code.fingerprint").inner_text()


def _edit_body(page: Page, letter_url: str, body: str) -> None:
    page.goto(f"{letter_url}/edit")
    page.get_by_label("Text of the letter").fill(body)
    page.get_by_role("button", name="Save the letter").click()
    expect(page.get_by_role("heading", name="Check the change before saving")).to_be_visible()
    assert_fits_the_screen(page)


def test_correction_withdraw_and_new_version_on_a_phone(phone_page: Page, live_app, letter_urls):
    page = phone_page
    letter_url, public_url = letter_urls
    page.goto("/accounts/login")
    log_in(page, ORGANIZER)
    _fits_in_both_languages(page, letter_url)
    _fits_in_both_languages(page, public_url)
    first = _fingerprint(page, public_url)

    # A correction: the list stays, the change log says so, each signer gets the difference.
    _edit_body(page, letter_url, "Dear Sheriff Penzone,\n\nEnd the 287(g) agreement now, please.")
    expect(page.locator(".change-size")).to_contain_text("2 words added, 1 word removed")
    expect(page.locator(".review-change ins").first).to_contain_text("please.")
    page.get_by_label("A correction: signatures stay").check()
    page.get_by_label("Note for the public change log").fill("Added a courtesy.")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Saved as a correction")).to_be_visible()
    page.goto(public_url)
    expect(page.get_by_text(re.compile(r"Corrected on .*: Added a courtesy\."))).to_be_visible()
    expect(_listed(page, LONG_NAME)).to_be_visible()
    corrected = _fingerprint(page, public_url)
    assert corrected != first
    _fits_in_both_languages(page, public_url)

    # One signer withdraws: a GET only asks; the button takes the name off.
    withdraw_link = _mail_link(live_app, SIGNERS[OTHER_NAME], "/letters/withdraw/")
    page.goto(withdraw_link)
    assert_fits_the_screen(page)
    page.goto(public_url)
    expect(_listed(page, OTHER_NAME)).to_be_visible()
    page.goto(withdraw_link)
    page.get_by_role("button", name=re.compile("Withdraw")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your name is off the letter")
    page.goto(public_url)
    expect(_listed(page, OTHER_NAME)).to_have_count(0)
    assert _fingerprint(page, public_url) not in (first, corrected)

    # A new version unlists the one left; unlisting everyone asks a second, explicit yes.
    _edit_body(page, letter_url, "Dear Sheriff Penzone,\n\nEnd the 287(g) agreement and all ICE holds.")
    page.get_by_label("A new version: signers must confirm again").check()
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator("#unlist_all-error")).to_have_text(
        "Tick this box to unlist them, or choose a correction."
    )
    expect(page.get_by_label("Text of the letter")).to_have_value(re.compile("all ICE holds"))
    page.get_by_label(re.compile("unlist the 1 listed signatory")).check()
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Saved as version 2")).to_be_visible()
    page.goto(public_url)
    expect(_listed(page, LONG_NAME)).to_have_count(0)

    # The signer re-confirms from a page that marks up what changed.
    page.goto(_mail_link(live_app, SIGNERS[LONG_NAME], "/letters/confirm/"))
    expect(page.get_by_role("heading", name="What changed since you signed")).to_be_visible()
    expect(page.locator(".text-diff del").first).to_contain_text("now, please.")
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Confirm my signature").click()
    page.goto(public_url)
    expect(_listed(page, LONG_NAME)).to_be_visible()

    # The delivery panel on a phone, with a long recipient, in both languages.
    page.goto(letter_url)
    page.get_by_label("Delivered on").fill(utcnow().date().isoformat())
    page.get_by_label("How it was delivered").fill("In person")
    page.get_by_label("Delivered to").fill("OfficeOfTheSheriffOfMaricopaCountyArizonaAttentionPaulPenzone")
    page.get_by_role("button", name="Record the delivery").click()
    expect(page.get_by_text("Delivery recorded")).to_be_visible()
    _fits_in_both_languages(page, letter_url)
    _fits_in_both_languages(page, public_url)
