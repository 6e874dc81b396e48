"""Safe redirect targets, absolute links, and ids in URLs that fit the database."""

from urllib.parse import unquote

from flask import Flask, current_app, has_request_context, url_for
from werkzeug.routing import IntegerConverter, UnicodeConverter

# Far above any page's own path and query; a longer `next` is someone's experiment.
NEXT_MAX_LENGTH = 2000


def safe_next(target: str | None, default_endpoint: str = "core.home") -> str:
    """`target` if it is a path on this site, else the default page.

    Browsers take `//host`, `/\\host` and `\\t//host` (they drop tabs and newlines, and read a
    backslash as a slash) for another site, and Python's URL parser takes `////host` for a path;
    so rather than parse, this accepts only what starts with exactly one "/" and has no
    backslash and no control character, as sent and once percent-decoded (a decoded CR/LF
    would split the Location header)."""
    if target and _is_plain_path(target) and _is_plain_path(unquote(target)):
        return target
    return url_for(default_endpoint)


def _is_plain_path(target: str) -> bool:
    return (
        len(target) <= NEXT_MAX_LENGTH
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        # Not printable: control characters (C0, DEL, C1), lone surrogates, line separators.
        and target.isprintable()
    )


def external_url(endpoint: str, **values) -> str:
    """An absolute link for email, built on PUBLIC_URL: tasks have no request to take it from."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


MAX_ID = 2**31 - 1  # the largest value an INTEGER column holds


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: an id beyond what an INTEGER column holds answers 404 when
    the URL is matched, instead of an overflow error from the database (a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def database_ids(values: list[str]) -> list[int]:
    """The ids among posted values (ticked checkboxes) that an INTEGER column can hold; the rest
    are someone's experiment, and would be an overflow error from the database. (Digits are
    counted first: Python refuses to read a number of more than 4,300 digits, a 500.)"""
    longest = len(str(MAX_ID))
    return [
        int(value)
        for value in values
        if value.isascii() and value.isdigit() and len(value) <= longest and int(value) <= MAX_ID
    ]


class PathText(UnicodeConverter):
    """`<slug>`, `<token>`, `<key>` in every route: printable text of at most 1,000 characters
    (a signed token carrying an address is the longest, a few hundred). Anything else answers
    404 when the URL is matched, instead of reaching the database, which refuses a NUL (a 500)."""

    def __init__(self, map, minlength=1, maxlength=1000, length=None):
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", "[^/\x00-\x1f\x7f-\x9f]")


def register(app: Flask) -> None:
    """Before any blueprint adds its routes, which take their converters when added."""
    app.url_map.converters["int"] = DatabaseId
    app.url_map.converters["default"] = app.url_map.converters["string"] = PathText
