"""Supporters, the consent they gave, and their requests to copy or erase their data."""

import enum
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from campaign.core.columns import enum_column
from campaign.core.crypto import Sealed, SealedRow
from campaign.core.outbox import utcnow
from campaign.extensions import db

ZIP_CODE = re.compile(r"^\d{5}$")


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Subscription(enum.StrEnum):
    """Whether a supporter agreed to hear from the coalition by email."""

    NOT_ASKED = "not_asked"
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"


def check_zip_code(value: str | None) -> str | None:
    """The model's rule, for writes that skip the ORM too (the signing path's upsert)."""
    if value is not None and not ZIP_CODE.match(value):
        raise ValueError("a ZIP code is five digits")
    return value


def check_language(value: str) -> str:
    if value not in current_app.config["LANGUAGES"]:
        raise ValueError(f"unsupported language {value!r}")
    return value


class Supporter(SealedRow, db.Model):
    """One person in one coalition: coalition A never sees coalition B's copy of them.

    Contact fields are encrypted; `email_index` (a keyed hash of the canonical address) is what
    finds and dedupes them. Anyone can type an address into a public form, so a record is on
    file (listed, tagged, handed to the API) only once `confirmed_at` says the address's owner
    confirmed something, or the coalition brought them in itself. Erasure clears the personal
    fields but keeps the row, so totals and the rows of later features that point here survive.
    """

    __tablename__ = "supporter"
    # NULL email_index (erased rows) never collides: SQL treats NULLs as distinct.
    __table_args__ = (
        UniqueConstraint("coalition_id", "email_index"),
        UniqueConstraint("preferences_token", name="uq_supporter_preferences_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    email = Sealed()
    email_index: Mapped[str | None] = mapped_column(String(64), index=True)
    first_name = Sealed()
    last_name = Sealed()
    phone = Sealed()
    zip_code: Mapped[str | None] = mapped_column(String(5))
    language: Mapped[str] = mapped_column(String(5), default="en")
    subscription: Mapped[Subscription] = mapped_column(
        enum_column(Subscription, 12),
        default=Subscription.NOT_ASKED,
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime)
    # First proof that the address is the person's: a click in our email, their preferences
    # link, the coalition's own import, a host adding them at the door. None: only typed.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The opaque key of the supporter's unsubscribe and preferences links.
    preferences_token: Mapped[str | None] = mapped_column(String(43), default=new_token)

    coalition = relationship("Coalition")
    consents: Mapped[list["Consent"]] = relationship(back_populates="supporter", order_by="Consent.id")

    @validates("zip_code")
    def _check_zip_code(self, key, value):
        return check_zip_code(value)

    @validates("language")
    def _check_language(self, key, value):
        return check_language(value)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class Consent(db.Model):
    """Permission to email, with the exact words the supporter agreed to, in their language."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    supporter_id: Mapped[int] = mapped_column(ForeignKey("supporter.id", ondelete="CASCADE"), index=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    wording: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5))
    # Where it was given, e.g. "petition:12", or "imported from list.csv on 2026-12-04 by Ana".
    source: Mapped[str] = mapped_column(String(255))
    given_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    supporter: Mapped[Supporter] = relationship(back_populates="consents")


class DataRequestKind(enum.StrEnum):
    COPY = "copy"
    ERASURE = "erasure"


class DataRequestState(enum.StrEnum):
    PENDING = "pending"  # waiting for the outbox task to email the requester
    AWAITING_CONFIRMATION = "awaiting"  # erasure link sent, not yet clicked
    COMPLETED = "completed"


class DataRequest(SealedRow, db.Model):
    """A supporter's request for a copy or erasure of their data.

    The address is kept, encrypted, only until the request is completed (an erasure finds the
    person's records by it when confirmed) or expires. No blind index is stored: one that found
    the person in every coalition would link their records across coalitions. What remains is
    that a request was made and when.
    """

    __tablename__ = "data_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DataRequestKind] = mapped_column(enum_column(DataRequestKind, 10))
    state: Mapped[DataRequestState] = mapped_column(
        enum_column(DataRequestState, 12), default=DataRequestState.PENDING, index=True
    )
    email = Sealed()
    language: Mapped[str] = mapped_column(String(5), default="en")
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Keyed hash of the asking IP, for the per-requester email cap; cleared once answered.
    requester_ip_hash: Mapped[str | None] = mapped_column(String(64))


class ImportState(enum.StrEnum):
    UPLOADED = "uploaded"  # the file is stored; the organizer has not confirmed the mapping
    QUEUED = "queued"  # confirmed; the background task has not started
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


IMPORT_STATE_LABELS = {
    ImportState.UPLOADED: _l("Waiting for your check"),
    ImportState.QUEUED: _l("Waiting to start"),
    ImportState.RUNNING: _l("Importing"),
    ImportState.DONE: _l("Finished"),
    ImportState.FAILED: _l("Stopped"),
}


# A worker that is running takes a queued import within seconds; past this, the page says the
# worker may be down.
WORKER_STARTS_WITHIN = timedelta(minutes=2)


class SupporterImport(db.Model):
    """A CSV of supporters being imported: the file waits on disk, sealed (never in a broker
    message), until the background task has read it, then is deleted, as it is if the import is
    never confirmed (IMPORT_UPLOADS_KEPT_HOURS); the counts and problems remain."""

    __tablename__ = "supporter_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    state: Mapped[ImportState] = mapped_column(enum_column(ImportState, 10), default=ImportState.UPLOADED)
    file_name: Mapped[str] = mapped_column(String(120))  # as uploaded, made one line
    stored_name: Mapped[str | None] = mapped_column(String(80))  # under the instance's imports/
    encoding: Mapped[str] = mapped_column(String(12), default="utf-8-sig")
    headers: Mapped[list] = mapped_column(JSON, default=list)  # the header row, made one line
    mapping: Mapped[list] = mapped_column(JSON, default=list)  # our field per column, "" ignored
    consent_wording: Mapped[str | None] = mapped_column(Text)
    consent_language: Mapped[str] = mapped_column(String(5), default="en")
    consent_source: Mapped[str | None] = mapped_column(String(255))  # the file, day and organizer
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)  # resumes from here after a crash
    imported: Mapped[int] = mapped_column(Integer, default=0)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def percent(self) -> int:
        return 100 if not self.total_rows else min(100, self.rows_done * 100 // self.total_rows)

    def waits_for_a_worker(self, now: datetime) -> bool:
        """Still waiting to start well after a running worker would have started it."""
        queued = self.state == ImportState.QUEUED and self.confirmed_at is not None
        return queued and now - self.confirmed_at > WORKER_STARTS_WITHIN


class ImportProblem(db.Model):
    """One problem with one cell of an imported file: where, and what, never the cell's value."""

    __tablename__ = "import_problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("supporter_import.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)  # as a spreadsheet numbers it: the header is 1
    column: Mapped[str] = mapped_column(String(120))
    problem: Mapped[str] = mapped_column(
        String(30)
    )  # a key of imports.PROBLEMS, said in the reader's language
    skipped: Mapped[bool] = mapped_column(Boolean, default=True)  # False: imported without the cell
