"""The plain-text part of every email: Markdown as readable text, and no HTML tag left in it.

A mail reader that shows the text part shows it as it is: "**Friday**" or "<b>Thank you</b>"
would reach the supporter as typed. Markdown is rendered and sanitized as for the HTML part
(core/markdown.py), then written out the way people write plain email: links as "text (url)",
list items with "- " or "1. ", headings and paragraphs as lines of their own.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from campaign.core.markdown import render_markdown

# What a tag looks like in text: "<b>", "</a>", '<a href="...">', "<br/>"; not "<ana@example.org>",
# "<https://example.org>" or "a < b".
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "tr", "ul", "ol", "blockquote"}


def markdown_to_text(source: str) -> str:
    return html_to_text(str(render_markdown(source)))


def without_tags(text: str) -> str:
    """A text part with any tag a plain value brought in (a title typed with "<b>") taken out."""
    return TAG.sub("", text)


@dataclass
class _OpenList:
    ordered: bool  # numbered "1. ", else "- "
    items: int = 0  # written so far: the next number


def html_to_text(html: str) -> str:
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()


class _TextWriter(HTMLParser):
    """Collects blocks (paragraphs, headings, list items) of text; see html_to_text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        # (text, the list it belongs to or 0): a list's items go on consecutive lines.
        self.blocks: list[tuple[str, int]] = []
        self.lists_opened = 0
        self.pieces: list[str] = []  # the block being written
        self.lists: list[_OpenList] = []  # the innermost last
        self.links: list[tuple[str, int]] = []  # open links: (href, where their text starts)
        self.prefix = ""  # the list marker waiting for the block's first words
        self.quotes = 0
        self.preformatted = 0

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS or tag == "li":
            self._end_block()
        if tag == "li" and self.lists:
            current = self.lists[-1]
            current.items += 1
            marker = f"{current.items}. " if current.ordered else "- "
            self.prefix = "  " * (len(self.lists) - 1) + marker
        elif tag in ("ul", "ol"):
            self.lists_opened += not self.lists
            self.lists.append(_OpenList(ordered=tag == "ol"))
        elif tag == "blockquote":
            self.quotes += 1
        elif tag == "pre":
            self.preformatted += 1
        elif tag == "br":
            self.pieces.append("\n")
        elif tag == "hr":
            self.blocks.append(("----", 0))
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.pieces)))
        elif tag == "img":
            self.pieces.append(dict(attrs).get("alt") or "")
        elif tag in ("td", "th"):
            self.pieces.append(" ")

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.pieces[start:]).strip()
            if href and not href.startswith("#") and href.removeprefix("mailto:") != words:
                self.pieces.append(f" ({href})")
        elif tag in _BLOCKS or tag == "li":
            self._end_block()
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
            elif tag == "blockquote":
                self.quotes = max(0, self.quotes - 1)
            elif tag == "pre":
                self.preformatted = max(0, self.preformatted - 1)

    def handle_data(self, data):
        self.pieces.append(data if self.preformatted else re.sub(r"\s+", " ", data))

    def _end_block(self):
        written = "".join(self.pieces)
        self.pieces = []
        if not self.preformatted:
            written = "\n".join(re.sub(r" {2,}", " ", line).strip() for line in written.split("\n"))
        if not written.strip():
            return  # an empty block keeps its list marker for the words to come
        # A list item's later lines and paragraphs line up under its first words.
        indent = "  " * len(self.lists)
        first, *rest = written.strip("\n").split("\n")
        lines = [(self.prefix or indent) + first] + [indent + line for line in rest]
        if self.quotes:
            lines = ["> " * self.quotes + line for line in lines]
        self.blocks.append(("\n".join(lines), self.lists_opened if self.lists else 0))
        self.prefix = ""

    def text(self) -> str:
        self._end_block()
        out, previous = [], None
        for block, in_list in self.blocks:
            if previous is not None:
                out.append("\n" if in_list and in_list == previous else "\n\n")
            out.append(block)
            previous = in_list
        return "".join(out)
