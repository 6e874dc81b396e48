"""Posting generated submissions to the forms of one feature, then reading what they left.

For each feature: the world is put back as it was (snapshot.py); each form gets its generated
submissions (submissions.py), forms before buttons and public forms before the organizers'
(a delivered letter takes no more sign-ons); then the feature's pages and the links emailed
meanwhile are opened (a confirmation link's button clicked, as its owner would), and every
column is checked (stored.py). A failure is recorded, never raised, so one run lists them all,
each with the inputs that caused it.
"""

import logging
import os
import time
import zlib
from itertools import count, islice
from urllib.parse import urljoin, urlsplit

from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from campaign.core.mail import StoredMail
from campaign.extensions import db
from tests.fuzz import stored
from tests.fuzz.findings import ErrorLog, Findings, describe_error
from tests.fuzz.site import Form, Page, Site, is_managed, log_in, mail_links, pages_to_read
from tests.fuzz.submissions import generated, one_by_one, urlencoded

# Per form (a page's form with something to fill in): the 200, about 150 s of one core in all on
# this 2-core machine; FUZZ_SUBMISSIONS=1000 for a deeper run, fewer for a quick one.
SUBMISSIONS = int(os.environ.get("FUZZ_SUBMISSIONS", "200"))
# Per button (open, close, remove, confirm) and per rule with no form on any page.
BUTTON_SUBMISSIONS = max(10, SUBMISSIONS * 3 // 20)
EMAILED_PER_ENDPOINT = 5  # emailed links opened afterwards (and their forms sent), per endpoint
# A response header longer than this is cut or refused by a reverse proxy in front (nginx's
# proxy_buffer_size is one 4 KB page by default): the visitor gets a 502, not the page.
LONGEST_HEADER = 4096
# Query strings each page is also opened with, every argument name the site uses set to them.
HOSTILE_QUERIES = ["\x00\r\n%ff\x1b<script>", "\ud800" + "é" * 3000]


def is_button(form: Form) -> bool:
    """Nothing to fill in: a state change (open, close, remove, confirm)."""
    return all(each.kind in ("hidden", "submit") for each in form.fields.values())


def _order(form: Form) -> tuple:
    """Buttons after forms, and those that delete after the other buttons; organizer pages (all
    under /coalitions/) after public ones, and forms that set a time after the others: closing
    a petition or delivering a letter first would leave its public form nothing to do, deleting
    a webhook endpoint first would leave its test and resend buttons nothing to act on, and a
    host's edit moving the event years ahead would leave its walk-in form and its report closed."""
    sets_a_time = any(each.kind == "datetime-local" for each in form.fields.values())
    deletes = form.rule.endpoint.rsplit(".", 1)[-1].startswith(("delete", "remove", "discard"))
    return (
        is_button(form),
        deletes,
        form.rule.rule.startswith("/coalitions/"),
        sets_a_time,
        form.rule.endpoint,
    )


def examples(form: Form) -> int:
    return BUTTON_SUBMISSIONS if is_button(form) else SUBMISSIONS


class Fuzzer:
    def __init__(self, site: Site, excluded: dict[str, str]):
        self.site, self.app = site, site.app
        self.excluded = excluded
        self.client = site.client
        self.findings = Findings()
        self.log = ErrorLog()
        self.addresses = count(1)
        self.seen = _seen_values(site)
        self.textareas = {
            name for form in site.forms.values() for name, f in form.fields.items() if f.multiline
        }

    def run(self, feature: str) -> Findings:
        """Fuzz the forms of `feature` (a blueprint) on the world as it was first made."""
        forms = [
            f for e, f in self.site.forms.items() if e.startswith(f"{feature}.") and e not in self.excluded
        ]
        forms.sort(key=_order)
        self.findings = Findings()
        root = logging.getLogger()
        root.addHandler(self.log)
        try:
            self.site.snapshot.restore()
            with self.app.app_context():
                last_mail = db.session.scalar(select(func.max(StoredMail.id))) or 0
                db.session.remove()
            for form in forms:
                started = time.perf_counter()
                self.stay_logged_in()
                self.fuzz(form)
                self.findings.took(form.rule.endpoint, time.perf_counter() - started)
            started = time.perf_counter()
            self.follow_up(feature, last_mail)
            self.check_stored(feature)
            self.findings.took(f"{feature} (afterwards)", time.perf_counter() - started)
        finally:
            root.removeHandler(self.log)
        return self.findings

    def address(self) -> str:
        """Each submission from an address of its own, as a crowd would send them: per-address
        limits then leave the validators to answer, not a 429."""
        n = next(self.addresses)
        return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"

    def request(self, method: str, url: str, **kwargs) -> tuple[int, list[str], object]:
        """The status, what went wrong (an exception is the app's 500; a logged error is work
        that failed after the answer), and the response, its body read and closed (which runs
        the work deferred until the answer is sent)."""
        try:
            response = self.client.open(
                url, method=method, environ_base={"REMOTE_ADDR": self.address()}, **kwargs
            )
            response.get_data()
            response.close()
        except Exception as error:  # noqa: BLE001 - an exception escaping the app is its 500
            return 500, [f"500: {describe_error(error)}", *self.log.take()], None
        problems = [f"{response.status_code} answered"] if response.status_code >= 500 else []
        sizes = {name: len(value.encode()) for name, value in response.headers.items()}
        problems += [
            f"a {size:,}-byte {name} header" for name, size in sizes.items() if size > LONGEST_HEADER
        ]
        return response.status_code, problems + self.log.take(), response

    def fuzz(self, form: Form) -> None:
        """Each field spoiled alone first, then generated submissions up to the form's number,
        the same ones every run (seeded by the endpoint)."""
        each_field = one_by_one(form, self.seen)[: examples(form) // 2]
        drawn = generated(form, self.seen, zlib.crc32(form.rule.endpoint.encode()))
        for submission in [*each_field, *islice(drawn, examples(form) - len(each_field))]:
            status, problems, _ = self.request(
                "POST",
                submission.url,
                data=submission.body,
                content_type=submission.content_type,
                headers=submission.headers,
            )
            self.findings.record(form.rule.endpoint, status, problems, submission)

    def stay_logged_in(self) -> None:
        """The logout form ends the organizer's session; put back, its row is gone for good."""
        if self.client.get("/dashboard").status_code != 200:
            self.client = log_in(self.app)

    def follow_up(self, feature: str, last_mail: int) -> None:
        """Open what the feature's forms changed: each of its pages (files too: calendars, PDFs,
        CSV), also with a hostile query string, and the links emailed since its first form."""
        self.stay_logged_in()
        pages: dict[str, str] = {}
        for url in pages_to_read(self.app, self.site.values, skip_files=False):
            pages.setdefault(self._rule(url, "GET").endpoint, url)
        pages = {endpoint: url for endpoint, url in pages.items() if endpoint.startswith(f"{feature}.")}
        queried = [
            f"{url}?{urlencoded([(name, value) for name in self.site.query_names]).decode()}"
            for url in pages.values()
            for value in HOSTILE_QUERIES
        ]
        with self.app.app_context():
            emailed: dict[str, list[str]] = {}
            for url in mail_links(last_mail):
                if (rule := self._rule(url, "GET")) is not None and not is_managed(rule):
                    emailed.setdefault(rule.endpoint, []).append(url)
            db.session.remove()
        after = f"{feature} (afterwards)"
        links = [url for urls in emailed.values() for url in urls[:EMAILED_PER_ENDPOINT]]
        for url in [*pages.values(), *queried, *links]:
            status, problems, response = self.request("GET", url)
            self.findings.record(
                after, status, [f"GET {self._rule(url, 'GET').endpoint}: {p}" for p in problems], None
            )
            if url in links and response is not None and response.mimetype == "text/html":
                self.click(after, url, response.get_data(as_text=True))

    def click(self, endpoint: str, url: str, html: str) -> None:
        """Send an emailed page's own form as its owner would: a confirmation applies what was
        typed with the sign-on. (Not the other forms of the page: its header's is Log out.)"""
        page = Page()
        page.feed(html)
        for form in page.forms:
            action = urljoin(url, form["action"] or url)
            rule = self._rule(action, "POST")
            if form["method"] != "post" or rule is None or urlsplit(action).path != urlsplit(url).path:
                continue
            data = {
                each.name: each.values[0] for each in form["fields"] if each.kind not in ("checkbox", "radio")
            }
            status, problems, _ = self.request("POST", action, data=data)
            self.findings.record(endpoint, status, [f"POST {rule.endpoint}: {p}" for p in problems], None)

    def check_stored(self, feature: str) -> None:
        with self.app.app_context():
            found = stored.invalid_values(self.textareas)
            db.session.remove()
        for problem in found:
            self.findings.stored(feature, problem)

    def _rule(self, url: str, method: str):
        try:
            return self.app.url_map.bind("localhost").match(
                urlsplit(url).path, method=method, return_rule=True
            )[0]
        except HTTPException:
            return None


def _seen_values(site: Site) -> dict[str, list[str]]:
    """Values pages filled in, by field name: the event edit page's start time fills the new one's."""
    seen: dict[str, list[str]] = {}
    for form in site.forms.values():
        for name, each in form.fields.items():
            if each.kind not in ("select", "radio", "checkbox", "submit", "hidden"):
                seen.setdefault(name, []).extend(value for value in each.values if value.strip())
    return seen
