"""Coalitions, the roles organizer accounts hold in them, and their member organizations."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.accounts.models import User
from campaign.core.columns import enum_column
from campaign.core.crypto import Sealed, SealedRow
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.organizations.models import Organization


class Role(enum.IntEnum):
    """Ordered: each role can do everything the roles below it can."""

    VIEWER = 10  # reads
    ORGANIZER = 20  # creates and runs campaigns
    ADMIN = 30  # manages members and roles
    OWNER = 40  # and can hand the coalition over


class Coalition(db.Model):
    __tablename__ = "coalition"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Where replies to the coalition's email go, set by an owner; None: its first owner's email,
    # looked up at each send (coalitions/replies.py).
    contact_email: Mapped[str | None] = mapped_column(String(254))

    roles: Mapped[list["CoalitionRole"]] = relationship(
        back_populates="coalition", cascade="all, delete-orphan"
    )
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="coalition", cascade="all, delete-orphan"
    )


class CoalitionRole(db.Model):
    __tablename__ = "coalition_role"
    __table_args__ = (UniqueConstraint("coalition_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    coalition: Mapped[Coalition] = relationship(back_populates="roles")
    user: Mapped[User] = relationship()


ROLE_LABELS = {
    Role.VIEWER: _l("Viewer"),
    Role.ORGANIZER: _l("Organizer"),
    Role.ADMIN: _l("Admin"),
    Role.OWNER: _l("Owner"),
}


class MembershipStatus(enum.StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DECLINED = "declined"
    LEFT = "left"
    REMOVED = "removed"


STATUS_LABELS = {
    MembershipStatus.INVITED: _l("Invited"),
    MembershipStatus.ACTIVE: _l("Member"),
    MembershipStatus.DECLINED: _l("Declined"),
    MembershipStatus.LEFT: _l("Left"),
    MembershipStatus.REMOVED: _l("Removed"),
}


class Membership(SealedRow, db.Model):
    """An organization's place in a coalition, from invitation to leaving; one row per pair."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("coalition_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus, 10),
        default=MembershipStatus.INVITED,
        index=True,
    )
    # A person's address, so encrypted at rest like supporters' contact data.
    contact_email = Sealed()
    # When the contact had their data erased: the address went, and the organizers see why.
    contact_erased_at: Mapped[datetime | None] = mapped_column(DateTime)
    invitation_message = Sealed()
    invitation_locale: Mapped[str | None] = mapped_column(String(5))
    # Changes with every invitation sent, so only the latest link works.
    invitation_key: Mapped[str] = mapped_column(String(32), default="")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    # This coalition's own name for the member, when it may not change the shared profile's;
    # None shows the profile's name.
    display_name: Mapped[str | None] = mapped_column(String(200))
    # The domain of the contact address the invitation was accepted from (the link reached that
    # mailbox), unless a free-mail one, waiting for an organizer to trust it or not.
    proposed_domain: Mapped[str | None] = mapped_column(String(255))
    # A domain an organizer trusts for this member: this coalition's letters may approve signers
    # at it at once.
    verified_domain: Mapped[str | None] = mapped_column(String(255))

    coalition: Mapped[Coalition] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def name(self) -> str:
        """The member's name as this coalition shows it."""
        return self.display_name or self.organization.name


class TeamInvitation(SealedRow, db.Model):
    """An invitation to a coalition's organizer team, emailed to an address.

    Sent whether or not the address has an account, so the admin who sends it never learns
    which; the role is granted when an account with that very address accepts (logging in or
    signing up first). The link stops working after INVITATION_MAX_AGE_DAYS or once used.
    """

    __tablename__ = "team_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    email = Sealed(nullable=False)  # stored lowercased, like account emails
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=12))
    # Changes with every invitation sent to the address, so only the latest link works.
    key: Mapped[str] = mapped_column(String(32))
    locale: Mapped[str | None] = mapped_column(String(5))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    coalition: Mapped[Coalition] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]
