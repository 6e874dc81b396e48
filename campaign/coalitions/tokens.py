"""Signed, expiring tokens for the invitation links sent to member organizations."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from campaign.coalitions.models import Membership
from campaign.extensions import db

INVITATION_SALT = "coalitions.invitation"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def invitation_token(membership: Membership) -> str:
    return _serializer().dumps({"membership": membership.id, "key": membership.invitation_key})


def membership_for_token(token: str) -> Membership | None:
    """The membership a link is for, or None if the link is forged, expired or superseded."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["INVITATION_MAX_AGE_DAYS"] * 86400)
    except BadSignature:
        return None
    membership = db.session.get(Membership, data.get("membership"))
    if membership is None or membership.invitation_key != data.get("key"):
        return None
    return membership
