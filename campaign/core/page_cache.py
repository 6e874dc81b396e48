"""Answers a crowd reads at once, shared for a few seconds: in each process's memory, and by
browsers and proxies.

A petition that goes viral is read far more than it is signed: a UK Parliament petition that
peaked at 33 signatures a second had 80,000 to 100,000 people watching its page at once. Each of
them reloading would cost the page's queries and its rendering. So the public page and
count.json are kept by each process for PAGE_CACHE_SECONDS (2), and sent `Cache-Control: public,
max-age=PUBLIC_SECONDS` with an ETag: a proxy in front answers most readers (README, "A petition
going viral"), and a reload costs a 304.

An answer is shared only if it cannot depend on who asks (`may_share`, `_keepable`):
- the request carries no cookie (no session: a login, a language switch, a flashed message, a
  shared link's language remembered; no remember-me cookie), no Authorization header, and
  nobody is logged in;
- the view left its caching to this module: an answer that chose its own (`private`: a draft's
  preview) goes as it chose, and is never kept;
- it is a 200, and making it wrote nothing into the session, whose cookie would go with it;
- a page (with absolute links) was asked on the site's own address, PUBLIC_URL.
Anything else keeps the default of every page: private, `no-store` (core/security.py).
What a shared page does depend on is in its key: the view's part (the petition, the `?source=`
its form echoes) and the language chosen for the request (`?lang=`, Accept-Language);
`Vary: Accept-Language, Cookie` tells proxies and browsers the same, and the query string is in
any cache's key.

What it costs:
- The count, the recent signers, an organizer's closing or editing reach readers up to
  PAGE_CACHE_SECONDS late here (and up to PUBLIC_SECONDS more through a proxy or the browser).
- A shared link's language (`?lang=es`) opens the page in it, but is not remembered for the
  visitor's later pages (core/i18n.py remembers it only on a private answer): the page's form
  token carries it on to the sign post and the thank-you page (core/form_tokens.py).
- The page's language switch returns to the address that filled the entry: the same page, with
  maybe other tracking parameters (`fbclid`), which the key leaves out so that a crowd arriving
  from one post shares one entry.
- The form's token and stamp are up to PAGE_CACHE_SECONDS old when served (see petitions/abuse.py).

ETags are weak and taken once per entry over the answer without the values of its hidden
inputs (the form's token and stamp, new at each rendering; the echoed source is in the
address): every process and every entry of the same content has the same ETag, so a reload gets
its 304 whichever worker answers. The browser then keeps its copy's form token, which lives a
day; past it, the form comes back once to press again (core/form_tokens.py).

Bounded: each kind of answer keeps at most MAX_ENTRIES, the least recently used going first, so
a stream of distinct `?source=` values replaces entries instead of growing memory.
"""

import functools
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Response, current_app, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

PUBLIC_SECONDS = 5
MAX_ENTRIES = 256
# What WTForms writes for a hidden input (attributes in order): the value is left out of ETags.
HIDDEN_VALUE = re.compile(rb'(?<=type="hidden" value=")[^"]*')

now = time.monotonic  # the caches' clock (tests move it on)


class TimedLRU:
    """At most `max_entries` values, each for `seconds`; the least recently used goes first."""

    def __init__(self, seconds: float, max_entries: int):
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn's gthread workers serve requests side by side

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable):
        with self._lock:
            expires, value = self._entries.get(key, (0.0, None))
            if expires <= now():
                self._entries.pop(key, None)
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._entries[key] = (now() + self.seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


@dataclass(frozen=True)
class Kept:
    """An answer as kept: its body, and its headers and ETag worked out once for all its readers."""

    body: bytes
    etag: str
    headers: tuple[tuple[str, str], ...]


def may_share() -> bool:
    """Whether nothing in this request can make the answer differ from anyone else's."""
    return (
        "HTTP_COOKIE" not in request.environ
        and "HTTP_AUTHORIZATION" not in request.environ
        and not current_user.is_authenticated
    )


def shared_page(name: str, key: tuple, render: Callable[[], ResponseReturnValue]) -> Response:
    """The page `render` makes, which differs by language but not by who asks: kept and public
    when `may_share` on the site's own address, else made for this request as any page is."""
    if not (may_share() and _asked_on_public_address()):
        return make_response(render())
    return _shared(name, (*key, str(get_locale())), render, vary="Accept-Language, Cookie")


def _asked_on_public_address() -> bool:
    """A page's absolute links (og:url, share links) are built on the address it was asked on,
    while a proxy files it under its own idea of the host (nginx's $host drops the port): only a
    page asked on PUBLIC_URL's scheme, host and port is shared, never one built on an address a
    visitor chose (an X-Forwarded-Host let through, a port TRUSTED_HOSTS does not look at)."""
    return f"{request.scheme}://{request.host}".lower() == _origin(current_app.config["PUBLIC_URL"])


@functools.lru_cache(maxsize=4)
def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def shared_answer(name: str, key: tuple, render: Callable[[], ResponseReturnValue]) -> Response:
    """An answer the same for everyone, whoever asks (count.json): kept and public."""
    return _shared(name, key, render)


def private(answer: ResponseReturnValue) -> Response:
    """`answer` for this request alone, never kept nor public (an organizer's draft preview)."""
    response = make_response(answer)
    response.cache_control.no_store = True
    return response


def cache(name: str) -> TimedLRU:
    """The app's own (tests run many apps in one process, with the same slugs)."""
    caches = current_app.extensions.setdefault("page_cache", {})
    found = caches.get(name)
    if found is None:
        found = caches.setdefault(name, TimedLRU(current_app.config["PAGE_CACHE_SECONDS"], MAX_ENTRIES))
    return found


def _shared(name: str, key: tuple, render: Callable[[], ResponseReturnValue], vary: str = "") -> Response:
    kept = cache(name).get(key)
    if kept is None:
        response = make_response(render())
        if not _keepable(response):
            return response
        kept = _kept(response.get_data(), response.content_type, vary)
        cache(name).put(key, kept)
    # Headers as built once, not through Werkzeug's parsing properties: a kept answer is the
    # crowd's path, where every microsecond is paid thousands of times a second.
    if request.if_none_match.contains_weak(kept.etag):
        return Response(status=304, headers=kept.headers)
    return Response(kept.body, headers=kept.headers)


def _keepable(response: Response) -> bool:
    return response.status_code == 200 and "Cache-Control" not in response.headers and not session.modified


def _kept(body: bytes, content_type: str, vary: str) -> Kept:
    etag = hashlib.blake2b(HIDDEN_VALUE.sub(b"", body), digest_size=16).hexdigest()
    headers = [
        ("Content-Type", content_type),
        ("ETag", f'W/"{etag}"'),
        ("Cache-Control", f"public, max-age={PUBLIC_SECONDS}"),
    ]
    if vary:
        headers.append(("Vary", vary))
    return Kept(body, etag, tuple(headers))
