"""Signed, expiring tokens for the links in account emails."""

from flask import current_app
from itsdangerous import URLSafeTimedSerializer

from campaign.accounts.models import User
from campaign.core.crypto import keyed_hash

VERIFY_SALT = "accounts.verify-email"
RESET_SALT = "accounts.reset-password"


def serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def verification_token(user: User) -> str:
    return serializer(VERIFY_SALT).dumps({"user": user.id, "email": user.email})


def password_stamp(user: User) -> str:
    """Changes whenever the password does, so a reset link works once. A keyed digest of the
    hash, not a part of it: the token's payload is readable by whoever holds the link."""
    return keyed_hash(f"{RESET_SALT}:{user.password_hash}", "SECRET_KEY")[:32]


def reset_token(user: User) -> str:
    return serializer(RESET_SALT).dumps({"user": user.id, "stamp": password_stamp(user)})
