"""Webhooks: a coalition's endpoints, each event's delivery to each, and every attempt made."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.columns import enum_column
from campaign.core.crypto import Sealed, SealedRow
from campaign.core.form_keys import KEY_LENGTH
from campaign.core.outbox import utcnow
from campaign.extensions import db

# What an endpoint may ask for, in the order the form lists them.
EVENT_LABELS = {
    "signature.confirmed": _l("A petition signature is confirmed"),
    "attendance.created": _l("Someone RSVPs to an event"),
    "attendance.cancelled": _l("An RSVP is cancelled"),
    "letter.signatory.approved": _l("A letter’s signatory is approved"),
    "person.unsubscribed": _l("A supporter unsubscribes"),
    "alert.sent": _l("An alert has gone out"),
}
# Sent by the "Send test event" button only, whatever the endpoint asked for.
TEST_EVENT = "ping"
URL_MAX_LENGTH = 2000  # as the refusal says (addresses.py)
# An attempt's error is kept in English ("HTTP 500 Internal Server Error"), as whoever runs the
# receiver reads it; the ones we write ourselves are shown in the organizer's language.
MAKER_GONE = "Not sent: the person who made this endpoint is no longer an admin of this coalition."
NO_ANSWER = "No answer within the time limit"
REFUSED = "Could not connect: the server refused the connection"
NAME_UNKNOWN = "Could not connect: the server's name was not found"
TLS_REFUSED = "Could not connect securely: the server's HTTPS certificate was not accepted"
UNREACHABLE = "Could not connect to the server"
ERROR_LABELS = {
    MAKER_GONE: _l("Not sent: the person who made this endpoint is no longer an admin of this coalition."),
    NO_ANSWER: _l("No answer within the time limit"),
    REFUSED: _l("Could not connect: the server refused the connection"),
    NAME_UNKNOWN: _l("Could not connect: the server’s name was not found"),
    TLS_REFUSED: _l("Could not connect securely: the server’s HTTPS certificate was not accepted"),
    UNREACHABLE: _l("Could not connect to the server"),
}


class WebhookEndpoint(SealedRow, db.Model):
    """Where a coalition's events go. The secret (Standard Webhooks' `whsec_...`) is sealed like
    personal data: whoever holds it can forge our events. After a rotation the previous one
    still signs, beside the new one, until `previous_secret_until`."""

    __tablename__ = "webhook_endpoint"
    __table_args__ = (UniqueConstraint("coalition_id", "form_key", name="uq_webhook_endpoint_form_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(URL_MAX_LENGTH))
    events: Mapped[list] = mapped_column(JSON, default=list)
    batch: Mapped[bool] = mapped_column(default=False)  # up to WEBHOOK_BATCH_SIZE events a request
    enabled: Mapped[bool] = mapped_column(default=True)
    # True when it was turned off for failing WEBHOOK_DISABLE_AFTER_DAYS, not by an organizer.
    disabled_for_failing: Mapped[bool] = mapped_column(default=False)
    secret = Sealed()
    previous_secret = Sealed()
    previous_secret_until: Mapped[datetime | None] = mapped_column(DateTime)
    # The first failure since its last 2xx: None while it answers.
    failing_since: Mapped[datetime | None] = mapped_column(DateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The one-time keys (core/form_keys.py) of the form that made it and of the last rotation's:
    # a double click makes one endpoint, and rotates once (a second rotation would retire the
    # secret the receiver still has, for one it was never shown).
    form_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    rotation_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH))

    coalition = relationship("Coalition")
    created_by = relationship("User")

    def signing_secrets(self, moment: datetime) -> list[str]:
        """The secrets a delivery is signed with now: the current one, and the previous for a day."""
        previous = self.previous_secret_until and self.previous_secret_until > moment
        return [self.secret, self.previous_secret] if previous and self.previous_secret else [self.secret]


class DeliveryState(enum.StrEnum):
    PENDING = "pending"  # waiting for its first attempt, or its next
    SENDING = "sending"  # claimed by a worker
    DELIVERED = "delivered"  # the endpoint answered 2xx
    GIVEN_UP = "given_up"  # no 2xx within WEBHOOK_GIVE_UP_HOURS


DELIVERY_STATE_LABELS = {
    DeliveryState.PENDING: _l("Waiting"),
    DeliveryState.SENDING: _l("Sending"),
    DeliveryState.DELIVERED: _l("Delivered"),
    DeliveryState.GIVEN_UP: _l("Given up"),
}


class WebhookDelivery(db.Model):
    """One event for one endpoint. `subject` holds ids only (the signature's, the petition's):
    the payload is built from them at each attempt, so personal data is never stored here, and a
    person erased meanwhile is no longer in it."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "endpoint_id", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    subject: Mapped[dict] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    state: Mapped[DeliveryState] = mapped_column(
        enum_column(DeliveryState, 10), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    give_up_at: Mapped[datetime] = mapped_column(DateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_response_ms: Mapped[int | None] = mapped_column(Integer)

    endpoint: Mapped[WebhookEndpoint] = relationship()
    tries: Mapped[list["WebhookAttempt"]] = relationship(
        back_populates="delivery", order_by="WebhookAttempt.id.desc()", cascade="all, delete-orphan"
    )

    @property
    def message_id(self) -> str:
        """Its `webhook-id`, the same at every attempt: receivers drop a second copy by it."""
        return f"msg_{self.id}"

    @property
    def state_label(self) -> str:
        return DELIVERY_STATE_LABELS[self.state]


class WebhookAttempt(db.Model):
    """One request that carried the delivery (alone or in a batch): what the endpoint answered,
    how fast, or why there was no answer. Never the response's body, which may echo anything."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_ms: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    batch_size: Mapped[int] = mapped_column(Integer, default=1)

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="tries")

    @property
    def error_label(self) -> str | None:
        return ERROR_LABELS.get(self.error, self.error)


class WebhookSettings(db.Model):
    """Whether the coalition's webhooks may carry personal data: off unless an owner turns it on."""

    __tablename__ = "webhook_settings"

    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalition.id", ondelete="CASCADE"), primary_key=True
    )
    personal_data: Mapped[bool] = mapped_column(default=False)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    changed_by = relationship("User")
