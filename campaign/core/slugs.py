"""Readable, unique URL names made from titles ("ICE out of LA" -> "ice-out-of-la")."""

import re
import unicodedata

from sqlalchemy import select

from campaign.extensions import db

MAX_LENGTH = 60


def slugify(name: str, fallback: str) -> str:
    """Accents dropped ("Día de acción" -> "dia-de-accion"); a long title cut after its last
    whole word within MAX_LENGTH, so a public URL never ends in half a word."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_name = decomposed.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")
    if len(slug) > MAX_LENGTH:
        kept = slug[: MAX_LENGTH + 1]  # one more: a "-" there means the cut falls between words
        slug = kept.rsplit("-", 1)[0] if "-" in kept else slug[:MAX_LENGTH]  # one long word: cut it
    return slug or fallback


def unique_slug(name: str, column, fallback: str, reserved: frozenset = frozenset()) -> str:
    """The slug of `name`, with -2, -3, ... added when `column` already holds it or it is reserved."""
    base = slugify(name, fallback)
    taken = set(db.session.scalars(select(column).where(column.like(f"{base}%")))) | reserved
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug
