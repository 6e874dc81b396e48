"""Petitions, the signatures supporters give them, and the stored tallies public pages read."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.columns import enum_column
from campaign.core.crypto import Sealed, SealedRow
from campaign.core.form_keys import KEY_LENGTH
from campaign.core.i18n import in_language
from campaign.core.outbox import utcnow
from campaign.extensions import db

# A `?source=` code (a member organization's link), kept with each signature.
SOURCE_MAX_LENGTH = 40
# The goal shown grows through these steps once the organizer's goal is reached.
GOAL_STEPS = (100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000)


# What organizers write on a petition's form; its state, counts and image change by other paths.
WRITTEN_FIELDS = (
    "title",
    "title_es",
    "target",
    "ask",
    "ask_es",
    "body",
    "body_es",
    "goal",
    "image_alt",
    "image_alt_es",
)


class PetitionState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"  # still readable, takes no signatures


PETITION_STATE_LABELS = {
    PetitionState.DRAFT: _l("Draft"),
    PetitionState.OPEN: _l("Open"),
    PetitionState.CLOSED: _l("Closed"),
}


class Petition(db.Model):
    """`signature_count` is the stored tally: only the tally task writes it, never a sign request."""

    __tablename__ = "petition"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_es: Mapped[str] = mapped_column(String(200), default="")
    target: Mapped[str] = mapped_column(String(300))
    ask: Mapped[str] = mapped_column(String(500))
    ask_es: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    body_es: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[int] = mapped_column(Integer, default=1000)
    deadline: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # UTC
    time_zone: Mapped[str] = mapped_column(String(40), default="America/New_York")
    state: Mapped[PetitionState] = mapped_column(
        enum_column(PetitionState, 10), default=PetitionState.DRAFT, index=True
    )
    signature_count: Mapped[int] = mapped_column(Integer, default=0)  # online, confirmed
    paper_count: Mapped[int] = mapped_column(Integer, default=0)  # entered by organizers
    # The highest milestone organizers were told about (100, 1,000, ...), so each is told once.
    milestone_told: Mapped[int] = mapped_column(Integer, default=0)
    # The image's bytes live in petition_image, so loading a petition never loads them. The key
    # is new at each upload: its URL can be cached forever and a draft's image cannot be guessed.
    image_key: Mapped[str | None] = mapped_column(String(32))
    image_width: Mapped[int] = mapped_column(Integer, default=0)
    image_height: Mapped[int] = mapped_column(Integer, default=0)
    image_alt: Mapped[str] = mapped_column(String(300), default="")
    image_alt_es: Mapped[str] = mapped_column(String(300), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Signatures the coalition's API keys record count at once, without the confirmation email:
    # for a sending system that has confirmed the address itself (petitions/signing.py).
    trusted_source: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Any change to the row, the tally's count included (the API's modified_date).
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    coalition = relationship("Coalition")

    @property
    def state_label(self) -> str:
        return PETITION_STATE_LABELS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state == PetitionState.OPEN

    @property
    def total(self) -> int:
        """Online and paper signatures together: the number the page shows."""
        return self.signature_count + self.paper_count

    @property
    def shown_goal(self) -> int:
        """The organizer's goal, or once it is reached, the next step above the count."""
        if self.total < self.goal:
            return self.goal
        return next((step for step in GOAL_STEPS if step > self.total), self.total * 2)

    @property
    def percent(self) -> int:
        return min(100, self.total * 100 // max(self.shown_goal, 1))

    def title_in(self, language: str) -> str:
        return in_language(language, self.title, self.title_es)

    def ask_in(self, language: str) -> str:
        return in_language(language, self.ask, self.ask_es)

    def body_in(self, language: str) -> str:
        return in_language(language, self.body, self.body_es)

    def image_alt_in(self, language: str) -> str:
        return in_language(language, self.image_alt, self.image_alt_es)


class PetitionImage(db.Model):
    """A petition's image as served: re-encoded JPEG without metadata (core/images.py)."""

    __tablename__ = "petition_image"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SignatureState(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"  # waiting for the signer's click in the email
    CONFIRMED = "confirmed"  # counts (once the tally task has folded it in)
    QUARANTINED = "quarantined"  # stored, not counted, shown to organizers
    INVALID = "invalid"  # an organizer struck it out


# Exactly the condition recent_public_signers() filters on, so the index above serves it.
PUBLICLY_SHOWN = "show_name IS true AND state = 'confirmed'"


class PetitionSignature(SealedRow, db.Model):
    """One person's signature. Contact lives on the supporter (encrypted); this row keeps what the
    tallies and abuse checks need. One per person per petition, by the email's blind index."""

    __tablename__ = "petition_signature"
    __table_args__ = (
        UniqueConstraint("petition_id", "email_index"),
        # The tally task's work list: confirmed signatures not yet folded into the tallies. With
        # the places, so that the recount groups a petition's signatures by place from the index
        # alone (an index-only scan: 0.13 s for a million, against 0.2-0.27 s reading the table).
        Index(
            "ix_petition_signature_to_count",
            "petition_id",
            "state",
            "counted",
            "zip_code",
            "us_state",
            "county",
        ),
        # The public page's recent signers, newest first, without reading a big petition's rows.
        Index(
            "ix_petition_signature_public_recent",
            "petition_id",
            "confirmed_at",
            postgresql_where=text(PUBLICLY_SHOWN),
            sqlite_where=text(PUBLICLY_SHOWN),
        ),
        # The confirmation sender's work list: signatures whose signer has not been emailed yet.
        Index(
            "ix_petition_signature_to_ask",
            "id",
            postgresql_where=text("asked_at IS NULL"),
            sqlite_where=text("asked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"))
    supporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("supporter.id", ondelete="SET NULL"), index=True
    )
    email_index: Mapped[str] = mapped_column(String(64))
    zip_code: Mapped[str] = mapped_column(String(5))
    us_state: Mapped[str] = mapped_column(String(2), default="")
    county: Mapped[str] = mapped_column(String(80), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    comment = Sealed()
    show_name: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(SOURCE_MAX_LENGTH), default="")
    state: Mapped[SignatureState] = mapped_column(
        enum_column(SignatureState, 12), default=SignatureState.UNCONFIRMED
    )
    counted: Mapped[bool] = mapped_column(default=False)
    quarantine_reason: Mapped[str] = mapped_column(String(20), default="")
    # A keyed hash, never the address; cleared after 30 days.
    ip_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # For spotting clusters of made-up addresses at one domain; the address itself is encrypted.
    email_domain: Mapped[str] = mapped_column(String(120), default="", index=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    # What was typed for an address already on file, where it differs from the record, and the
    # opt-in words shown if the box was ticked: they wait here (the ZIP code and language above
    # too) and reach the supporter's record only when its owner confirms from the email.
    pending_first_name = Sealed()
    pending_last_name = Sealed()
    pending_consent: Mapped[str | None] = mapped_column(Text)
    # The language of those words when an API call sent them in another than the signature's.
    pending_consent_language: Mapped[str | None] = mapped_column(String(5))
    # The coalition's tags an API call asked for (ids): the person gets them once on file.
    pending_tag_ids: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    # The API key that recorded it (api feature); None for the public form's.
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"))
    # "You have already signed" emails sent for repeat sign-ups, at most three.
    repeat_emails: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # When the email asking to confirm was handed to notifications; None: not yet (the sender's
    # batches take these, so a sign request writes this row and nothing else).
    asked_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    petition: Mapped[Petition] = relationship()
    supporter = relationship("Supporter")


class Tally(db.Model):
    """Confirmed signatures of a petition in one place: a state, a county ("PA:Philadelphia") or a ZIP."""

    __tablename__ = "petition_tally"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[str] = mapped_column(String(8), primary_key=True)  # "state", "county", "zip"
    place: Mapped[str] = mapped_column(String(90), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class PaperBatch(db.Model):
    """Signatures collected on paper, entered by an organizer and credited to a member organization."""

    __tablename__ = "petition_paper_batch"
    __table_args__ = (UniqueConstraint("petition_id", "form_key", name="uq_petition_paper_batch_form_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    count: Mapped[int] = mapped_column(Integer)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The one-time key of the form that added it (core/form_keys.py): the same form sent twice
    # (a double click on "Add the signatures") adds one batch. None for batches from before.
    form_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH))

    organization = relationship("Organization")
    entries: Mapped[list["PaperEntry"]] = relationship(back_populates="batch", cascade="all, delete-orphan")


class PaperEntry(SealedRow, db.Model):
    """One name from a paper sheet (encrypted) and its ZIP code, which places it on the tallies."""

    __tablename__ = "petition_paper_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("petition_paper_batch.id", ondelete="CASCADE"), index=True
    )
    name = Sealed()
    zip_code: Mapped[str] = mapped_column(String(5))
    us_state: Mapped[str] = mapped_column(String(2), default="")
    county: Mapped[str] = mapped_column(String(80), default="")

    batch: Mapped[PaperBatch] = relationship(back_populates="entries")


class PaperChangeKind(enum.StrEnum):
    EDITED = "edited"
    DELETED = "deleted"


class PaperBatchChange(db.Model):
    """An organizer's correction or deletion of a paper batch: who, when, and the batch before and
    after (`paper.described`: who collected it, how many, how many named). Never the names, which
    are encrypted on the entries; the batch id stays as a number once the batch is deleted."""

    __tablename__ = "petition_paper_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[PaperChangeKind] = mapped_column(enum_column(PaperChangeKind, 10))
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)  # empty once deleted
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    changed_by = relationship("User")


class ClusterStrike(db.Model):
    """An organizer's "strike them out" on a cluster, undoable for UNDO_STRIKE_DAYS. The label is
    what the page showed (a hash's first characters, or the domain), never the IP hash itself."""

    __tablename__ = "petition_cluster_strike"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "ip" or "domain"
    label: Mapped[str] = mapped_column(String(130))
    count: Mapped[int] = mapped_column(Integer)
    struck_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    struck_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)

    struck_by = relationship("User", foreign_keys=[struck_by_id])
    undone_by = relationship("User", foreign_keys=[undone_by_id])


class StruckSignature(db.Model):
    """A signature a strike made invalid, and the state the undo gives back. Kept only while the
    strike can be undone (upkeep.forget_old_strikes)."""

    __tablename__ = "petition_struck_signature"

    strike_id: Mapped[int] = mapped_column(
        ForeignKey("petition_cluster_strike.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed: deleting expired signatures looks their rows up here.
    signature_id: Mapped[int] = mapped_column(
        ForeignKey("petition_signature.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    state_before: Mapped[SignatureState] = mapped_column(enum_column(SignatureState, 12))
