"""Coalition emails, sent from the outbox."""

from datetime import timedelta

from celery import shared_task
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from campaign.coalitions.models import Membership, MembershipStatus, TeamInvitation
from campaign.coalitions.replies import reply_to_header
from campaign.coalitions.tokens import invitation_token, team_invitation_token
from campaign.core import counters
from campaign.core.mail import send_templated
from campaign.core.outbox import outbox_task, utcnow
from campaign.core.urls import external_url
from campaign.extensions import db


@outbox_task
def send_invitation(membership_id: int) -> None:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.status != MembershipStatus.INVITED or not membership.contact_email:
        return
    coalition = membership.coalition
    send_templated(
        "coalitions/emails/invitation",
        membership.contact_email,
        membership.invitation_locale,
        _l(
            "%(coalition)s invites %(organization)s to join",
            coalition=coalition.name,
            organization=membership.name,
        ),
        reply_to_header=reply_to_header(coalition),
        membership=membership,
        coalition=coalition,
        inviter=membership.invited_by,
        valid_days=current_app.config["INVITATION_MAX_AGE_DAYS"],
        link=external_url("coalitions.invitation", token=invitation_token(membership)),
    )


@outbox_task
def send_team_invitation(invitation_id: int) -> None:
    invitation = db.session.get(TeamInvitation, invitation_id)
    if invitation is None:
        return
    # Coalitions anyone can make, inviting one address, send it a few emails a day, not a flood.
    # Checked here, not on the form, so that the admin cannot tell from the answer.
    cap = (
        "team-invitation-email",
        counters.recipient_key(invitation.email),
        f"coalition:{invitation.coalition_id}",
    )
    if not counters.recipient_allows(*cap):
        return
    coalition = invitation.coalition
    send_templated(
        "coalitions/emails/team_invitation",
        invitation.email,
        invitation.locale,
        _l("Join the team of %(coalition)s on Campaign desk", coalition=coalition.name),
        reply_to_header=reply_to_header(coalition),
        invitation=invitation,
        coalition=coalition,
        inviter=invitation.invited_by,
        valid_days=current_app.config["INVITATION_MAX_AGE_DAYS"],
        link=external_url("coalitions.team_invitation", token=team_invitation_token(invitation)),
    )
    counters.recipient_sent(*cap)


@shared_task(name="campaign.coalitions.tasks.delete_old_team_invitations")
def delete_old_team_invitations() -> int:
    """Daily: invitations whose link has stopped working keep nobody's address."""
    cutoff = utcnow() - timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"])
    deleted = db.session.execute(delete(TeamInvitation).where(TeamInvitation.created_at < cutoff)).rowcount
    db.session.commit()
    return deleted
