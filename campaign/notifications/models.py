"""Messages (alerts organizers write, notices features raise), one delivery per recipient."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.columns import enum_column
from campaign.core.i18n import in_language
from campaign.core.outbox import utcnow
from campaign.extensions import db


class MessageKind(enum.StrEnum):
    ALERT = "alert"  # written by an organizer, to an audience of subscribed supporters
    NOTICE = "notice"  # raised by a feature (a milestone, a reminder) from a template


class MessageState(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    SENT = "sent"


MESSAGE_STATE_LABELS = {
    MessageState.DRAFT: _l("Draft"),
    MessageState.SCHEDULED: _l("Scheduled"),
    MessageState.SENDING: _l("Sending"),
    MessageState.PAUSED: _l("Paused"),
    MessageState.CANCELLED: _l("Cancelled"),
    MessageState.SENT: _l("Sent"),
}


class DeliveryState(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"  # unsubscribed, suppressed, erased or its own link gone when its turn came


class Message(db.Model):
    """One email to many supporters of one coalition, in English and optionally Spanish."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind, 10))
    state: Mapped[MessageState] = mapped_column(
        enum_column(MessageState, 10), default=MessageState.DRAFT, index=True
    )
    # Alerts: what the organizer wrote (Markdown, sanitized when rendered).
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    subject_es: Mapped[str] = mapped_column(String(200), default="")
    body_es: Mapped[str] = mapped_column(Text, default="")
    # Who receives it: {"source": "subscribers", "state": "PA", "zip": "19104", "miles": 25}.
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    # Notices: `templates/<template>.txt/.html` rendered with `context` (ids and public words only).
    template: Mapped[str | None] = mapped_column(String(200))
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    # A notice raised twice with one key is queued once (e.g. "petition:12:milestone:10000").
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Confirmations a supporter asked for go out even to suppressed or unsubscribed addresses.
    transactional: Mapped[bool] = mapped_column(Boolean, default=False)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # UTC
    # The zone the organizer scheduled in: the pages show the alert's times in it.
    time_zone: Mapped[str | None] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set once the deliveries exist: until then an empty delivery list does not mean "done".
    deliveries_created_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    coalition = relationship("Coalition")
    created_by = relationship("User")

    @property
    def is_alert(self) -> bool:
        return self.kind == MessageKind.ALERT

    def subject_in(self, language: str) -> str:
        return in_language(language, self.subject, self.subject_es)


class Delivery(db.Model):
    """One message to one supporter: unique, claimed by one worker at a time.

    `handed_over_at` is written just before the final "." of the SMTP DATA: a worker that died
    after it may have delivered, so that row is never sent again (see sending.py).
    """

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("message_id", "supporter_id"),
        Index("ix_delivery_claim", "message_id", "state", "not_before"),
        Index("ix_delivery_coalition_sent", "coalition_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"))
    supporter_id: Mapped[int] = mapped_column(ForeignKey("supporter.id", ondelete="CASCADE"), index=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"))
    state: Mapped[DeliveryState] = mapped_column(enum_column(DeliveryState, 10), default=DeliveryState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    not_before: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class Suppression(db.Model):
    """An address a coalition must not email (it bounced permanently, or was suppressed by hand), or
    must not ask anything unasked (its owner had their data erased: `suppression.ERASED`)."""

    __tablename__ = "suppression"
    __table_args__ = (UniqueConstraint("coalition_id", "email_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"))
    email_index: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SendingSettings(db.Model):
    """Per-coalition sending limit; without a row the configured default applies."""

    __tablename__ = "sending_settings"

    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalition.id", ondelete="CASCADE"), primary_key=True
    )
    messages_per_minute: Mapped[int] = mapped_column(Integer)
