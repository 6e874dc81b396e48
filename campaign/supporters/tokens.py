"""Signed tokens for the links we email: erasure, and confirming a signature."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

ERASURE_SALT = "supporters.confirm-erasure"


def serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def loads_or_none(salt: str, token: str, max_age: int | None = None):
    """What `serializer(salt).dumps()` signed, or None for a forged, altered or expired token."""
    try:
        return serializer(salt).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is one too
        return None
