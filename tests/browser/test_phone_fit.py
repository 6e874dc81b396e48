"""No page scrolls sideways on a phone: a crawl of every page, in English and in Spanish, at 390 px.

The pages are found, not listed: from the public pages and the emailed links (logged out), then
from the dashboard (logged in as the demo organizer), breadth first along same-origin links;
last, a page of each endpoint no link led to (a form's "thank you"), if the URLs met so far
fill in its rule. A URL stands for its endpoint (Flask's url_map says which); at most
PER_ENDPOINT pages of each are opened, so a new page is covered as soon as a link leads to it,
and a long list of letters does not make the crawl long. The data is the demo's, plus a
coalition whose names are single words of 60+ letters, with long addresses and a seven-digit
count (long_names.py). `pytest -s` prints the pages opened per endpoint and those not reached.
"""

import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from campaign.accounts.models import User
from campaign.actions.models import DayOfAction
from campaign.coalitions.models import Coalition
from campaign.demo.data import DEMO_ORGANIZER
from campaign.extensions import db
from campaign.letters.models import Letter
from campaign.petitions.models import Petition
from tests.browser import long_names

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PER_ENDPOINT = 2
# Links followed nowhere: a language switch (the context keeps its language), a GET that changes
# state (confirming an account's address), and the development mailbox (not a page of the app).
SKIPPED_ENDPOINTS = {"core.set_language", "accounts.verify", "core.dev_mailbox", "core.dev_mail", "static"}
DOWNLOAD = re.compile(r"\.\w+$")  # a rule ending in an extension serves a file: PDF, CSV, ICS, SVG, JSON

# The widest element that reaches past the screen's edge, the innermost one when several are as
# wide (the cell, not its row): the name that cannot wrap, the table too wide, rather than the
# button it pushed out. A text counts by its line boxes, since a word too long for its line
# overflows its element without widening it. What a scrolling box (a table's wrapper) clips
# does not widen the page, so it is no culprit.
CULPRIT = """(limit) => {
  const clipped = (box) => {
    for (let up = box; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  let worst = null;
  const consider = (el, box, clipper) => {
    if (box.right <= limit + 0.5 || clipped(clipper)) return;
    const width = box.width;
    if (!worst || width > worst.width + 0.5 || (width > worst.width - 0.5 && worst.el.contains(el))) {
      worst = {el, width, right: box.right};
    }
  };
  for (const el of document.body.querySelectorAll('*')) {
    consider(el, el.getBoundingClientRect(), el.parentElement);
  }
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (texts.nextNode()) {
    const parent = texts.currentNode.parentElement;
    if (!texts.currentNode.textContent.trim()) continue;
    range.selectNodeContents(texts.currentNode);
    consider(parent, range.getBoundingClientRect(), parent);
  }
  if (!worst) return 'no element found';
  const path = [];
  for (let el = worst.el; el && el !== document.body; el = el.parentElement) {
    path.unshift(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      [...el.classList].map((name) => '.' + name).join(''));
  }
  const text = (worst.el.innerText || worst.el.value || '').replace(/\\s+/g, ' ').trim().slice(0, 70);
  const size = `${Math.round(worst.width)}px wide, to ${Math.round(worst.right)}px`;
  return `${path.slice(-4).join(' > ')} (${size}): "${text}"`;
}"""
LINKS = "[...document.links].filter((a) => !a.hasAttribute('download')).map((a) => a.href)"


@dataclass
class Start:
    paths: list[str]  # the public pages and the emailed links
    long_marks: set[str]  # what only the long coalition's paths hold: its slugs, the emailed tokens


@pytest.fixture(scope="module")
def start(live_app, live_server) -> Start:
    """The demo and the long coalition loaded; the pages to start from."""
    with live_app.app_context():
        loaded = live_app.test_cli_runner().invoke(args=["demo", "load"])
        assert loaded.exit_code == 0, loaded.output
        organizer = db.session.scalar(select(User).where(User.email == DEMO_ORGANIZER["email"]))
        long_names.load(organizer)
        long_names.commit_and_send()
        emailed = long_names.emailed_paths(live_server)
        tokens = {part for path in emailed for part in path.split("/") if len(part) >= 20}
        return Start(["/", *public_pages(), *emailed], long_names.url_marks() | tokens)


def public_pages() -> list[str]:
    """Every coalition's public page, and those of its public letters, petitions and days."""
    return [
        *(f"/c/{slug}" for slug in db.session.scalars(select(Coalition.slug))),
        *(f"/letters/{letter.slug}" for letter in db.session.scalars(select(Letter)) if letter.is_public),
        *(f"/petitions/{slug}" for slug in db.session.scalars(select(Petition.slug))),
        *(f"/actions/{day.slug}" for day in db.session.scalars(select(DayOfAction)) if day.is_public),
    ]


def is_page(rule) -> bool:
    """A GET rule serving a page: not skipped, not a file (a rule ending in an extension)."""
    return "GET" in rule.methods and rule.endpoint not in SKIPPED_ENDPOINTS and not DOWNLOAD.search(rule.rule)


class Crawl:
    """Breadth-first through one browser context's pages, at most PER_ENDPOINT per endpoint and
    as many again of the long coalition's, wherever the other pages come in the queue."""

    def __init__(self, page: Page, app, base_url: str, long_marks: set[str]):
        self.page, self.base_url, self.long_marks = page, base_url, long_marks
        self.routes = app.url_map.bind("127.0.0.1")
        self.queue: deque[str] = deque()
        self.seen: set[str] = set()
        self.planned: dict[tuple[str, bool], int] = defaultdict(int)
        self.visited: dict[str, list[str]] = defaultdict(list)
        self.values: dict[tuple[str, str], str] = {}  # (first segment, argument): a value met in a URL
        self.reached: set[str | None] = set()  # what was asked for and where it led (one-click)
        self.needs_login: list[str] = []
        self.overflows: list[str] = []
        self.errors: list[str] = []

    def endpoint(self, path: str) -> str | None:
        """The endpoint serving `path`, or None for what is not a page to open."""
        try:
            rule, _ = self.routes.match(urlsplit(path).path, method="GET", return_rule=True)
        except (HTTPException, RoutingException):
            return None
        return rule.endpoint if is_page(rule) else None

    def remember_values(self, path: str, is_long: bool) -> None:
        """The URL's arguments, for filling in the rules no link leads to; the long coalition's first."""
        _, arguments = self.routes.match(urlsplit(path).path, method="GET")
        for name, value in arguments.items():
            key = (path.split("/")[1], name)
            if is_long or key not in self.values:
                self.values[key] = value

    def fill_in(self) -> None:
        """Queue a page of each endpoint no link led to (the page after a form: "thanks for
        signing"), its URL made of values met under the same first segment. Tokens are not
        guessed: a token's page is reached from an email or not at all."""
        for rule in self.routes.map.iter_rules():
            if rule.endpoint in self.reached or not is_page(rule) or "token" in rule.arguments:
                continue
            section = rule.rule.split("/")[1]
            values = {name: self.values.get((section, name)) for name in rule.arguments}
            if None not in values.values():
                self.add(self.routes.build(rule.endpoint, values))

    def unreached(self) -> list[str]:
        pages = {rule.endpoint for rule in self.routes.map.iter_rules() if is_page(rule)}
        return sorted(pages - self.reached)

    def is_long(self, path: str) -> bool:
        return any(mark in path for mark in self.long_marks)

    def add(self, path: str) -> None:
        endpoint = self.endpoint(path)
        kind = (endpoint, self.is_long(path))
        if path in self.seen or endpoint is None or self.planned[kind] >= PER_ENDPOINT:
            return
        self.seen.add(path)
        self.planned[kind] += 1
        self.queue.append(path)

    def run(self, paths: list[str]) -> None:
        for path in paths:
            self.add(path)
        while self.queue:
            self.visit(self.queue.popleft())

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        landed = self.page.url.removeprefix(self.base_url)
        if response.status >= 500:
            self.errors.append(f"{path} answered {response.status}")
        if landed.startswith("/accounts/login?") and not path.startswith("/accounts/login"):
            self.needs_login.append(path)
            return
        self.reached |= {self.endpoint(path), self.endpoint(landed)}
        if "text/html" not in response.headers.get("content-type", ""):
            return
        self.visited[self.endpoint(landed) or self.endpoint(path)].append(path)
        self.seen.add(landed)
        self.remember_values(landed, self.is_long(path))
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            culprit = self.page.evaluate(CULPRIT, PHONE["width"])
            self.overflows.append(f"{path} is {width}px wide: {culprit}")
        for link in self.page.evaluate(LINKS):
            if link.startswith(self.base_url + "/"):
                self.add(link.removeprefix(self.base_url).partition("#")[0])

    def report(self) -> str:
        """How many pages of each endpoint were opened."""
        opened = sum(len(paths) for paths in self.visited.values())
        lines = [f"{opened} pages of {len(self.visited)} endpoints"]
        lines += [f"  {len(paths)} {endpoint}" for endpoint, paths in sorted(self.visited.items())]
        lines += ["Not reached:", *(f"  {endpoint}" for endpoint in self.unreached())]
        return "\n".join(lines)


def log_in(page: Page, language: str) -> str:
    """As the demo organizer, whose language chosen before stays chosen; the path of the page
    logging in leads to (the dashboard, whatever its address)."""
    page.goto("/accounts/login")
    page.fill("input[name=email]", DEMO_ORGANIZER["email"])
    page.fill("input[name=password]", DEMO_ORGANIZER["password"])
    page.locator("main form [type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    assert page.locator("html").get_attribute("lang") == language
    return urlsplit(page.url).path


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_page_scrolls_sideways_on_a_phone(browser, live_app, live_server, start, language):
    started = time.perf_counter()
    context = browser.new_context(base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    context.request.get(f"/language/{language}")  # the context keeps its cookie
    crawl = Crawl(page, live_app, live_server, start.long_marks)
    crawl.run(start.paths)
    crawl.run([log_in(page, language), *crawl.needs_login])
    crawl.fill_in()
    crawl.run([])
    context.close()
    print(f"\n{language}, {time.perf_counter() - started:.1f}s: {crawl.report()}")
    assert not crawl.errors, "\n".join(crawl.errors)
    assert not crawl.overflows, f"{len(crawl.overflows)} pages scroll sideways at 390px:\n" + "\n".join(
        crawl.overflows
    )
