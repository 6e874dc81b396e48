"""One-time form keys: each form shown carries a key of its own, so the same form sent twice (a
double click, a double tap, a reload) is known for what it is, and what it adds is added once."""

import re
import secrets

from flask import request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaign.extensions import db

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


def made_by_form(model, coalition_id: int, key: str | None):
    """The coalition's `model` row that the form shown with this key made, if it made one (a
    model whose rows keep their form's key, unique per coalition)."""
    if not key:
        return None
    return db.session.scalar(select(model).where(model.coalition_id == coalition_id, model.form_key == key))


def add_once(record) -> tuple:
    """Add `record`, which carries its form's key: the same form sent at this very moment meets
    the unique key, and the row that request added is returned instead. Returns the row, and
    whether this call added it."""
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        return made_by_form(type(record), record.coalition_id, record.form_key), False
    return record, True
