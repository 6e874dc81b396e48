"""A partner website's own script reads the count and the badge from another origin, and nothing else."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page

from campaign.coalitions import services as coalitions
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.petitions import services as petitions
from tests.browser.helpers import add_organizer

pytestmark = pytest.mark.browser

# What a partner page's script runs: the text it read, or why the browser refused it.
READ = """async (url) => {
  try { return await (await fetch(url)).text(); } catch (error) { return "refused: " + error.name; }
}"""


class PartnerPage(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<!doctype html><p>A partner organization's site</p>")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def partner_site():
    """A partner's website on another origin (another port of this machine), with no policy of ours."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), PartnerPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def petition_slug(live_app):
    with live_app.app_context():
        organizer = add_organizer("partner-sites@example.org", "Ana", locale="en")
        coalition = coalitions.create_coalition(organizer, "Partner Sites Coalition", "", "")
        fields = {"title": "Read me from afar", "target": "The Mayor", "ask": "End ICE holds.", "goal": 100}
        petition = petitions.create_petition(coalition.id, organizer.id, fields)
        petitions.open_petition(petition, utcnow())
        db.session.commit()
        return petition.slug


def test_a_partner_pages_script_reads_the_count_and_badge_but_not_other_pages(
    desktop_page: Page, live_server, partner_site, petition_slug
):
    page = desktop_page
    page.goto(partner_site)  # the browser sends this origin with each fetch, and checks the answer
    count = page.evaluate(READ, f"{live_server}/petitions/{petition_slug}/count.json")
    assert '"count":0' in count.replace(" ", "")
    badge = page.evaluate(READ, f"{live_server}/petitions/{petition_slug}/badge.svg")
    assert badge.startswith("<svg") and "0 signatures" in badge
    other = page.evaluate(READ, f"{live_server}/petitions/{petition_slug}")
    assert other == "refused: TypeError"  # the petition page itself stays unreadable cross-origin
