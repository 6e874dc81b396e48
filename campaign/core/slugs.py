"""Readable, unique URL names made from titles ("ICE out of LA" -> "ice-out-of-la")."""

import re
import unicodedata

from sqlalchemy import select

from campaign.extensions import db


def slugify(name: str, fallback: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_name = decomposed.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:60].rstrip("-")
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
