"""Encryption at rest for personal data, and keyed hashes (blind indexes) to find it again."""

import base64
import hashlib
import hmac
import os
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


@dataclass(frozen=True)
class _Keys:
    first_id: bytes
    aead: dict[bytes, AESGCM]  # by key id
    fernet: MultiFernet  # for values written before the AES-GCM format


def _aead_key(fernet_key: str) -> bytes:
    """Each DATA_KEYS entry (a Fernet key, so existing settings keep working) yields its AES key."""
    material = base64.urlsafe_b64decode(fernet_key)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_AEAD_INFO).derive(material)


def _keys() -> _Keys:
    cache = current_app.extensions.setdefault("campaign_crypto", {})
    setting = current_app.config["DATA_KEYS"]
    if cache.get("setting") != setting:
        entries = [entry.strip() for entry in setting.split(",") if entry.strip()]
        aead_keys = [_aead_key(entry) for entry in entries]
        ids = [hashlib.sha256(key).digest()[:KEY_ID_BYTES] for key in aead_keys]
        cache["setting"] = setting
        cache["keys"] = _Keys(
            first_id=ids[0],
            aead={key_id: AESGCM(key) for key_id, key in zip(ids, aead_keys, strict=True)},
            fernet=MultiFernet([Fernet(entry) for entry in entries]),
        )
    return cache["keys"]


def encrypt(plaintext: str) -> bytes:
    keys = _keys()
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + keys.first_id + nonce + keys.aead[keys.first_id].encrypt(nonce, plaintext.encode(), None)


def decrypt(token: bytes) -> str:
    keys = _keys()
    try:
        if token[:1] != VERSION:
            return keys.fernet.decrypt(token).decode()
        key_id, rest = token[1 : 1 + KEY_ID_BYTES], token[1 + KEY_ID_BYTES :]
        cipher = keys.aead.get(key_id)
        if cipher is None:
            raise InvalidTag
        return cipher.decrypt(rest[:NONCE_BYTES], rest[NONCE_BYTES:], None).decode()
    except (InvalidToken, InvalidTag) as error:
        raise ValueError("personal data cannot be decrypted with the configured DATA_KEYS") from error


def rotate(token: bytes) -> bytes:
    """Re-encrypt under the first key (and the current format), so an old key can be retired."""
    return encrypt(decrypt(token))


def keyed_hash(value: str, key_name: str = "BLIND_INDEX_KEY") -> str:
    key = current_app.config[key_name].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def email_blind_index(address: str) -> str:
    return keyed_hash(canonical_email(address))


class EncryptedText(TypeDecorator):
    """A text column stored encrypted (see `encrypt`); Python code sees plain strings."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(bytes(value))
