"""Coalition rules: creating coalitions, inviting and removing members, the organizer team."""

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from campaign.accounts.models import User
from campaign.coalitions import tasks
from campaign.coalitions.models import (
    Coalition,
    CoalitionRole,
    Membership,
    MembershipStatus,
    Role,
)
from campaign.core import outbox
from campaign.core.crypto import canonical_email
from campaign.core.outbox import utcnow
from campaign.core.slugs import unique_slug
from campaign.extensions import db
from campaign.organizations.models import SECTOR_LABELS, Organization
from campaign.organizations.services import (
    LinkError,
    create_organization,
    find_matches,
    kept_record,
    link_duplicate,
    organization_linked,
    update_organization,
)

# Each later feature whose rows tie an organization to a coalition (a signature on a letter)
# appends a function: given organization ids, the (organization id, coalition id) pairs of its rows.
ORGANIZATION_USERS: list[Callable[[list[int]], Iterable[tuple[int, int]]]] = []

# Mail providers anyone can open a box at: a contact address there proves nothing about an
# organization, so its domain is never proposed for trust. Providers with a domain in many
# countries (hotmail.es, yahoo.com.mx, mail.yahoo.co.jp) are known by a label of their domain;
# others by their whole domain or a subdomain of it. "mail" is no such label: an organization's
# own mail.aclu.example is its own.
FREE_MAIL_PROVIDERS = frozenset(
    {
        "aol",
        "fastmail",
        "gmail",
        "gmx",
        "googlemail",
        "hotmail",
        "icloud",
        "live",
        "msn",
        "outlook",
        "proton",
        "protonmail",
        "rocketmail",
        "tutanota",
        "tuta",
        "yahoo",
        "yandex",
        "ymail",
        "zoho",
    }
)
FREE_MAIL_DOMAINS = frozenset(
    {
        "126.com",
        "163.com",
        "att.net",
        "bellsouth.net",
        "charter.net",
        "comcast.net",
        "cox.net",
        "duck.com",
        "earthlink.net",
        "hey.com",
        "hushmail.com",
        "inbox.com",
        "lycos.com",
        "mac.com",
        "mail.com",
        "mail.ru",
        "mailbox.org",
        "me.com",
        "naver.com",
        "optonline.net",
        "pm.me",
        "posteo.de",
        "qq.com",
        "riseup.net",
        "sbcglobal.net",
        "verizon.net",
        "web.de",
    }
)


def is_free_mail(domain: str) -> bool:
    domain = domain.strip().lower().rstrip(".")
    labels = domain.split(".")
    whole_or_parent = {".".join(labels[start:]) for start in range(len(labels) - 1)}
    if whole_or_parent & FREE_MAIL_DOMAINS:
        return True
    return any(label in FREE_MAIL_PROVIDERS for label in labels[:-1])  # not the top-level domain


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


def active_member_counts(coalition_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Membership.coalition_id, func.count())
        .where(Membership.coalition_id.in_(coalition_ids), Membership.status == MembershipStatus.ACTIVE)
        .group_by(Membership.coalition_id)
    )
    return dict.fromkeys(coalition_ids, 0) | dict(rows.all())


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


@dataclass(frozen=True)
class Member:
    """A member organization as one coalition shows it: its own name, the shared profile's rest."""

    organization: Organization
    name: str

    def __getattr__(self, attribute: str):
        if attribute == "organization":  # not set yet (a copy being made): no recursion
            raise AttributeError(attribute)
        return getattr(self.organization, attribute)


def _shown_name():
    return func.coalesce(Membership.display_name, Organization.name)


def member_organizations(coalition_id: int, statuses=(MembershipStatus.ACTIVE,)) -> list[Member]:
    """The coalition's member organizations (active ones unless told), by the name it shows."""
    rows = db.session.execute(
        select(Organization, _shown_name())
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.coalition_id == coalition_id, Membership.status.in_(statuses))
        .order_by(_shown_name())
    )
    return [Member(organization, name) for organization, name in rows]


def members_by_sector(coalition_id: int) -> list[tuple[str, list[Member]]]:
    """Active members grouped under their sector's label, sectors in their usual order."""
    members = member_organizations(coalition_id)
    groups = [(label, [m for m in members if m.sector == sector]) for sector, label in SECTOR_LABELS.items()]
    return [(label, group) for label, group in groups if group]


def memberships(coalition_id: int) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(Organization, Membership.organization_id == Organization.id)
            .options(contains_eager(Membership.organization))  # the page shows each one's profile
            .where(Membership.coalition_id == coalition_id)
            .order_by(_shown_name())
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
    if organization:
        organization = kept_record(organization)
    else:
        organization = create_organization(name, owner_coalition_id=coalition.id, **(profile or {}))
    membership = db.session.scalar(
        select(Membership).where(
            Membership.coalition_id == coalition.id, Membership.organization_id == organization.id
        )
    )
    if membership and membership.status == MembershipStatus.ACTIVE:
        raise AlreadyMember(_l("%(name)s is already a member of this coalition.", name=membership.name))
    if membership is None:
        membership = Membership(coalition=coalition, organization=organization)
        db.session.add(membership)
    membership.status = MembershipStatus.INVITED
    membership.contact_email, membership.contact_erased_at = contact_email.strip(), None
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
    """True if accepted; an organization that declined may still change its mind.

    The link reached the contact address, so its domain is proposed to the coalition's
    organizers, who trust it or not (trust_domain): a domain anyone can have a box at must never
    approve sign-ons by itself.
    """
    accepted = _respond(
        membership, (MembershipStatus.INVITED, MembershipStatus.DECLINED), MembershipStatus.ACTIVE
    )
    if accepted:
        domain = _organization_domain(membership.contact_email or "")
        if domain != membership.verified_domain:
            membership.proposed_domain = domain
        db.session.flush()
    return accepted


def _organization_domain(email: str) -> str | None:
    domain = email.rpartition("@")[2].strip().lower()
    return domain if domain and not is_free_mail(domain) else None


def trust_domain(membership: Membership) -> bool:
    """An organizer confirms the proposed domain: this coalition's letters may approve at once
    the sign-ons from addresses there. False, and the proposal dropped, for a mail provider's
    domain (one proposed before the provider was known as one): nothing is trusted then."""
    domain = membership.proposed_domain
    if not domain:
        return False
    membership.proposed_domain = None
    if not is_free_mail(domain):
        membership.verified_domain = domain
    db.session.flush()
    return membership.verified_domain == domain


def dismiss_domain(membership: Membership) -> None:
    membership.proposed_domain = None
    db.session.flush()


def verified_domains(coalition_id: int, organization_id: int) -> list[str]:
    """The domains this coalition's organizers trust for an active member."""
    return list(
        db.session.scalars(
            select(Membership.verified_domain).where(
                Membership.coalition_id == coalition_id,
                Membership.organization_id == organization_id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.verified_domain.is_not(None),
            )
        )
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
            for column in (
                "status",
                "contact_email",
                "verified_domain",
                "proposed_domain",
                "invitation_key",
                "invited_at",
                "responded_at",
            ):
                setattr(staying, column, getattr(moving, column))
        db.session.delete(moving)
    db.session.flush()


def coalitions_using(organization_ids: list[int]) -> dict[int, set[int]]:
    """Per record, the coalitions whose memberships (in any status) or later features' rows name it."""
    users = {organization_id: set() for organization_id in organization_ids}
    pairs = db.session.execute(
        select(Membership.organization_id, Membership.coalition_id).where(
            Membership.organization_id.in_(organization_ids)
        )
    ).all()
    for more_pairs in ORGANIZATION_USERS:
        pairs.extend(more_pairs(organization_ids))
    for organization_id, coalition_id in pairs:
        users[organization_id].add(coalition_id)
    return users


def used_by_another_coalition(organization_id: int, coalition_id: int) -> bool:
    return bool(coalitions_using([organization_id])[organization_id] - {coalition_id})


def can_edit_profile(organization: Organization, coalition_id: int) -> bool:
    """The shared profile is the creator coalition's to change while no other coalition uses it;
    any other coalition changes only its own name for the member (rename_member)."""
    return organization.owner_coalition_id == coalition_id and not used_by_another_coalition(
        organization.id, coalition_id
    )


def save_profile(membership: Membership, name: str, profile: dict) -> None:
    update_organization(membership.organization, name, **profile)
    membership.display_name = None  # the coalition shows the profile's name, just saved
    db.session.flush()


def rename_member(membership: Membership, name: str) -> None:
    name = " ".join(name.split())
    membership.display_name = None if name == membership.organization.name else name
    db.session.flush()


@dataclass
class LinkChoices:
    """What an admin may link into a member's record: nothing when another coalition uses it."""

    shared: bool
    candidates: list[Organization]


def link_choices(coalition_id: int, organization: Organization) -> LinkChoices:
    """Records an admin may link into `organization`: this coalition's members and name matches,
    when neither they nor `organization` is used by another coalition (linking moves every row of
    the duplicate, and its name becomes an alias that matches signers to `organization`)."""
    candidates = [
        m.organization for m in member_organizations(coalition_id, statuses=tuple(MembershipStatus))
    ]
    unique = {
        o.id: o
        for o in candidates + find_matches(organization.name)
        if o.id != organization.id and o.merged_into_id is None
    }
    users = coalitions_using([organization.id, *unique])
    if users[organization.id] - {coalition_id}:
        return LinkChoices(shared=True, candidates=[])
    free = [o for o in unique.values() if users[o.id] <= {coalition_id}]
    return LinkChoices(shared=False, candidates=sorted(free, key=lambda o: o.name.lower()))


def link_records(coalition_id: int, kept: Organization, duplicate: Organization) -> None:
    """Link `duplicate` into `kept` for this coalition, if no other coalition uses either record."""
    users = coalitions_using([kept.id, duplicate.id])
    if (users[kept.id] | users[duplicate.id]) - {coalition_id}:
        raise LinkError(_l("Another coalition uses this record, so it cannot be linked from here."))
    # No other coalition uses `kept`, so its profile is this coalition's to fill if it created it.
    link_duplicate(kept, duplicate, fill_profile=kept.owner_coalition_id == coalition_id)


def forget_member_contact(address: str) -> list[Membership]:
    """Erasure: every membership whose contact is this address loses it (stored encrypted, so
    compared one by one), marked as erased for its organizers; returns them."""
    canonical = canonical_email(address)
    forgotten = [
        membership
        for membership in db.session.scalars(select(Membership).where(Membership.contact_email.is_not(None)))
        if canonical_email(membership.contact_email) == canonical
    ]
    for membership in forgotten:
        membership.contact_email, membership.contact_erased_at = None, utcnow()
    db.session.flush()
    return forgotten
