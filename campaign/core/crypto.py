"""Encryption at rest for personal data, and keyed hashes (blind indexes) to find it again."""

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
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


def _fernet() -> MultiFernet:
    cache = current_app.extensions.setdefault("campaign_crypto", {})
    keys = current_app.config["DATA_KEYS"]
    if cache.get("keys") != keys:
        cache["keys"] = keys
        cache["fernet"] = MultiFernet([Fernet(k.strip()) for k in keys.split(",") if k.strip()])
    return cache["fernet"]


def encrypt(plaintext: str) -> bytes:
    return _fernet().encrypt(plaintext.encode())


def decrypt(token: bytes) -> str:
    try:
        return _fernet().decrypt(token).decode()
    except InvalidToken as error:
        raise ValueError("personal data cannot be decrypted with the configured DATA_KEYS") from error


def rotate(token: bytes) -> bytes:
    """Re-encrypt under the first key, so an old key can be retired."""
    return _fernet().rotate(token)


def keyed_hash(value: str, key_name: str = "BLIND_INDEX_KEY") -> str:
    key = current_app.config[key_name].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def email_blind_index(address: str) -> str:
    return keyed_hash(canonical_email(address))


class EncryptedText(TypeDecorator):
    """A text column stored as Fernet ciphertext; Python code sees plain strings."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(bytes(value))
