"""A form posted after its session ended: what was typed is kept, sealed, through the login and back.

A form bound to the session (every organizer form) fails its CSRF check once the session cookie
has expired or was dropped, and a view behind a login sends a post whose login has ended to the
login page. Either way the post is not saved. Instead of an error page, the posted fields
(never passwords; files are not in the form data) go into the new session, the browser goes back
to the page the form was on (through the login when that page needs one), and the form there
is filled in once from them, saying so (AppForm calls `restore`).

Where and how: the session is a cookie that Flask signs but does not encrypt, on a browser that
may be shared, and what is typed is often personal (paper signers' names and ZIP codes, invited
addresses). So the page and its fields are sealed with the data keys (AES-GCM, core/crypto.py);
the cookie shows only when they were kept and a keyed hash of the account they belong to.
Browsers drop a cookie beyond 4 KB, so the longest values are left out when all do not fit
sealed, and the form names them.

Dropped: once the form was shown with them (a page sent whole: a view that failed, or that the
database layer runs again, finds them still there); at a logout; at a login into another
account than the one whose login had ended (a session lost with its cookie names no account:
the first login that follows takes it); and, on any request, after KEPT_SECONDS.
"""

import functools
import json
import time
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, flash, has_request_context, redirect, request, session
from flask_babel import gettext as _
from flask_login import login_url, user_logged_in, user_logged_out
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField
from wtforms.fields.core import UnboundField

from campaign.core.crypto import ROW_KEY_BYTES, keyed_hash, open_sealed, seal
from campaign.core.urls import safe_next
from campaign.extensions import login_manager

KEY = "kept_form"
# A keyed hash of the logged-in account, set at each login: it outlives a login that ends on the
# server (the cookie is still there), so the form kept then can be told to be that account's.
ACCOUNT = "account"
# Where the sealed form belongs, as crypto's associated data: no other value can be passed off
# as a kept form. The cookie's signature already stops any change to it or its neighbours, so
# the row key, which binds a database value to its row, is a constant (cookie bytes are scarce).
_PLACE = ("session", "kept_form", bytes(ROW_KEY_BYTES))
# The whole session cookie with what is kept. Browsers ignore a cookie over 4,096 bytes (the
# session would be lost again, and the login with it); logging in then adds about 300.
COOKIE_BUDGET = 3000
KEPT_SECONDS = 3600  # time enough to find the password; after it, a kept form is stale
MOST_FIELDS = 200  # far above any form of ours
_SHOWN = "campaign.kept_form_shown"  # on the request, not `g`, as in core/database.py


def register(app: Flask) -> None:
    app.before_request(_drop_stale)
    app.after_request(_drop_once_shown)
    user_logged_in.connect(_on_login, app)
    user_logged_out.connect(_on_logout, app)


def back_to_form():
    """After a failed CSRF check: back to the form (through the login if its page needs one),
    or None when the post did not come from one of our pages."""
    page = _page_of_post()
    if page is None:
        return None
    _keep(page)
    return redirect(page, 303)


def to_login():
    """Flask-Login's answer to a page that needs a login, also keeping a post whose login ended."""
    page = _page_of_post()
    if page is not None:
        _keep(page)
    if KEY in session:
        flash(_("Your session had ended. Log in again: what you typed is waiting on the form."), "info")
    else:
        flash(_("Please log in to see this page."), "info")
    return redirect(login_url(login_manager.login_view, next_url=page or request.url))


def _page_of_post() -> str | None:
    """The page a post came from, if it came from one of ours: another site's post is never kept
    (it would fill in our form with its words)."""
    if request.method != "POST":
        return None
    origin = request.headers.get("Origin")
    if origin is not None and not _is_ours(origin):
        return None
    referrer = request.referrer
    if referrer and _is_ours(referrer):
        parts = urlsplit(referrer)
        page = parts.path + (f"?{parts.query}" if parts.query else "")
    elif origin is not None and request.url_rule is not None and "GET" in request.url_rule.methods:
        page = request.full_path.rstrip("?")  # no Referer sent: the form posts to its own page
    else:
        return None
    return safe_next(page)


def _is_ours(url: str) -> bool:
    here, there = urlsplit(request.host_url), urlsplit(url)
    return (here.scheme, here.netloc) == (there.scheme, there.netloc)


def _keep(page: str) -> None:
    """Put the posted fields in the session for `page`'s form, as many as fit, shortest first.

    Kept by path: the path names the object an organizer form acts on (no page with such a form
    chooses it by its query string, which only filters or says where to go next)."""
    posted = [(name, values) for name, values in request.form.lists() if not _is_secret(name)]
    names = {_field_of(name) for name, _values in posted}
    kept = {"path": unquote(urlsplit(page).path), "fields": {}, "dropped": []}
    if posted and len(posted) <= MOST_FIELDS and any(names <= fields for fields in _our_forms()[0]):
        for name, values in sorted(posted, key=lambda item: sum(map(len, item[1]))):
            if _fits(_sealed(kept | {"fields": kept["fields"] | {name: values}})):
                kept["fields"][name] = values
            else:
                kept["dropped"].append(name)
        if _fits(sealed := _sealed(kept)):
            session[KEY] = sealed
            return
    # Buttons only, inputs of no form of ours (a table of checkboxes), or far too many to name.
    flash(_("Your session had ended, so that was not done. Please try again."), "info")


def _sealed(kept: dict) -> dict:
    """What the session holds: the time and the account in clear, for the checks each request
    makes without a key; the page and what was typed sealed."""
    plaintext = json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
    return {"at": int(time.time()), "for": session.get(ACCOUNT), "sealed": seal(*_PLACE, plaintext)}


def _fits(sealed: dict) -> bool:
    """Measured as sent: the session cookie with the sealed form (its size does not depend on the
    random nonce)."""
    cookie = current_app.session_interface.get_signing_serializer(current_app).dumps(
        dict(session) | {KEY: sealed}
    )
    return len(cookie) <= COOKIE_BUDGET


def _field_of(name: str) -> str:
    """The form's field a posted name belongs to: "targets-0-name" is the list "targets"."""
    return name.split("-", 1)[0]


def _is_secret(name: str) -> bool:
    csrf_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return name.endswith(csrf_field) or "password" in name.lower() or name in _our_forms()[1]


@functools.cache
def _our_forms() -> tuple[tuple[frozenset[str], ...], frozenset[str]]:
    """Each form's field names, and every password field's name ("confirm" too). All our forms
    are imported by the time the app is built."""
    fields, passwords, forms = [], set(), [FlaskForm]
    while forms:
        form = forms.pop()
        forms.extend(form.__subclasses__())
        unbound = {
            name: getattr(form, name) for name in dir(form) if isinstance(getattr(form, name), UnboundField)
        }
        fields.append(frozenset(unbound))
        passwords.update(
            name for name, field in unbound.items() if issubclass(field.field_class, PasswordField)
        )
    return tuple(fields), frozenset(passwords)


def _drop_stale() -> None:
    # `in` does not mark the session accessed: a request without a kept form pays nothing.
    if KEY in session and time.time() - session[KEY]["at"] >= KEPT_SECONDS:
        session.pop(KEY)


def _account_of(user) -> str:
    return keyed_hash(f"kept-form account:{user.id}")[:16]


def _on_login(app: Flask, user) -> None:
    """The account logging in takes a form kept for it or for nobody; another account's goes."""
    account = session[ACCOUNT] = _account_of(user)
    if KEY in session:
        if session[KEY].get("for") in (None, account):
            session[KEY] = session[KEY] | {"for": account}
        else:
            session.pop(KEY)


def _on_logout(app: Flask, user) -> None:
    session.pop(KEY, None)
    session.pop(ACCOUNT, None)


def restore(form, construction: dict) -> None:
    """Fill in a form shown by a GET from what was kept for its page, and say so (once: it is
    dropped when the page is sent)."""
    if not has_request_context() or request.method != "GET" or KEY not in session:
        return
    kept = _opened(session[KEY])
    if kept is None:
        return
    names = {_field_of(name) for name in [*kept["fields"], *kept["dropped"]]}
    if kept["path"] != request.path or not all(name in form for name in names):
        return  # another page's, or another of this page's forms
    request.environ[_SHOWN] = True
    values = {name: value for name, value in construction.items() if name not in ("meta", "prefix")}
    form.process(MultiDict(kept["fields"]), **values)
    dropped = ", ".join(str(form[_field_of(name)].label.text) for name in kept["dropped"])
    if dropped:
        form.notice = _(
            "Your session had ended, so nothing was saved. What you typed is below, except “%(fields)s”, "
            "which was too long to keep: check it, type that again and press the button.",
            fields=dropped,
        )
    else:
        form.notice = _(
            "Your session had ended, so nothing was saved. What you typed is below: check it and press "
            "the button again."
        )


def _opened(sealed: dict) -> dict | None:
    try:
        return json.loads(open_sealed(*_PLACE, sealed["sealed"]))
    except ValueError:  # sealed under a key since removed from DATA_KEYS
        session.pop(KEY)
        return None


def _drop_once_shown(response):
    if request.environ.get(_SHOWN) and 200 <= response.status_code < 300:
        session.pop(KEY, None)
    return response
