"""Reading pages in tests as a person reads them."""

import html
import re


def text_of(response) -> str:
    """The page's text as a reader sees it: tags gone, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))
