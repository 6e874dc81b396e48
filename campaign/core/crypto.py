"""Encryption at rest for personal data, and keyed hashes (blind indexes) to find it again."""

import base64
import functools
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import LargeBinary, bindparam, select, update
from sqlalchemy.orm import Mapped, mapped_column, synonym

from campaign.extensions import db

_GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def canonical_email(address: str) -> str:
    """The form of an address used to tell whether two sign-ups are the same person.

    Lowercased; for Gmail, dots in the local part and +tags are ignored because Gmail delivers
    them all to one mailbox. Other providers treat dots and tags differently, so we only fold case
    and +tags there would merge distinct people, and we leave them.
    """
    local, _, domain = address.strip().lower().rpartition("@")
    if not local:
        return address.strip().lower()
    if domain in _GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


# Ciphertext written since December 2026 (BOUND): the format byte, the key's id, a random nonce,
# then AES-256-GCM output whose associated data names the value's table, column and row (see
# `_place`). A value copied to another row, column or table fails to decrypt, so someone who can
# write to the database but holds no key cannot move a person's address into a record they
# read (their own, or a team invitation's). Before it: UNBOUND (the same without associated
# data) and, earlier still, Fernet tokens (first byte "g"); both still decrypt in a row that
# has no row key yet, until `flask crypto rotate` rewrites them. AES-GCM decrypts a short value
# in about a microsecond where Fernet takes ~20 µs, which decides how long a big export takes.
# A keyset library (Tink) would bring the same AES-GCM with associated data and key ids, which
# take a few lines here; knowing each value's row, the part that needs code, is ours either way.
BOUND = b"\x02"
UNBOUND = b"\x01"
KEY_ID_BYTES = 4
NONCE_BYTES = 12  # random per value: safe far beyond the 2**32 values per key NIST allows for
ROW_KEY_BYTES = 16
_AEAD_INFO = b"campaign-desk data key: aes-256-gcm"
_PLACE_PREFIX = b"campaign-desk/v2\x00"
_NONCE_AT = 1 + KEY_ID_BYTES
_BODY_AT = _NONCE_AT + NONCE_BYTES


def new_row_key() -> bytes:
    return os.urandom(ROW_KEY_BYTES)


def _place(table: str, column: str, row_key: bytes) -> bytes:
    """The associated data of a value: names never hold NUL, and the row key, of fixed length,
    comes last, so no two places share an encoding."""
    return _PLACE_PREFIX + table.encode() + b"\x00" + column.encode() + b"\x00" + row_key


@dataclass(frozen=True)
class _Keys:
    first_id: bytes
    aead: dict[bytes, AESGCM]  # by key id
    material: dict[bytes, bytes]  # the AES keys themselves, by key id, from which files' keys derive
    fernet: MultiFernet  # for values written before the AES-GCM format

    def seal(
        self, table: str, column: str, row_key: bytes, plaintext: str, nonce: bytes | None = None
    ) -> bytes:
        nonce = nonce or os.urandom(NONCE_BYTES)
        sealed = self.aead[self.first_id].encrypt(nonce, plaintext.encode(), _place(table, column, row_key))
        return BOUND + self.first_id + nonce + sealed

    def open(self, table: str, column: str, row_key: bytes | None, token: bytes | None) -> str | None:
        """The plaintext of a value read from `table.column` of the row whose key is `row_key`.

        A row with a key holds only BOUND values (it got its key when all of them were sealed);
        a row without one holds only older values, which name no place."""
        if token is None:
            return None
        token = bytes(token)
        try:
            if row_key is None and token[:1] != BOUND:
                return self._open_unbound(token)
            cipher = self.aead.get(token[1:_NONCE_AT])
            if row_key is None or token[:1] != BOUND or cipher is None:
                raise InvalidTag
            nonce, body = token[_NONCE_AT:_BODY_AT], token[_BODY_AT:]
            return cipher.decrypt(nonce, body, _place(table, column, row_key)).decode()
        except (InvalidToken, InvalidTag) as error:
            raise ValueError(
                f"{table}.{column} cannot be decrypted: the value was not written in this place "
                "(copied from another row or column), or the configured DATA_KEYS lack its key"
            ) from error

    def _open_unbound(self, token: bytes) -> str:
        if token[:1] != UNBOUND:
            return self.fernet.decrypt(token).decode()
        cipher = self.aead.get(token[1:_NONCE_AT])
        if cipher is None:
            raise InvalidTag
        return cipher.decrypt(token[_NONCE_AT:_BODY_AT], token[_BODY_AT:], None).decode()

    def is_current(self, token: bytes | None) -> bool:
        return token is None or bytes(token[:_NONCE_AT]) == BOUND + self.first_id


def _aead_key(fernet_key: str) -> bytes:
    """Each DATA_KEYS entry (a Fernet key, so existing settings keep working) yields its AES key."""
    material = base64.urlsafe_b64decode(fernet_key)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_AEAD_INFO).derive(material)


@functools.lru_cache(maxsize=8)
def _keys_for(setting: str) -> _Keys:
    entries = [entry.strip() for entry in setting.split(",") if entry.strip()]
    aead_keys = [_aead_key(entry) for entry in entries]
    ids = [hashlib.sha256(key).digest()[:KEY_ID_BYTES] for key in aead_keys]
    return _Keys(
        first_id=ids[0],
        aead={key_id: AESGCM(key) for key_id, key in zip(ids, aead_keys, strict=True)},
        material=dict(zip(ids, aead_keys, strict=True)),
        fernet=MultiFernet([Fernet(entry) for entry in entries]),
    )


def _keys() -> _Keys:
    return _keys_for(current_app.config["DATA_KEYS"])


def data_key(key_id: bytes | None = None) -> tuple[bytes, bytes] | None:
    """(id, AES key) of the first data key, or of the key with `key_id` (None if DATA_KEYS lacks
    it): for formats built on the same keys elsewhere (core/sealed_files.py)."""
    keys = _keys()
    key_id = keys.first_id if key_id is None else key_id
    material = keys.material.get(key_id)
    return None if material is None else (key_id, material)


def seal(table: str, column: str, row_key: bytes, plaintext: str | None) -> bytes | None:
    """`plaintext` encrypted under the first key, bound to its place (for Core statements)."""
    return None if plaintext is None else _keys().seal(table, column, row_key, plaintext)


def open_sealed(table: str, column: str, row_key: bytes | None, token: bytes | None) -> str | None:
    return _keys().open(table, column, row_key, token)


def decryptor() -> Callable[[str, str, bytes | None, bytes | None], str | None]:
    """`open_sealed` with the keys looked up once, for loops over many rows (a million-row export)."""
    return _keys().open


def column_decryptor(table: str, column: str) -> Callable[[bytes | None, bytes | None], str | None]:
    """`open_sealed` for one column: (row key, token) -> plaintext, for loops over many rows (a
    million-row export). A value sealed under the first key in the BOUND format, nearly all of
    them, is opened here with its column's part of the associated data worked out once: ~0.7 µs
    a value where `open_sealed` takes ~1.1 µs (AES-GCM itself ~0.6). Any other (none, an older
    format or key, one that fails) takes the long way, which opens it or raises as
    `open_sealed` does. Tokens as bytes, which psycopg and sqlite3 give."""
    keys = _keys()
    current, cipher = BOUND + keys.first_id, keys.aead[keys.first_id]
    column_place = _place(table, column, b"")

    def open_value(row_key: bytes | None, token: bytes | None) -> str | None:
        if token is not None and row_key is not None and token.startswith(current):
            try:
                return cipher.decrypt(
                    token[_NONCE_AT:_BODY_AT], token[_BODY_AT:], column_place + row_key
                ).decode()
            except InvalidTag:
                pass  # the long way raises the error that names the column
        return keys.open(table, column, row_key, token)

    return open_value


def keyed_hash(value: str, key_name: str = "BLIND_INDEX_KEY") -> str:
    key = current_app.config[key_name].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


@functools.lru_cache(maxsize=1024)
def _coalition_key(key: str, coalition_id: int) -> bytes:
    return hmac.new(key.encode(), b"coalition:%d" % coalition_id, hashlib.sha256).digest()


def email_blind_index(address: str, *, coalition_id: int) -> str:
    """The keyed hash that finds this address in one coalition's rows.

    Each coalition has its own key (derived from BLIND_INDEX_KEY), so the same person's rows in
    two coalitions carry unrelated values: a database dump cannot join them.
    """
    key = _coalition_key(current_app.config["BLIND_INDEX_KEY"], coalition_id)
    return hmac.new(key, canonical_email(address).encode(), hashlib.sha256).hexdigest()


class Sealed:
    """An encrypted text attribute of a `SealedRow` model; Python code sees plain strings.

    `email = Sealed()` maps the private attribute `_email` to the binary column "email" and
    makes `email` a synonym of it that reads and writes through this descriptor, sealed with the
    row's key. On the class, `Model.email` is the column as stored (for `IS NULL`, DML and raw
    reads, which `decryptor` opens), and a select's row names it `email`. A TypeDecorator would
    be less code, but it never sees the row its value belongs to. Decrypting on each read keeps
    plaintext out of the session's state, which compares and flushes ciphertext only. Statements
    that bypass objects (Core inserts, ORM bulk inserts of dicts) pass `seal`ed values and a
    `new_row_key()` themselves, under the table's column names.
    """

    def __init__(self, *, nullable: bool = True):
        self.nullable = nullable

    def __set_name__(self, owner, name: str) -> None:
        # Runs before the declarative mapping reads the class, so `_<name>` is mapped with it.
        self.table, self.column, self.attribute = owner.__tablename__, name, f"_{name}"
        setattr(owner, self.attribute, mapped_column(name, LargeBinary, nullable=self.nullable))
        setattr(owner, name, synonym(self.attribute, descriptor=self))
        owner.sealed_columns = (*owner.__dict__.get("sealed_columns", ()), name)

    def __get__(self, row, owner=None):
        if row is None:
            return self
        return _keys().open(self.table, self.column, row.row_key, getattr(row, self.attribute))

    def __set__(self, row, value: str | None) -> None:
        if row.row_key is None:
            row.give_row_key()
        elif self._holds(row, value):
            return  # a new nonce would write the row for nothing
        setattr(row, self.attribute, seal(self.table, self.column, row.row_key, value))

    def _holds(self, row, value: str | None) -> bool:
        token = getattr(row, self.attribute)
        if value is None or token is None:
            return value is token
        try:
            return self.__get__(row) == value
        except ValueError:  # a value that no longer decrypts can still be replaced (or erased)
            return False


class SealedRow:
    """A model with `Sealed` attributes: each row has a random key that binds its ciphertexts to it.

    The key is made in Python, never derived from the id, because a row's values are sealed
    before the INSERT gives it an id (and the Core inserts of the signing path have none)."""

    sealed_columns: tuple[str, ...] = ()
    # NULL in a row written before December 2026: its values are older formats, which name no
    # place; its first write, or `flask crypto rotate`, gives it a key and seals them all.
    row_key: Mapped[bytes | None] = mapped_column(LargeBinary(ROW_KEY_BYTES), default=new_row_key)

    def give_row_key(self) -> None:
        plaintexts = {name: getattr(self, name) for name in self.sealed_columns}
        self.row_key = new_row_key()
        for name, plaintext in plaintexts.items():
            setattr(self, f"_{name}", seal(self.__tablename__, name, self.row_key, plaintext))


RESEAL_PASSES = 5


@dataclass
class Resealed:
    rewritten: int = 0
    # Ids of rows a value of which no key opens: a set, since every row of every pass is looked
    # up in it, and after a key is lost too early it holds most of the table.
    unreadable: set[int] = field(default_factory=set)


def reseal(model: type[SealedRow], batch_size: int = 1000) -> Resealed:
    """Seal every value of the model's table under the first key and the BOUND format, giving
    rows without a key one; commits per batch of rows, by id. Rows written by the app meanwhile
    are left to the next pass, which runs until one finds nothing left (a row whose one column
    the app changed still holds its other columns under the old key). A row with a value that no
    key opens is skipped and reported, not allowed to stop the rest."""
    resealed = Resealed()
    for _ in range(RESEAL_PASSES):
        stale = _reseal_pass(model, batch_size, resealed)
        resealed.rewritten += stale
        if not stale:
            return resealed
    raise RuntimeError(f"{model.__tablename__}: rows kept changing for {RESEAL_PASSES} passes; run it again")


def _reseal_pass(model: type[SealedRow], batch_size: int, resealed: Resealed) -> int:
    table, names = model.__table__, model.sealed_columns
    keys, rewritten, last_id = _keys(), 0, 0
    columns = (*names, "row_key")
    statement = (
        update(table)
        # Only if unchanged since read: a row the app wrote meanwhile waits for the next pass.
        .where(
            table.c.id == bindparam("row_id"),
            *(table.c[name].is_not_distinct_from(bindparam(f"old_{name}")) for name in columns),
        )
        .values({name: bindparam(f"new_{name}") for name in columns})
    )
    while rows := db.session.execute(
        select(table.c.id, table.c.row_key, *(table.c[name] for name in names))
        .where(table.c.id > last_id)
        .order_by(table.c.id)
        .limit(batch_size)
    ).all():
        last_id = rows[-1].id
        changes = []
        for row in rows:
            tokens = {name: getattr(row, name) for name in names}
            if row.id in resealed.unreadable or (
                row.row_key is not None and all(map(keys.is_current, tokens.values()))
            ):
                continue
            try:
                changes.append(_resealed_row(keys, table.name, row, tokens))
            except ValueError:
                resealed.unreadable.add(row.id)
        if changes:
            db.session.execute(statement, changes)
        db.session.commit()
        rewritten += len(changes)
    return rewritten


def _resealed_row(keys: _Keys, table: str, row, tokens: dict) -> dict:
    row_key = row.row_key or new_row_key()
    change = {"row_id": row.id, "old_row_key": row.row_key, "new_row_key": row_key}
    change |= {f"old_{name}": token for name, token in tokens.items()}
    for name, token in tokens.items():
        plaintext = keys.open(table, name, row.row_key, token)
        change[f"new_{name}"] = None if plaintext is None else keys.seal(table, name, row_key, plaintext)
    return change


def sealed_models() -> list[type[SealedRow]]:
    models = (mapper.class_ for mapper in db.Model.registry.mappers)
    return sorted(
        (model for model in models if issubclass(model, SealedRow)), key=lambda model: model.__tablename__
    )
