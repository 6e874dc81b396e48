"""Signed, expiring tokens for the links in account emails."""

from flask import current_app
from itsdangerous import URLSafeTimedSerializer

from campaign.accounts.models import User

VERIFY_SALT = "accounts.verify-email"
RESET_SALT = "accounts.reset-password"


def serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def verification_token(user: User) -> str:
    return serializer(VERIFY_SALT).dumps({"user": user.id, "email": user.email})


def reset_token(user: User) -> str:
    # The password hash's tail makes the token single-use: it changes with the password.
    return serializer(RESET_SALT).dumps({"user": user.id, "password": user.password_hash[-16:]})
