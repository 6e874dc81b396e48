"""One-time form keys: each form shown carries a key of its own, so the same form sent twice (a
double click, a double tap, a reload) is known for what it is, and what it adds is added once."""

import re
import secrets

from flask import request

# The hidden field that carries the key back.
FIELD = "once"
# A key as `secrets.token_urlsafe(16)` makes it; anything else posted back is not one of ours.
KEY = re.compile(r"[A-Za-z0-9_-]{22}")
KEY_LENGTH = 22


def form_key() -> str:
    """The key the form being posted was shown with, or a new one for a form about to be shown
    (and for a post that carries none, or something that is not a key)."""
    posted = request.form.get(FIELD, "") if request.method == "POST" else ""
    return posted if KEY.fullmatch(posted) else new_form_key()


def new_form_key() -> str:
    """A key for a fresh form shown in the answer to a post (whose own key is spent)."""
    return secrets.token_urlsafe(16)
