"""The organizer team: roles in a coalition, and invitations to join it sent by email."""

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import contains_eager

from campaign.accounts.models import User
from campaign.accounts.services import normalize_email
from campaign.coalitions import tasks
from campaign.coalitions.models import Coalition, CoalitionRole, Role, TeamInvitation
from campaign.coalitions.services import RuleError
from campaign.core import counters, outbox, upserts
from campaign.core.outbox import utcnow
from campaign.extensions import db

LAST_OWNER = _l("A coalition needs at least one owner. Make someone else an owner first.")
OWNERS_ONLY = _l("Only an owner can make someone an owner or change an owner’s role.")
INVITER_GONE = _l(
    "This invitation is no longer valid: the person who sent it can no longer give this role. "
    "Ask the coalition’s admins for a new one."
)


def team(coalition_id: int) -> list[CoalitionRole]:
    return list(
        db.session.scalars(
            select(CoalitionRole)
            .join(User, CoalitionRole.user_id == User.id)
            .options(contains_eager(CoalitionRole.user))  # the page shows each one's name and email
            .where(CoalitionRole.coalition_id == coalition_id)
            .order_by(CoalitionRole.role.desc(), User.name)
        )
    )


def _owner_count(coalition_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            CoalitionRole.coalition_id == coalition_id, CoalitionRole.role == Role.OWNER
        )
    )


def invite_teammate(
    coalition: Coalition, inviter: User, actor_role: Role, email: str, role: Role, locale: str | None
) -> TeamInvitation:
    """Email `email` an invitation to the team, whether or not an account uses it.

    Nothing here depends on whether the address has an account, so the admin cannot tell. A
    new invitation to an address already invited replaces the earlier one and its link.
    """
    if role == Role.OWNER and actor_role != Role.OWNER:
        raise RuleError(OWNERS_ONLY)
    email = normalize_email(email)
    # The team page lists its members' addresses already: saying so reveals nothing new.
    if db.session.scalar(
        select(User.name)
        .join(CoalitionRole, CoalitionRole.user_id == User.id)
        .where(CoalitionRole.coalition_id == coalition.id, User.email == email)
    ):
        raise RuleError(_l("%(email)s is already on this coalition’s team.", email=email))
    # Anyone can sign up and make a coalition: its invitations must not become a mail cannon.
    if not counters.hit(
        current_app.config["TEAM_INVITATIONS_PER_COALITION"], "team-invitations", str(coalition.id)
    ):
        raise RuleError(
            _l("This coalition has sent as many team invitations as it may today. Try again tomorrow.")
        )
    invitation = next(
        (pending for pending in pending_team_invitations(coalition.id) if pending.email == email), None
    ) or TeamInvitation(coalition=coalition, email=email)
    invitation.role, invitation.locale, invitation.invited_by = role, locale, inviter
    invitation.key, invitation.created_at = secrets.token_urlsafe(12), utcnow()
    db.session.add(invitation)
    db.session.flush()
    outbox.enqueue(tasks.send_team_invitation, invitation_id=invitation.id)
    return invitation


def pending_team_invitations(coalition_id: int) -> list[TeamInvitation]:
    """Invitations not yet accepted whose link still works, newest first."""
    cutoff = utcnow() - timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"])
    return list(
        db.session.scalars(
            select(TeamInvitation)
            .where(
                TeamInvitation.coalition_id == coalition_id,
                TeamInvitation.created_at >= cutoff,
            )
            .order_by(TeamInvitation.created_at.desc())
        )
    )


def revoke_team_invitation(invitation: TeamInvitation) -> None:
    db.session.delete(invitation)
    db.session.flush()


def _may_grant(inviter_role: Role | None, role: Role) -> bool:
    """Whether someone holding `inviter_role` may (still) hand out `role` by invitation."""
    return inviter_role is not None and inviter_role >= max(role, Role.ADMIN)


def _role_of(coalition_id: int, user_id: int | None) -> Role | None:
    return db.session.scalar(
        select(CoalitionRole.role).where(
            CoalitionRole.coalition_id == coalition_id, CoalitionRole.user_id == user_id
        )
    )


def accept_team_invitation(invitation: TeamInvitation, user: User) -> CoalitionRole:
    """Give `user` the invited role; only the account whose address was invited may, and only
    while the inviter still holds a role that may give it. The used invitation is deleted.

    Someone already on the team keeps their role: an invitation never lowers or raises it.
    """
    if user.email != invitation.email:
        raise RuleError(
            _l(
                "This invitation was sent to another email address. Log out, then log in or sign "
                "up with the address it was sent to."
            )
        )
    if not _may_grant(_role_of(invitation.coalition_id, invitation.invited_by_id), invitation.role):
        raise RuleError(INVITER_GONE)
    coalition_id, role = invitation.coalition_id, invitation.role
    # Claim the invitation first: a second click (or tab) waits here for the first to finish,
    # then claims nothing, and only the first gives the role.
    db.session.execute(delete(TeamInvitation).where(TeamInvitation.id == invitation.id))
    db.session.execute(
        upserts.insert(CoalitionRole)
        .values(coalition_id=coalition_id, user_id=user.id, role=role)
        .on_conflict_do_nothing(index_elements=["coalition_id", "user_id"])
    )
    return db.session.scalar(
        select(CoalitionRole).where(
            CoalitionRole.coalition_id == coalition_id, CoalitionRole.user_id == user.id
        )
    )


def _withdraw_invitations_sent_by(teammate: CoalitionRole, role: Role | None) -> None:
    """A teammate removed (`role` None) or demoted takes back the invitations they may no longer give."""
    for invitation in db.session.scalars(
        select(TeamInvitation).where(
            TeamInvitation.coalition_id == teammate.coalition_id,
            TeamInvitation.invited_by_id == teammate.user_id,
        )
    ):
        if not _may_grant(role, invitation.role):
            db.session.delete(invitation)


def forget_team_invitations(email: str) -> None:
    """Erasure: no coalition keeps an invitation to this address (stored encrypted, so compared
    one by one; invitations live INVITATION_MAX_AGE_DAYS at most)."""
    email = normalize_email(email)
    for invitation in db.session.scalars(select(TeamInvitation)):
        if invitation.email == email:
            db.session.delete(invitation)
    db.session.flush()


def change_role(actor_role: Role, teammate: CoalitionRole, role: Role) -> None:
    if Role.OWNER in (role, teammate.role) and actor_role != Role.OWNER and role != teammate.role:
        raise RuleError(OWNERS_ONLY)
    if teammate.role == Role.OWNER and role != Role.OWNER and _owner_count(teammate.coalition_id) <= 1:
        raise RuleError(LAST_OWNER)
    teammate.role = role
    _withdraw_invitations_sent_by(teammate, role)
    db.session.flush()


def remove_teammate(actor_role: Role, teammate: CoalitionRole) -> None:
    if teammate.role == Role.OWNER and actor_role != Role.OWNER:
        raise RuleError(OWNERS_ONLY)
    if teammate.role == Role.OWNER and _owner_count(teammate.coalition_id) <= 1:
        raise RuleError(LAST_OWNER)
    _withdraw_invitations_sent_by(teammate, None)
    db.session.delete(teammate)
    db.session.flush()
