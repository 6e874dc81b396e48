"""Signed, expiring tokens for the erasure confirmation link."""

from flask import current_app
from itsdangerous import URLSafeTimedSerializer

ERASURE_SALT = "supporters.confirm-erasure"


def serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)
