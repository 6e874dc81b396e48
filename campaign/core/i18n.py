"""Language: the compiled catalogs, and the choice of English or Spanish for each page."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale, refresh
from flask_login import current_user, user_logged_in

# Where the session keeps the language a shared link (?lang=) opened a logged-out visitor's
# pages in: apart from "lang", the visitor's own switch, which an account's language yields to.
LINK_LANGUAGE = "link_lang"


def register(app: Flask) -> None:
    app.after_request(_remember_link_language)
    user_logged_in.connect(_forget_link_language, app)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    logged_in = getattr(current_user, "is_authenticated", False)
    asked = request.args.get("lang")
    if asked in languages:
        # A link shared in a language (with_language) opens in it, for a crawler reading the
        # page's tags as for a person, and a visitor's pages after it follow. A switch made
        # earlier is the visitor's own word and stays (as in core/form_tokens.py), and so is
        # an organizer's account language beyond this page.
        if not logged_in:
            g.link_language = asked
        return asked
    if not logged_in and session.get(LINK_LANGUAGE) in languages:
        return session[LINK_LANGUAGE]
    if g.get("page_language") in languages:
        return g.page_language
    if logged_in and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _remember_link_language(response: Response) -> Response:
    """The pages after a shared link follow its language: remembered on an HTML page only, never
    on a publicly cached answer (count.json, the badge), where a shared cache would keep the
    cookie with the answer and hand it to everyone who asks."""
    language = g.pop("link_language", None)
    if language and response.mimetype == "text/html" and not response.cache_control.public:
        session[LINK_LANGUAGE] = language
    return response


def _forget_link_language(app: Flask, user) -> None:
    """Logged in, the account's language speaks, not that of a link opened before (nor after
    logging out again); a switch the visitor made themselves ("lang") stays theirs."""
    session.pop(LINK_LANGUAGE, None)


def speak(language: str) -> None:
    """Render this page in `language` (a supporter's saved choice) unless the visitor switched."""
    g.page_language = language
    refresh()


def speak_to_owner(action) -> None:
    """Render a page opened from a link in an email (`action`: a signature or an RSVP, with its
    supporter and the language it was made in) in the language of the address's owner, not the
    one whoever typed the address used; the action's own language once the record is gone."""
    speak(action.supporter.language if action.supporter else action.language)


def with_language(url: str, language: str | None = None) -> str:
    """`url` with `lang=` the page's language (or `language`) first in its query: the link to
    share, or a page's address for crawlers. First, so that a tag appended to its end (share
    links' `source=share-whatsapp`) stays on the last parameter."""
    parts = urlsplit(url)
    kept = [part for part in parts.query.split("&") if part and not part.startswith("lang=")]
    query = "&".join([f"lang={language or get_locale() or 'en'}", *kept])
    return urlunsplit(parts._replace(query=query))


def in_language(language: str, english: str, spanish: str) -> str:
    """The Spanish version for a Spanish reader when one was written, else the English."""
    return spanish if language == "es" and spanish and spanish.strip() else english


def compiled_catalogs(source: Path, fallback: Path) -> Path:
    """The folder holding a current `.mo` for every `.po` under `source`, compiled now where one is
    missing or older than its `.po`: beside it, or under `fallback` (the instance folder) when
    the package cannot be written to (installed system-wide). The `.mo` files are build output,
    kept out of git, so a fresh clone, `pip install .` and `pip install -e .` all start without
    them; compiling here, not in a build step, covers every start (two `stat`s once compiled)."""
    try:
        _compile_stale(source, source)
        return source
    except OSError:
        _compile_stale(source, fallback)
        return fallback


def _compile_stale(source: Path, target: Path) -> None:
    for po in source.glob("*/LC_MESSAGES/*.po"):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        mo.parent.mkdir(parents=True, exist_ok=True)
        # Written aside, then renamed: processes starting together (gunicorn's workers) each
        # compile, and none ever reads a half-written file.
        fd, written = tempfile.mkstemp(dir=mo.parent, prefix=".compiling-", suffix=".mo")
        try:
            with os.fdopen(fd, "wb") as handle:
                write_mo(handle, catalog)
            os.chmod(written, 0o644)  # mkstemp's 0600 would hide it from a server run as another user
            os.replace(written, mo)
        except BaseException:
            os.unlink(written)
            raise
