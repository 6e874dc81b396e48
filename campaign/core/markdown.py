"""Markdown that organizers write, rendered and then sanitized: supporters never see raw HTML."""

import re

import markdown as markdown_lib
import nh3
from markupsafe import Markup

# What the sanitizer would silently drop; forms name it so the organizer knows why text changed.
UNSAFE_MARKUP = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|form)\b|\bon\w+\s*=|javascript:", re.I
)


def render_markdown(source: str) -> Markup:
    html = markdown_lib.markdown(source or "", extensions=["sane_lists"], output_format="html")
    return Markup(nh3.clean(html, link_rel="noopener noreferrer"))  # noqa: S704 - sanitized by nh3


def has_unsafe_markup(source: str) -> bool:
    return bool(UNSAFE_MARKUP.search(source or ""))
