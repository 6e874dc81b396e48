"""The bulk sender: claim deliveries in batches, send over one reused SMTP connection.

Exactly-once, as near as SMTP allows. A batch is claimed with a conditional UPDATE (SKIP LOCKED
on PostgreSQL) under a fresh claim token. For each delivery the body goes to the server, then
`handed_over_at` is committed, then the final "." is sent. A worker killed mid-batch leaves rows
in `sending`; once their lease expires `reclaim_stale()` sends back to the queue only the rows
never handed over, and counts the handed-over one as sent: the server had (or was about to
have) the whole message, and a second copy is worse than a missing confirmation. The only window
left is the microseconds between that commit and the "." leaving the socket.
"""

import logging
import secrets
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import func, select, update

from campaign.core.mail import transport
from campaign.core.outbox import describe_error, utcnow
from campaign.extensions import db
from campaign.notifications import suppression
from campaign.notifications.models import Delivery, DeliveryState, Message, MessageState, SendingSettings
from campaign.notifications.rendering import PreparedMessage, Recipient, prepare
from campaign.supporters.models import Subscription, Supporter

log = logging.getLogger(__name__)


class StopBatch(Exception):
    """The server or the network is down: put the rest of the batch back and try later."""


@dataclass
class BatchResult:
    sent: int = 0
    claimed: int = 0
    retry_in: float | None = None  # seconds until more can go (rate limit, backoff, server down)
    marks: dict = field(default_factory=lambda: defaultdict(list))


def send_batch(message_id: int) -> BatchResult:
    """Claim and send one batch of `message_id`'s deliveries; commits as it goes."""
    message = db.session.get(Message, message_id)
    result = BatchResult()
    if message is None or message.state != MessageState.SENDING:
        return result
    limit = _allowed_now(message.coalition_id)
    if limit == 0:
        result.retry_in = 5.0
        return result
    token, rows = _claim(message_id, limit)
    result.claimed = len(rows)
    if rows:
        _send_rows(message, token, rows, result)
    return result


def _allowed_now(coalition_id: int) -> int:
    batch = current_app.config["NOTIFY_BATCH_SIZE"]
    per_minute = db.session.scalar(
        select(SendingSettings.messages_per_minute).where(SendingSettings.coalition_id == coalition_id)
    )
    per_minute = per_minute if per_minute is not None else current_app.config["NOTIFY_RATE_PER_MINUTE"]
    if not per_minute:
        return batch
    sent_last_minute = db.session.scalar(
        select(func.count()).where(
            Delivery.coalition_id == coalition_id, Delivery.sent_at > utcnow() - timedelta(minutes=1)
        )
    )
    return max(0, min(batch, per_minute - sent_last_minute))


# Only what sending needs: each encrypted column costs a decryption per recipient.
RECIPIENT_COLUMNS = (
    Supporter.email,
    Supporter.first_name,
    Supporter.language,
    Supporter.subscription,
    Supporter.erased_at,
    Supporter.email_index,
    Supporter.preferences_token,
)


def _claim(message_id: int, limit: int) -> tuple[str, list]:
    token, now = secrets.token_hex(16), utcnow()
    ready = (
        select(Delivery.id)
        .where(
            Delivery.message_id == message_id,
            Delivery.state == DeliveryState.QUEUED,
            Delivery.not_before <= now,
        )
        .order_by(Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL: workers take disjoint batches
    )
    db.session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ready.scalar_subquery()), Delivery.state == DeliveryState.QUEUED)
        .values(
            state=DeliveryState.SENDING, claim_token=token, claimed_at=now, attempts=Delivery.attempts + 1
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.execute(
        select(Delivery.id, Delivery.attempts, *RECIPIENT_COLUMNS)
        .join(Supporter, Supporter.id == Delivery.supporter_id)
        .where(Delivery.claim_token == token)
        .order_by(Delivery.id)
    ).all()
    return token, rows


def _send_rows(message: Message, token: str, rows: list, result: BatchResult) -> None:
    suppressed = suppression.suppressed_indexes(message.coalition_id, [row.email_index for row in rows])
    batch = _Batch(message, token, result, transport(), parseaddr(current_app.config["MAIL_FROM"])[1])
    prepared: dict[str, PreparedMessage] = {}
    unsent = iter(rows)  # on StopBatch, what it still holds goes back to the queue
    try:
        for row in unsent:
            if _may_not_receive(message, row, suppressed):
                result.marks[DeliveryState.SUPPRESSED].append(row.id)
                continue
            language = row.language if row.language in current_app.config["LANGUAGES"] else "en"
            if language not in prepared:
                prepared[language] = prepare(message, language)
            recipient = Recipient(row.id, row.email, row.first_name or "", row.preferences_token)
            batch.send(prepared[language].build(recipient), recipient, row.attempts)
    except StopBatch as stop:
        log.warning("sending paused for message %s: %s", message.id, stop)
        _release(token, [row.id for row in unsent], backoff_seconds=30)
        result.retry_in = 30.0
    finally:
        _write_marks(token, result)
        db.session.commit()


def _may_not_receive(message: Message, row, suppressed: set[str]) -> bool:
    if row.erased_at is not None or not row.email:
        return True
    if message.transactional:  # a confirmation the supporter asked for
        return False
    if row.email_index in suppressed or row.subscription == Subscription.UNSUBSCRIBED:
        return True
    return message.is_alert and row.subscription != Subscription.SUBSCRIBED


@dataclass
class _Batch:
    message: Message
    token: str
    result: BatchResult
    mail: object  # a transport from core.mail
    sender: str

    def send(self, data: bytes, recipient: Recipient, attempts: int) -> None:
        handed_over = False

        def handing_over() -> None:
            nonlocal handed_over
            self.result.marks["handed_over"].append(recipient.delivery_id)
            _write_marks(self.token, self.result)
            db.session.commit()
            handed_over = True

        delivery_id = recipient.delivery_id
        try:
            self.mail.send_raw(self.sender, recipient.address, data, handing_over)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            self._refused(
                code, describe_error(smtplib.SMTPResponseException(code, reply)), recipient, attempts
            )
        except smtplib.SMTPResponseException as error:  # an explicit "no": the message was not taken
            self._refused(error.smtp_code, describe_error(error), recipient, attempts, suppress=False)
        except (smtplib.SMTPException, OSError) as error:
            if handed_over:  # the server may have it: never risk a second copy
                self.result.marks[DeliveryState.SENT].append(delivery_id)
            else:
                _retry(delivery_id, attempts, self.token, describe_error(error))
            raise StopBatch(describe_error(error)) from error
        else:
            self.result.marks[DeliveryState.SENT].append(delivery_id)
            self.result.sent += 1

    def _refused(self, code: int, detail: str, recipient: Recipient, attempts: int, suppress=True) -> None:
        if code < 500:
            _retry(recipient.delivery_id, attempts, self.token, detail)
            return
        _fail(recipient.delivery_id, self.token, detail)
        if suppress:  # the server says this address will never work: stop mailing it
            suppression.suppress(self.message.coalition_id, recipient.address, f"bounced: {code}")


def _fail(delivery_id: int, token: str, error: str) -> None:
    db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.claim_token == token)
        .values(state=DeliveryState.FAILED, last_error=error, handed_over_at=None)
    )


def _retry(delivery_id: int, attempts: int, token: str, error: str) -> None:
    if attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"]:
        _fail(delivery_id, token, error)
        return
    backoff = timedelta(seconds=min(3600, 30 * 2 ** (attempts - 1)))
    db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.claim_token == token)
        .values(
            state=DeliveryState.QUEUED,
            last_error=error,
            not_before=utcnow() + backoff,
            claim_token=None,
            handed_over_at=None,
        )
    )


def _release(token: str, delivery_ids: list[int], backoff_seconds: int) -> None:
    if delivery_ids:
        db.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(delivery_ids), Delivery.claim_token == token)
            .values(
                state=DeliveryState.QUEUED,
                claim_token=None,
                attempts=Delivery.attempts - 1,  # never tried
                not_before=utcnow() + timedelta(seconds=backoff_seconds),
            )
        )


def _write_marks(token: str, result: BatchResult) -> None:
    """Record what happened to the batch so far, in the caller's transaction."""
    now = utcnow()
    values = {
        DeliveryState.SENT: {"state": DeliveryState.SENT, "sent_at": now},
        DeliveryState.SUPPRESSED: {"state": DeliveryState.SUPPRESSED},
        "handed_over": {"handed_over_at": now},
    }
    for mark, ids in result.marks.items():
        if ids:
            db.session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), Delivery.claim_token == token)
                .values(**values[mark])
            )
    result.marks.clear()


def reclaim_stale() -> int:
    """Take back the rows of workers that died mid-batch; returns how many were re-queued."""
    expired = utcnow() - timedelta(seconds=current_app.config["NOTIFY_LEASE_SECONDS"])
    stale = (Delivery.state == DeliveryState.SENDING, Delivery.claimed_at < expired)
    db.session.execute(
        update(Delivery)
        .where(*stale, Delivery.handed_over_at.is_not(None))
        .values(state=DeliveryState.SENT, sent_at=Delivery.handed_over_at, claim_token=None)
    )
    requeued = db.session.execute(
        update(Delivery)
        .where(*stale, Delivery.handed_over_at.is_(None))
        .values(state=DeliveryState.QUEUED, claim_token=None)
    ).rowcount
    db.session.commit()
    return requeued


def send_test(message: Message, address: str, name: str) -> None:
    """One copy per language the message is written in; its links lead to a "not valid" page."""
    sender = parseaddr(current_app.config["MAIL_FROM"])[1]
    languages = ["en", "es"] if message.is_alert and message.body_es else ["en"]
    for language in languages:
        prepared = prepare(message, language, subject_prefix="[TEST] ")
        transport().send_raw(sender, address, prepared.build(Recipient(0, address, name, "test")))
