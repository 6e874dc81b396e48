"""Sign-on letters, their targets and text versions, and the signatures organizations give them."""

import enum
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.columns import enum_column
from campaign.core.crypto import Sealed, SealedRow
from campaign.core.i18n import in_language
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.organizations.models import SCOPE_LABELS, SECTOR_LABELS, Organization, Scope, Sector


def new_key() -> str:
    return secrets.token_urlsafe(24)


class LetterState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # collecting signatures
    CLOSED = "closed"  # past the deadline: late sign-ons wait for an organizer
    DELIVERED = "delivered"


LETTER_STATE_LABELS = {
    LetterState.DRAFT: _l("Draft"),
    LetterState.OPEN: _l("Open for sign-on"),
    LetterState.CLOSED: _l("Closed"),
    LetterState.DELIVERED: _l("Delivered"),
}


class Letter(db.Model):
    """A letter to named officials. `body`/`body_es` are the current version's text."""

    __tablename__ = "letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_es: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    body_es: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[LetterState] = mapped_column(
        enum_column(LetterState, 10), default=LetterState.DRAFT, index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    version_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    allow_individuals: Mapped[bool] = mapped_column(default=False)
    auto_approve_domains: Mapped[bool] = mapped_column(default=False)
    deadline: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # UTC
    time_zone: Mapped[str] = mapped_column(String(40), default="America/New_York")
    # Embargo: signatures are collected through the private sign-on link until published_at.
    embargoed: Mapped[bool] = mapped_column(default=False)
    release_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # UTC; None: by hand
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The unguessable part of the sign-on link, shared before the letter is public.
    signon_key: Mapped[str] = mapped_column(String(40), unique=True, default=new_key)
    # The organizations named first in the summary sentence, in order; empty: national first.
    lead_organization_ids: Mapped[list] = mapped_column(JSON, default=list)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    delivery_method: Mapped[str] = mapped_column(String(200), default="")
    delivered_to: Mapped[str] = mapped_column(String(300), default="")
    response_on: Mapped[date | None] = mapped_column(Date)
    response: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    coalition = relationship("Coalition")
    targets: Mapped[list["LetterTarget"]] = relationship(
        back_populates="letter", cascade="all, delete-orphan", order_by="LetterTarget.position"
    )
    versions: Mapped[list["LetterVersion"]] = relationship(
        back_populates="letter", cascade="all, delete-orphan", order_by="LetterVersion.number"
    )

    @property
    def state_label(self) -> str:
        return LETTER_STATE_LABELS[self.state]

    @property
    def is_public(self) -> bool:
        return self.published_at is not None

    @property
    def accepts_signatures(self) -> bool:
        return self.state in (LetterState.OPEN, LetterState.CLOSED)

    def title_in(self, language: str) -> str:
        return in_language(language, self.title, self.title_es)

    def body_in(self, language: str) -> str:
        return in_language(language, self.body, self.body_es)


class LetterTarget(db.Model):
    """An official the letter is addressed to, e.g. "Jeh Johnson, Secretary of Homeland Security"."""

    __tablename__ = "letter_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    office: Mapped[str] = mapped_column(String(200), default="")

    letter: Mapped[Letter] = relationship(back_populates="targets")

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.title, self.office) if part)


class LetterVersion(db.Model):
    """What a signature endorses: the title, the addressees and the text as they stood when it was
    given; kept so a signature can be read back and a later change shown against it."""

    __tablename__ = "letter_version"
    __table_args__ = (UniqueConstraint("letter_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    body_es: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    title_es: Mapped[str] = mapped_column(String(200), default="")
    targets: Mapped[list] = mapped_column(JSON, default=list)  # [{"name", "title", "office"}]
    # While this is the letter's version: {earlier number: {language: diff}} for each earlier
    # version a signature stands on, diffed once when saved (the public confirm page shows it).
    changes_since: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    letter: Mapped[Letter] = relationship(back_populates="versions")


class ChangeKind(enum.StrEnum):
    CORRECTION = "correction"  # signatures stay; signers may withdraw
    NEW_VERSION = "new_version"  # signers must re-confirm
    DISPLAY_NAME = "display_name"  # a listed signatory's name on this letter changed


class LetterChange(db.Model):
    """The letter's public change log: what changed after organizations had signed, and the
    organizer's call on it. `details` holds the words a kind's template shows (public data only:
    the log is on the public page)."""

    __tablename__ = "letter_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(enum_column(ChangeKind, 20))
    version: Mapped[int] = mapped_column(Integer)  # the letter's version once changed
    note: Mapped[str] = mapped_column(Text, default="")  # the organizer's own words, if any
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    letter: Mapped[Letter] = relationship()


class SignerKind(enum.StrEnum):
    ORGANIZATION = "organization"
    INDIVIDUAL = "individual"


class SignatureState(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"  # waiting for the signer's click in the email
    PENDING = "pending"  # confirmed, waiting for an organizer
    APPROVED = "approved"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"  # merged into another of the same signer (by an organizer, or its record)
    WITHDRAWN = "withdrawn"  # the signer took their name off (after a correction they disagree with)


# Sign-ons that spoke for their organization and no longer do (a rejected imposter's): the
# queue marks a later sign-on of the same organization.
RELEASED = (SignatureState.REJECTED, SignatureState.WITHDRAWN)


class Authorization(enum.StrEnum):
    """How an organization told the coalition it signs, for one added by an organizer by hand."""

    EMAIL = "email"
    PHONE = "phone"
    MEETING = "meeting"
    OTHER = "other"


AUTHORIZATION_LABELS = {
    Authorization.EMAIL: _l("By email"),
    Authorization.PHONE: _l("By phone"),
    Authorization.MEETING: _l("In a meeting"),
    Authorization.OTHER: _l("Another way"),
}


# Confirmed by the signer's click, whether or not an organizer has approved it yet.
CONFIRMED = (SignatureState.PENDING, SignatureState.APPROVED)


class Signature(SealedRow, db.Model):
    """One sign-on. The signer is a supporter of the coalition, so the one email path reaches them.

    `signer_key` ("org:12" or "person:34") is set when the sign-on is approved and cleared when
    it is rejected, withdrawn or merged; its unique index makes a second approved sign-on of the
    same organization (or person) impossible, while any number may wait unconfirmed (a colleague
    may sign after a first attempt went to a typo), wait for an organizer (an imposter's beside
    the real one's: the organizer chooses) or stand rejected.
    An organizer's entry by hand for a name not in the directory stands for that name ("name:"
    and a digest of it): it is not made a shared directory record (`by_hand.py` says why).
    """

    __tablename__ = "letter_signature"
    __table_args__ = (UniqueConstraint("letter_id", "signer_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SignerKind] = mapped_column(enum_column(SignerKind, 12))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    supporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("supporter.id", ondelete="SET NULL"), index=True
    )
    signer_key: Mapped[str | None] = mapped_column(String(40))
    # The person's name and title are personal data: encrypted like supporters' contact fields.
    signer_name = Sealed()
    signer_title = Sealed()
    # What is listed publicly, as the signer gave and confirmed it for this letter: a later change
    # to the directory's profile leaves a signed letter as it was.
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    us_state: Mapped[str] = mapped_column(String(2), default="")
    sector: Mapped[Sector | None] = mapped_column(enum_column(Sector, 20))
    scope: Mapped[Scope | None] = mapped_column(enum_column(Scope, 10))
    show_name: Mapped[bool] = mapped_column(default=False)  # individuals are listed only if they ask
    state: Mapped[SignatureState] = mapped_column(
        enum_column(SignatureState, 12), default=SignatureState.UNCONFIRMED, index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)  # the text version endorsed
    late: Mapped[bool] = mapped_column(default=False)  # signed after the deadline
    # The signer added the organization to the directory (the queue says so).
    new_organization: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(5), default="en")
    # The opt-in words shown if the box was ticked: recorded as consent when the signer confirms,
    # with the name and language above, which then reach the supporter's record.
    pending_consent: Mapped[str | None] = mapped_column(Text)
    # Emails sent to the address's owner for repeat sign-ons from their address, three at most.
    repeat_emails: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # When its confirmation, beside another sign-on of the organization, emailed the organizers.
    organizers_told_at: Mapped[datetime | None] = mapped_column(DateTime)
    # An organizer merged this sign-on (made DUPLICATE) into that listed one of the same organization.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("letter_signature.id", ondelete="SET NULL"))
    # Added by an organizer for an organization that said yes outside the app; `confirmed_at`
    # is set once its contact confirms from the emailed link.
    added_by_hand: Mapped[bool] = mapped_column(default=False)
    authorization: Mapped[Authorization | None] = mapped_column(enum_column(Authorization, 10))
    authorized_by = Sealed()  # the person who said yes: personal data

    letter: Mapped[Letter] = relationship()
    organization: Mapped[Organization | None] = relationship()
    supporter = relationship("Supporter")

    @property
    def sector_label(self) -> str:
        return SECTOR_LABELS[self.sector] if self.sector else ""

    @property
    def scope_label(self) -> str:
        return SCOPE_LABELS[self.scope] if self.scope else ""

    @property
    def authorization_label(self) -> str:
        return AUTHORIZATION_LABELS[self.authorization] if self.authorization else ""

    @property
    def is_organization(self) -> bool:
        return self.kind == SignerKind.ORGANIZATION

    @property
    def display_name(self) -> str:
        return self.organization_name if self.is_organization else self.signer_name or ""


class LetterInvitation(SealedRow, db.Model):
    """An organization's contact asked by email to sign this letter, and when last reminded.

    One per address per letter (the supporter record the email goes to): a second "invite all"
    or a teammate's click at the same moment meets the unique index and asks nobody twice.
    `organization_id` is the directory's record when the organization is known to it; a name
    only pasted stays `organization_name` here and reaches the shared directory only if its
    contact signs (signing.sign_on adds it then), so no other coalition sees an unconfirmed name.
    """

    __tablename__ = "letter_invitation"
    __table_args__ = (UniqueConstraint("letter_id", "supporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    organization_name: Mapped[str] = mapped_column(String(200))  # as the coalition knows it or typed it
    supporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("supporter.id", ondelete="SET NULL"), index=True
    )
    contact_email = Sealed()  # a person's address: encrypted at rest; cleared when they are erased
    language: Mapped[str] = mapped_column(String(5), default="en")  # of the email as sent
    asked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminders: Mapped[int] = mapped_column(Integer, default=0)

    letter: Mapped[Letter] = relationship()
    organization: Mapped[Organization | None] = relationship()
    asked_by = relationship("User")
