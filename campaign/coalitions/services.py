"""Coalition rules: creating coalitions, inviting and removing members, the organizer team."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from campaign.accounts.models import User
from campaign.accounts.services import normalize_email
from campaign.coalitions import tasks
from campaign.coalitions.models import (
    Coalition,
    CoalitionRole,
    Membership,
    MembershipStatus,
    Role,
    TeamInvitation,
)
from campaign.core import outbox
from campaign.core.outbox import utcnow
from campaign.core.slugs import unique_slug
from campaign.extensions import db
from campaign.organizations.models import SECTOR_LABELS, Organization
from campaign.organizations.services import (
    create_organization,
    find_matches,
    kept_record,
    organization_linked,
)

# Each later feature appends a function: given coalition ids, its number of campaigns per id
# (ids without campaigns may be left out). The dashboard shows the sum of them all.
CAMPAIGN_COUNTERS: list[Callable[[list[int]], dict[int, int]]] = []

# Slugs that would collide with fixed paths under /coalitions/.
RESERVED_SLUGS = frozenset({"new"})
CURRENT_STATUSES = (MembershipStatus.INVITED, MembershipStatus.ACTIVE)


class RuleError(ValueError):
    """A request the coalition's rules refuse; the message is shown to the organizer."""


class AlreadyMember(RuleError):
    pass


# -- coalitions ----------------------------------------------------------------------------


def create_coalition(creator: User, name: str, description: str = "", region: str = "", **extra) -> Coalition:
    """A new coalition, owned by its creator."""
    coalition = Coalition(
        name=name.strip(),
        description=description.strip(),
        region=region.strip(),
        slug=unique_slug(name, Coalition.slug, "coalition", RESERVED_SLUGS),
        **extra,
    )
    coalition.roles.append(CoalitionRole(user=creator, role=Role.OWNER))
    db.session.add(coalition)
    db.session.flush()
    return coalition


def campaign_counts(coalition_ids: list[int]) -> dict[int, int]:
    totals = dict.fromkeys(coalition_ids, 0)
    for counter in CAMPAIGN_COUNTERS:
        for coalition_id, count in counter(coalition_ids).items():
            totals[coalition_id] = totals.get(coalition_id, 0) + count
    return totals


def active_member_counts(coalition_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Membership.coalition_id, func.count())
        .where(Membership.coalition_id.in_(coalition_ids), Membership.status == MembershipStatus.ACTIVE)
        .group_by(Membership.coalition_id)
    )
    return dict.fromkeys(coalition_ids, 0) | dict(rows.all())


@dataclass
class DashboardRow:
    coalition: Coalition
    role: Role
    active_members: int
    campaigns: int


def dashboard_rows(user: User) -> list[DashboardRow]:
    pairs = db.session.execute(
        select(Coalition, CoalitionRole.role)
        .join(CoalitionRole)
        .where(CoalitionRole.user_id == user.id)
        .order_by(Coalition.name)
    ).all()
    ids = [coalition.id for coalition, _ in pairs]
    members, campaigns = active_member_counts(ids), campaign_counts(ids)
    return [DashboardRow(c, role, members[c.id], campaigns[c.id]) for c, role in pairs]


# -- member organizations ------------------------------------------------------------------


def organizers(coalition_id: int) -> list[User]:
    """The accounts that run the coalition's campaigns (organizers, admins, owners): who is told
    of milestones and of events proposed by members."""
    return list(
        db.session.scalars(
            select(User)
            .join(CoalitionRole, CoalitionRole.user_id == User.id)
            .where(CoalitionRole.coalition_id == coalition_id, CoalitionRole.role >= Role.ORGANIZER)
        )
    )


def member_organizations(coalition_id: int, statuses=(MembershipStatus.ACTIVE,)) -> list[Organization]:
    """The coalition's member organizations (active ones unless told), by name."""
    return list(
        db.session.scalars(
            select(Organization)
            .join(Membership, Membership.organization_id == Organization.id)
            .where(Membership.coalition_id == coalition_id, Membership.status.in_(statuses))
            .order_by(Organization.name)
        )
    )


def members_by_sector(coalition_id: int) -> list[tuple[str, list[Organization]]]:
    """Active members grouped under their sector's label, sectors in their usual order."""
    organizations = member_organizations(coalition_id)
    groups = [
        (label, [o for o in organizations if o.sector == sector]) for sector, label in SECTOR_LABELS.items()
    ]
    return [(label, group) for label, group in groups if group]


def memberships(coalition_id: int) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(Organization, Membership.organization_id == Organization.id)
            .where(Membership.coalition_id == coalition_id)
            .order_by(Organization.name)
        )
    )


def invite(
    coalition: Coalition,
    inviter: User,
    *,
    contact_email: str,
    organization: Organization | None = None,
    name: str = "",
    profile: dict | None = None,
    message: str = "",
    locale: str | None = None,
) -> Membership:
    """Invite `organization` (or a new one made from `name` and `profile`) and queue the email.

    An organization invited before gets the same membership row back with a fresh link;
    one that is already an active member raises AlreadyMember.
    """
    organization = kept_record(organization) if organization else create_organization(name, **(profile or {}))
    membership = db.session.scalar(
        select(Membership).where(
            Membership.coalition_id == coalition.id, Membership.organization_id == organization.id
        )
    )
    if membership and membership.status == MembershipStatus.ACTIVE:
        raise AlreadyMember(_l("%(name)s is already a member of this coalition.", name=organization.name))
    if membership is None:
        membership = Membership(coalition=coalition, organization=organization)
        db.session.add(membership)
    membership.status = MembershipStatus.INVITED
    membership.contact_email = contact_email.strip()
    membership.invitation_message = message.strip() or None
    membership.invitation_locale = locale
    membership.invited_by = inviter
    membership.invited_at, membership.responded_at = utcnow(), None
    send_invitation(membership)
    return membership


def send_invitation(membership: Membership) -> None:
    """Queue the invitation email; a new key makes earlier links to this membership stop working."""
    membership.invitation_key = secrets.token_urlsafe(12)
    db.session.flush()
    outbox.enqueue(tasks.send_invitation, membership_id=membership.id)


def _respond(membership: Membership, allowed_from: tuple, status: MembershipStatus) -> bool:
    if membership.status not in allowed_from:
        return False
    membership.status, membership.responded_at = status, utcnow()
    db.session.flush()
    return True


def accept(membership: Membership) -> bool:
    """True if accepted; an organization that declined may still change its mind."""
    return _respond(
        membership, (MembershipStatus.INVITED, MembershipStatus.DECLINED), MembershipStatus.ACTIVE
    )


def decline(membership: Membership) -> bool:
    return _respond(membership, (MembershipStatus.INVITED,), MembershipStatus.DECLINED)


def leave(membership: Membership) -> bool:
    return _respond(membership, (MembershipStatus.ACTIVE,), MembershipStatus.LEFT)


def remove_member(membership: Membership) -> bool:
    return _respond(membership, CURRENT_STATUSES, MembershipStatus.REMOVED)


# Which membership wins when two records of one organization were both in a coalition.
_STATUS_RANK = [
    MembershipStatus.REMOVED,
    MembershipStatus.DECLINED,
    MembershipStatus.LEFT,
    MembershipStatus.INVITED,
    MembershipStatus.ACTIVE,
]


@organization_linked.connect
def move_memberships(kept: Organization, duplicate: Organization, **extra) -> None:
    """A linked duplicate's memberships become the kept organization's, one per coalition."""
    kept_rows = {
        m.coalition_id: m
        for m in db.session.scalars(select(Membership).where(Membership.organization_id == kept.id))
    }
    for moving in db.session.scalars(
        select(Membership).where(Membership.organization_id == duplicate.id)
    ).all():
        staying = kept_rows.get(moving.coalition_id)
        if staying is None:
            moving.organization = kept
            continue
        if _STATUS_RANK.index(moving.status) > _STATUS_RANK.index(staying.status):
            for column in ("status", "contact_email", "invitation_key", "invited_at", "responded_at"):
                setattr(staying, column, getattr(moving, column))
        db.session.delete(moving)
    db.session.flush()


def link_candidates(coalition_id: int, organization: Organization) -> list[Organization]:
    """Records an admin may link into `organization`: this coalition's members and name matches."""
    candidates = member_organizations(coalition_id, statuses=tuple(MembershipStatus)) + find_matches(
        organization.name
    )
    unique = {o.id: o for o in candidates if o.id != organization.id and o.merged_into_id is None}
    return sorted(unique.values(), key=lambda o: o.name.lower())


# -- the organizer team --------------------------------------------------------------------

LAST_OWNER = _l("A coalition needs at least one owner. Make someone else an owner first.")
OWNERS_ONLY = _l("Only an owner can make someone an owner or change an owner's role.")


def team(coalition_id: int) -> list[CoalitionRole]:
    return list(
        db.session.scalars(
            select(CoalitionRole)
            .join(User, CoalitionRole.user_id == User.id)
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
        raise RuleError(_l("%(email)s is already on this coalition's team.", email=email))
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
    cutoff = utcnow() - timedelta(seconds=current_app.config["TEAM_INVITATION_MAX_AGE"])
    return list(
        db.session.scalars(
            select(TeamInvitation)
            .where(
                TeamInvitation.coalition_id == coalition_id,
                TeamInvitation.accepted_at.is_(None),
                TeamInvitation.created_at >= cutoff,
            )
            .order_by(TeamInvitation.created_at.desc())
        )
    )


def revoke_team_invitation(invitation: TeamInvitation) -> None:
    db.session.delete(invitation)
    db.session.flush()


def accept_team_invitation(invitation: TeamInvitation, user: User) -> CoalitionRole:
    """Give `user` the invited role; only the account whose address was invited may.

    Someone already on the team keeps their role: an invitation never lowers or raises it.
    """
    if user.email != invitation.email:
        raise RuleError(
            _l(
                "This invitation was sent to another email address. Log out, then log in or sign "
                "up with the address it was sent to."
            )
        )
    invitation.accepted_at = utcnow()
    teammate = db.session.scalar(
        select(CoalitionRole).where(
            CoalitionRole.coalition_id == invitation.coalition_id, CoalitionRole.user_id == user.id
        )
    )
    if teammate is None:
        teammate = CoalitionRole(coalition_id=invitation.coalition_id, user=user, role=invitation.role)
        db.session.add(teammate)
    db.session.flush()
    return teammate


def change_role(actor_role: Role, teammate: CoalitionRole, role: Role) -> None:
    if Role.OWNER in (role, teammate.role) and actor_role != Role.OWNER and role != teammate.role:
        raise RuleError(OWNERS_ONLY)
    if teammate.role == Role.OWNER and role != Role.OWNER and _owner_count(teammate.coalition_id) <= 1:
        raise RuleError(LAST_OWNER)
    teammate.role = role
    db.session.flush()


def remove_teammate(actor_role: Role, teammate: CoalitionRole) -> None:
    if teammate.role == Role.OWNER and actor_role != Role.OWNER:
        raise RuleError(OWNERS_ONLY)
    if teammate.role == Role.OWNER and _owner_count(teammate.coalition_id) <= 1:
        raise RuleError(LAST_OWNER)
    db.session.delete(teammate)
    db.session.flush()
