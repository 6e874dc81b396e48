"""Encrypted values as versions before December 2026 wrote them: bound to no table, column or row."""

import os

from cryptography.fernet import Fernet
from flask import current_app
from sqlalchemy import select, update

from campaign.core import crypto


def unbound_token(plaintext: str) -> bytes:
    """The AES-GCM format of November 2026, with no associated data, under the first key."""
    keys = crypto._keys()
    nonce = os.urandom(crypto.NONCE_BYTES)
    return (
        crypto.UNBOUND
        + keys.first_id
        + nonce
        + keys.aead[keys.first_id].encrypt(nonce, plaintext.encode(), None)
    )


def fernet_token(plaintext: str) -> bytes:
    return Fernet(current_app.config["DATA_KEYS"].split(",")[0].strip()).encrypt(plaintext.encode())


def unbind_rows(db, model, token=unbound_token, where=True) -> None:
    """Rewrite the rows of `model` as an older version left them: no row key, values unbound."""
    table = model.__table__
    for row in db.session.scalars(select(model).where(where)).all():
        values = {name: getattr(row, name) for name in model.sealed_columns}
        sealed = {name: None if value is None else token(value) for name, value in values.items()}
        db.session.execute(update(table).where(table.c.id == row.id).values(row_key=None, **sealed))
    db.session.commit()
    db.session.expire_all()
