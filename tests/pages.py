"""Reading pages in tests as a person reads them."""

import html
import re


def text_of(response) -> str:
    """The page's text as a reader sees it: tags gone, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def shown_on(page) -> dict:
    """The confirm page's form as a browser posts it: the digest of the details it showed."""
    found = re.search(r'name="shown"[^>]*value="([0-9a-f]*)"', page.get_data(as_text=True))
    return {"shown": found.group(1)} if found else {}


def click_confirm(client, link: str):
    """Open a confirm link, as the owner does, and click its button: the POST the page sends."""
    return client.post(link, data=shown_on(client.get(link)))
