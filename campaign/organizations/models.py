"""Organization profiles (a global public directory) and the other names they are known by."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.columns import enum_column
from campaign.core.outbox import utcnow
from campaign.extensions import db


class Sector(enum.StrEnum):
    GRASSROOTS = "grassroots"
    FAITH_BASED = "faith_based"
    LABOR = "labor"
    LEGAL_SERVICES = "legal_services"
    CIVIL_RIGHTS = "civil_rights"
    YOUTH = "youth"
    HEALTH = "health"
    OTHER = "other"


SECTOR_LABELS = {
    Sector.GRASSROOTS: _l("Grassroots"),
    Sector.FAITH_BASED: _l("Faith-based"),
    Sector.LABOR: _l("Labor"),
    Sector.LEGAL_SERVICES: _l("Legal services"),
    Sector.CIVIL_RIGHTS: _l("Civil rights"),
    Sector.YOUTH: _l("Youth"),
    Sector.HEALTH: _l("Health"),
    Sector.OTHER: _l("Other"),
}


class Scope(enum.StrEnum):
    NATIONAL = "national"
    STATE = "state"
    LOCAL = "local"


# "State" alone is also the address field (Estado); as a scope it is an adjective (Estatal), like
# National and Local: its own context keeps the two apart in the catalog.
SCOPE_LABELS = {
    Scope.NATIONAL: _l("National"),
    Scope.STATE: lazy_pgettext("scope of an organization", "State"),
    Scope.LOCAL: _l("Local"),
}


class Organization(db.Model):
    """Public information only: no person's name or contact is kept on a profile."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    normalized_name: Mapped[str] = mapped_column(String(200), index=True)
    # Initials of the significant words, so "ACLU" finds "American Civil Liberties Union".
    acronym: Mapped[str | None] = mapped_column(String(40), index=True)
    sector: Mapped[Sector] = mapped_column(enum_column(Sector, 20), default=Sector.OTHER)
    scope: Mapped[Scope | None] = mapped_column(enum_column(Scope, 10))
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    founded_year: Mapped[int | None] = mapped_column(Integer)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The coalition that added this record by inviting it; None for records a letter's signer
    # added and demo records. Only that coalition may change the profile, and only while no
    # other coalition uses the record (campaign/coalitions/services.py: can_edit_profile).
    owner_coalition_id: Mapped[int | None] = mapped_column(
        ForeignKey("coalition.id", ondelete="SET NULL"), index=True
    )
    # Set when an organizer linked this record as a duplicate of another: that one is kept.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )

    aliases: Mapped[list["OrganizationAlias"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )

    @property
    def sector_label(self) -> str:
        return SECTOR_LABELS[self.sector]

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.city, self.state) if part)


class OrganizationAlias(db.Model):
    """Another name of an organization, e.g. that of a duplicate record linked into it."""

    __tablename__ = "organization_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    normalized_name: Mapped[str] = mapped_column(String(200), unique=True)

    organization: Mapped[Organization] = relationship(back_populates="aliases")
