"""Reading pages in tests as a person reads them."""

import html
import re

from sqlalchemy import event

from campaign.extensions import db


def text_of(response) -> str:
    """The page's text as a reader sees it: tags gone, entities decoded, spaces collapsed."""
    return text_of_markup(response.get_data(as_text=True))


def text_of_markup(markup: str) -> str:
    """A piece of a page (a card, a list item) as a reader sees it, like `text_of`."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def shown_on(page) -> dict:
    """The confirm page's form as a browser posts it: the digest of the details it showed."""
    found = re.search(r'name="shown"[^>]*value="([0-9a-f]*)"', page.get_data(as_text=True))
    return {"shown": found.group(1)} if found else {}


def click_confirm(client, link: str):
    """Open a confirm link, as the owner does, and click its button: the POST the page sends."""
    return client.post(link, data=shown_on(client.get(link)))


def hidden_inputs(response, form: int = 0) -> dict:
    """The hidden inputs (a form token, a petition's stamp) of the page's `form`-th post form (the
    header's log-out button aside), as the browser sends them back."""
    page = response.get_data(as_text=True)
    forms = re.findall(r'<form([^>]*method="post"[^>]*)>(.*?)</form>', page, re.S)
    forms = [inside for tag, inside in forms if "/accounts/logout" not in tag]
    found = {}
    for tag in re.findall(r"<input\b[^>]*>", forms[form]):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            found[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return found


def post_without_cookies(app, page: str, data: dict, action: str | None = None, form: int = 0):
    """Open `page`, then send its form from a browser with no cookie of ours (it dropped them,
    or the session ended): the typed `data` and the page's hidden inputs, nothing else."""
    shown = app.test_client().get(page)
    assert shown.status_code == 200, page
    return app.test_client().post(action or page, data=hidden_inputs(shown, form) | data)


def statements_of(client, path: str) -> int:
    """How many SQL statements the page at `path` runs (it must answer 200)."""
    count = 0

    def record(*args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return count


def table_row(response, heading: str) -> list[str]:
    """The cells' text of the page's table row whose first cell holds `heading`."""
    for row in re.findall(r"<tr>(.*?)</tr>", response.get_data(as_text=True), flags=re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
        if cells and heading in cells[0]:
            return [text_of_markup(cell).strip() for cell in cells]
    raise AssertionError(f"no row for {heading!r}")
