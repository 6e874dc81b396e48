"""The site as a visitor finds it: every page, the forms on them, and the URL of every POST rule.

Nothing here lists forms by hand. The URL of a rule is built from values found on the site
(the world's objects, the links in the emails it sent, the links and form actions on its pages),
and a form's fields are read from the HTML of the page that shows it, as a browser would.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from email import message_from_string, policy
from html.parser import HTMLParser
from itertools import islice, product
from urllib.parse import parse_qs, urljoin, urlsplit

from flask import Flask
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter

from campaign.core.mail import StoredMail
from campaign.extensions import db
from tests.fuzz import world
from tests.fuzz.snapshot import Snapshot

LINK = re.compile(r"https?://localhost(/[^\s\"'<>)\]]*)")
URLS_PER_RULE = 6  # combinations of argument values tried per rule, at most


@dataclass
class Field:
    """An input as the page shows it: its type, the values it offers or was filled in with, and
    what a browser sends when nobody changes it (the checked boxes, the selected option)."""

    name: str
    kind: str  # an <input> type, or "select", "textarea"
    values: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    required: bool = False

    @property
    def multiline(self) -> bool:
        return self.kind == "textarea"


@dataclass
class Form:
    """Every form posting to one rule: the URLs to post to and the union of the fields of the
    forms found posting to it."""

    rule: Rule
    urls: list[str] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)
    multipart: bool = False
    found_on: set[str] = field(default_factory=set)  # pages showing it
    actions: list[str] = field(default_factory=list)  # the URLs those forms post to

    def add_field(self, found: Field) -> None:
        known = self.fields.setdefault(found.name, Field(found.name, found.kind, required=found.required))
        known.values.extend(value for value in found.values if value not in known.values)
        known.sent.extend(value for value in found.sent if value not in known.sent)


class Page(HTMLParser):
    """Forms (method, action, enctype, fields) and links of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "method": attrs.get("method", "get").lower(),
                "action": attrs.get("action", ""),
                "multipart": "multipart" in attrs.get("enctype", ""),
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button") and attrs.get("name"):
            kind = attrs.get("type", "text" if tag == "input" else "submit").lower()
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            unchanged = (
                "checked" in attrs if kind in ("checkbox", "radio") else kind not in ("submit", "file")
            )
            sent = [value] if unchanged else []
            self._form["fields"].append(Field(attrs["name"], kind, [value], sent, "required" in attrs))
        elif tag == "select" and attrs.get("name"):
            self._select = Field(attrs["name"], "select", required="required" in attrs)
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.values.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.sent = [attrs.get("value", "")]
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = Field(attrs["name"], "textarea", [""], required="required" in attrs)
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values[0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            self._select.sent = self._select.sent or self._select.values[:1]  # a browser sends the first
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the newline that follows <textarea>.
            text = self._textarea.values[0].removeprefix("\r\n").removeprefix("\n")
            self._textarea.values, self._textarea.sent = [text], [text]
            self._textarea = None


@dataclass
class Site:
    app: Flask
    client: object  # the organizer's logged-in test client
    values: dict[tuple[str, str], list[str]]  # (path before the argument, argument) -> values found
    forms: dict[str, Form]  # by endpoint, for every POST rule reached
    pages: list[str]  # the URLs read while looking for forms
    unbuilt: list[str]  # POST rules no URL could be built for
    query_names: list[str]  # names of the query arguments the site's links and GET forms use
    snapshot: Snapshot  # the world as the crawl left it

    def coverage(self) -> str:
        """Each POST rule: how many URLs, the fields of its form and a page showing it."""
        lines = [f"{len(self.forms)} POST rules fuzzed, {len(self.pages)} pages read to find their forms"]
        for endpoint, form in sorted(self.forms.items()):
            fields = ", ".join(f"{name} ({each.kind})" for name, each in sorted(form.fields.items()))
            shown = min(form.found_on, default="no page (a button the world does not show, or none)")
            lines.append(f"{endpoint}: {len(form.urls)} URLs, e.g. {form.urls[0][:80]}")
            lines.append(f"    on {shown[:80]}; fields: {fields or 'none'}")
        lines += [f"{endpoint}: no URL could be built" for endpoint in self.unbuilt]
        return "\n".join(lines)


def post_rules(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in rule.methods),
        key=lambda rule: rule.rule,
    )


def _prefix(rule: Rule, argument: str) -> str:
    """The path before `<...argument>`: `/actions/` for the slug of /actions/<slug>/propose."""
    return re.split(rf"<(?:[^<>:]+:)?{argument}>", rule.rule)[0].split("<")[0]


def build_urls(app: Flask, rule: Rule, values: dict) -> list[str]:
    """URLs of `rule` from the values found, up to URLS_PER_RULE combinations (every choice of
    an <any(...)> argument first); empty if an argument has no value."""
    choices = []
    for argument in sorted(rule.arguments):
        converter = rule._converters[argument]
        if isinstance(converter, AnyConverter):
            found = sorted(converter.items)
        else:
            # The world's own objects first (its teammate, not the organizer's own role), then
            # what the site showed under this path.
            found = values.get(("", argument)) or values.get((_prefix(rule, argument), argument), [])
        if not found:
            return []
        choices.append([(argument, value) for value in found])
    adapter = app.url_map.bind("localhost")
    return [adapter.build(rule.endpoint, dict(chosen)) for chosen in islice(product(*choices), URLS_PER_RULE)]


def _urls_to_fuzz(app: Flask, form: Form, values: dict) -> list[str]:
    """The world's objects in the combinations its pages post to (event 1 of day 1, not of
    day 2), each with every choice of an <any(...)> action; else every combination built."""
    built = build_urls(app, form.rule, values)
    shown = [url for url in form.actions if url in built]
    if not shown:
        return built
    adapter = app.url_map.bind("localhost")
    choices = {
        name: sorted(c.items) for name, c in form.rule._converters.items() if isinstance(c, AnyConverter)
    }
    urls = []
    for url in shown:
        arguments = adapter.match(url, method="POST")[1]
        for chosen in product(*([(name, item) for item in items] for name, items in choices.items())):
            urls.append(adapter.build(form.rule.endpoint, arguments | dict(chosen)))
    return list(dict.fromkeys(urls))


def _remember(app: Flask, values: dict, url: str, method: str = "GET") -> Rule | None:
    """Record the argument values of a URL of the site; the rule it matches, if any."""
    adapter = app.url_map.bind("localhost")
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    try:
        rule, arguments = adapter.match(parts.path, method=method, return_rule=True)
    except HTTPException:
        return None
    for argument, value in arguments.items():
        key = (_prefix(rule, argument), argument)
        if str(value) not in values[key]:
            values[key].append(str(value))
    return rule


def mail_links(after_id: int = 0) -> list[str]:
    """The links in the emails stored after `after_id` (the app stores mail it would send)."""
    links = []
    for mail in db.session.scalars(
        select(StoredMail).where(StoredMail.id > after_id).order_by(StoredMail.id)
    ):
        message = message_from_string(mail.raw, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body else ""
        links += LINK.findall(text + str(message["List-Unsubscribe"] or ""))
    return list(dict.fromkeys(links))


def log_in(app: Flask, email: str = world.ORGANIZER):
    client = app.test_client()
    response = client.post("/accounts/login", data={"email": email, "password": world.PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def discover(app: Flask) -> Site:
    with app.app_context():
        made = world.build()
        links = mail_links()
    values = defaultdict(list)
    for (prefix, argument), value in made.by_prefix.items():
        values[(prefix, argument)].append(value)
    for argument, ids in made.ids.items():
        values[("", argument)] += [str(each) for each in ids]
    for link in links:
        _remember(app, values, link)
    client = log_in(app)
    forms, pages, query_names = _crawl(app, client, values, links)
    for rule in post_rules(app):
        form = forms.setdefault(rule.endpoint, Form(rule))
        form.urls = _urls_to_fuzz(app, form, values)
        if not form.urls:
            del forms[rule.endpoint]
    unbuilt = [rule.endpoint for rule in post_rules(app) if rule.endpoint not in forms]
    with app.app_context():
        snapshot = Snapshot(db.engine)
    return Site(app, client, dict(values), forms, pages, unbuilt, sorted(query_names), snapshot)


def is_managed(rule: Rule) -> bool:
    """Static files and the development mailbox: no page of the app's own to read."""
    return rule.endpoint == "static" or rule.rule.startswith("/_dev")


def pages_to_read(app: Flask, values: dict, skip_files: bool = True) -> list[str]:
    """A URL of every GET rule (each choice of its arguments) that the values found can build."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or is_managed(rule):
            continue
        if skip_files and "." in rule.rule.rsplit("/", 1)[-1]:
            continue  # a PDF, CSV, calendar or image: no form on it
        urls += build_urls(app, rule, values)
    return urls


def _crawl(app: Flask, client, values: dict, links: list[str]) -> tuple[dict[str, Form], list[str], set[str]]:
    """Read every page that can be built (and every emailed link) until no new value turns up."""
    forms: dict[str, Form] = {}
    read: list[str] = []
    query_names: set[str] = set()
    while todo := [url for url in dict.fromkeys(links + pages_to_read(app, values)) if url not in read]:
        for url in todo:
            read.append(url)
            response = client.get(url)
            html = response.get_data(as_text=True)
            response.close()
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            page = Page()
            page.feed(html)
            for link in page.links:
                _remember(app, values, urljoin(url, link))
                query_names.update(parse_qs(urlsplit(link).query))
            for found in page.forms:
                if found["method"] == "post":
                    _add_form(app, values, forms, url, found)
                else:
                    query_names.update(each.name for each in found["fields"])
    return forms, read, query_names


def _add_form(app: Flask, values: dict, forms: dict[str, Form], page_url: str, found: dict) -> None:
    action = urljoin(page_url, found["action"] or page_url)
    rule = _remember(app, values, action, "POST")
    if rule is None:
        return
    form = forms.setdefault(rule.endpoint, Form(rule))
    if (path := urlsplit(action).path) not in form.actions:
        form.actions.append(path)
    form.multipart |= found["multipart"]
    form.found_on.add(page_url)
    for each in found["fields"]:
        form.add_field(each)
