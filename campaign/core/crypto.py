"""Encryption at rest for personal data, and keyed hashes (blind indexes) to find it again."""

import base64
import functools
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator

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


# Ciphertext written since November 2026: VERSION, the key's id, a random nonce, then AES-256-GCM
# output. AES-GCM decrypts a short value in under a microsecond where Fernet takes ~20 µs, which
# decides how long a million-signer export takes. Older values are Fernet tokens (their first
# byte is "g", never VERSION) and still decrypt until `rotate` rewrites them.
VERSION = b"\x01"
KEY_ID_BYTES = 4
NONCE_BYTES = 12  # random per value: safe far beyond the 2**32 values per key NIST allows for
_AEAD_INFO = b"campaign-desk data key: aes-256-gcm"
_NONCE_AT = 1 + KEY_ID_BYTES
_BODY_AT = _NONCE_AT + NONCE_BYTES


@dataclass(frozen=True)
class _Keys:
    first_id: bytes
    aead: dict[bytes, AESGCM]  # by key id
    fernet: MultiFernet  # for values written before the AES-GCM format

    def encrypt(self, plaintext: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return (
            VERSION
            + self.first_id
            + nonce
            + self.aead[self.first_id].encrypt(nonce, plaintext.encode(), None)
        )

    def decrypt(self, token: bytes) -> str:
        try:
            if token[:1] != VERSION:
                return self.fernet.decrypt(token).decode()
            cipher = self.aead.get(token[1:_NONCE_AT])
            if cipher is None:
                raise InvalidTag
            return cipher.decrypt(token[_NONCE_AT:_BODY_AT], token[_BODY_AT:], None).decode()
        except (InvalidToken, InvalidTag) as error:
            raise ValueError("personal data cannot be decrypted with the configured DATA_KEYS") from error


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
        fernet=MultiFernet([Fernet(entry) for entry in entries]),
    )


def _keys() -> _Keys:
    return _keys_for(current_app.config["DATA_KEYS"])


def encrypt(plaintext: str) -> bytes:
    return _keys().encrypt(plaintext)


def decrypt(token: bytes) -> str:
    return _keys().decrypt(token)


def decryptor() -> Callable[[bytes], str]:
    """`decrypt` with the keys looked up once, for loops over many rows (a million-row export)."""
    return _keys().decrypt


def rotate(token: bytes) -> bytes:
    """Re-encrypt under the first key (and the current format), so an old key can be retired."""
    return encrypt(decrypt(token))


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


class EncryptedText(TypeDecorator):
    """A text column stored encrypted (see `encrypt`); Python code sees plain strings."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(bytes(value))
