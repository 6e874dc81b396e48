"""Signed, expiring tokens for the invitation links sent to member organizations and teammates."""

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from campaign.coalitions.models import Membership, TeamInvitation
from campaign.core.outbox import utcnow
from campaign.extensions import db

INVITATION_SALT = "coalitions.invitation"


def _serializer(salt: str = INVITATION_SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


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


TEAM_INVITATION_SALT = "coalitions.team-invitation"


def team_invitation_token(invitation: TeamInvitation) -> str:
    return _serializer(TEAM_INVITATION_SALT).dumps({"invitation": invitation.id, "key": invitation.key})


def team_invitation_for_token(token: str) -> TeamInvitation | None:
    """The pending invitation a link is for, or None if forged, expired, superseded or used."""
    max_age = current_app.config["INVITATION_MAX_AGE_DAYS"] * 86400
    try:
        data = _serializer(TEAM_INVITATION_SALT).loads(token, max_age=max_age)
    except BadSignature:
        return None
    invitation = db.session.get(TeamInvitation, data.get("invitation"))
    if invitation is None or invitation.key != data.get("key"):
        return None
    if invitation.created_at < utcnow() - timedelta(seconds=max_age):
        return None
    return invitation
