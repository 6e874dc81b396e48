"""The bulk sender: claim deliveries in batches, send over one reused SMTP connection.

Exactly-once, as near as SMTP allows. A batch is claimed with a conditional UPDATE (SKIP LOCKED
on PostgreSQL) under a fresh claim token. For each delivery the body goes to the server, then
the `handed_over_at` mark is written to PostgreSQL and, without waiting for its answer, the
final "." to the SMTP server; then both answers are read. A worker killed mid-batch leaves rows
in `sending`; once their lease expires `reclaim_stale()` sends back to the queue only the rows
never handed over, and counts the handed-over one as sent: the server had (or was about to
have) the whole message, and a second copy is worse than a missing one. The mark leaves first,
so no kill can cause a second copy; the only way to lose a message is a kill in the few
microseconds between the two writes. (Waiting for the mark's answer before the "." made that
window a whole database round trip: about one message lost in every other killed run.)

A batch that outlives its lease must not go on: `reclaim_stale()` may have handed its rows to
another worker. The mark is conditional on the batch's claim token, so a worker whose rows were
taken back learns it from the mark's answer and stops; and a batch stops itself at half its
lease, handing back what it has not sent, so that this stays a matter of clocks gone wrong.

Unlike other services, this module commits as it goes: a batch's progress must outlive the
worker sending it, message by message.
"""

import logging
import re
import secrets
import smtplib
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

from flask import current_app, g
from sqlalchemy import and_, func, or_, select, update

from campaign.core.addresses import ascii_address
from campaign.core.crypto import decryptor
from campaign.core.mail import transport
from campaign.core.outbox import describe_error, utcnow
from campaign.extensions import db
from campaign.notifications import handover, personal_links, suppression
from campaign.notifications.models import Delivery, DeliveryState, Message, MessageState, SendingSettings
from campaign.notifications.rendering import PreparedMessage, Recipient, prepare
from campaign.supporters.models import Subscription, Supporter

log = logging.getLogger(__name__)

ENHANCED_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")


class StopBatch(Exception):
    """The server or the network is down: put the rest of the batch back and try later."""


class LeaseLost(Exception):
    """`reclaim_stale()` took the batch's rows back: another worker sends them now."""


@dataclass
class BatchResult:
    sent: int = 0
    claimed: int = 0
    retry_in: float | None = None  # seconds until more can go (rate limit, backoff, server down)
    # Fewer rows were waiting than the batch could take: another claim now would find none (a
    # notice to one person is one claim, not two).
    exhausted: bool = False
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
    result.claimed, result.exhausted = len(rows), len(rows) < limit
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
    # Claimed, not only sent: SENT is written at the end of a batch, and other tasks are
    # claiming at the same moment.
    minute_ago = utcnow() - timedelta(minutes=1)
    used = db.session.scalar(
        select(func.count()).where(
            Delivery.coalition_id == coalition_id,
            or_(
                Delivery.sent_at > minute_ago,
                and_(Delivery.state == DeliveryState.SENDING, Delivery.claimed_at > minute_ago),
            ),
        )
    )
    return max(0, min(batch, per_minute - used))


# Only what sending needs: each encrypted column costs a decryption per recipient.
RECIPIENT_COLUMNS = (
    Supporter.row_key,
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
        # The claim index's own order, oldest due first: one short range scan. Ordered by id, it
        # walked the primary key past every row already sent, for each batch.
        .order_by(Delivery.not_before)
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
        select(Delivery.id, Delivery.attempts, Delivery.supporter_id, *RECIPIENT_COLUMNS)
        .join(Supporter, Supporter.id == Delivery.supporter_id)
        .where(Delivery.claim_token == token)
        .order_by(Delivery.id)
    ).all()
    return token, rows


def _send_rows(message: Message, token: str, rows: list, result: BatchResult) -> None:
    # Read once: each hand-over commits, which expires `message`, and reading an expired
    # attribute is a SELECT per recipient.
    message_id, coalition_id = message.id, message.coalition_id
    transactional, is_alert = message.transactional, message.is_alert
    link_spec = message.context.get("personal_link")  # each recipient's own link, if it has one
    links = personal_links.links_for(link_spec, [row.supporter_id for row in rows])  # once a batch
    suppressed = suppression.suppressed_indexes(coalition_id, [row.email_index for row in rows])
    sender = _envelope_sender()
    languages = current_app.config["LANGUAGES"]
    hand_back_at = time.monotonic() + current_app.config["NOTIFY_LEASE_SECONDS"] / 2
    decrypt = decryptor()
    unsent = iter(rows)  # on StopBatch, what it still holds goes back to the queue
    try:
        with handover.hand_over_marks() as mark:
            batch = _Batch(coalition_id, token, result, transport(), sender, mark)
            for row in unsent:
                # Without its link the email would ask for nothing (the signature was deleted
                # since, say): suppressed, like an erased supporter's, not failed: sending is fine.
                link_gone = link_spec and row.supporter_id not in links
                if link_gone or _may_not_receive(transactional, is_alert, row, suppressed):
                    result.marks[DeliveryState.SUPPRESSED].append(row.id)
                    continue
                language = row.language if row.language in languages else "en"
                email = decrypt("supporter", "email", row.row_key, row.email)
                name = decrypt("supporter", "first_name", row.row_key, row.first_name) or ""
                link = links.get(row.supporter_id, "")
                prepared = _prepared(message_id, message, language)
                try:
                    # An internationalized domain goes in its ASCII form; an address SMTP cannot
                    # carry at all (saved before the forms refused it) fails here, once.
                    recipient = Recipient(row.id, ascii_address(email), name, row.preferences_token, link)
                    data = prepared.build(recipient)
                except (ValueError, UnicodeError) as error:
                    _fail(row.id, token, describe_error(error))
                    continue
                batch.send(data, recipient, row.attempts)
                if time.monotonic() > hand_back_at:  # long before the lease ends: give the rest back
                    _release(token, [row.id for row in unsent], backoff_seconds=0)
                    break
    except StopBatch as stop:
        log.warning("sending paused for message %s: %s", message_id, stop)
        _release(token, [row.id for row in unsent], backoff_seconds=30)
        result.retry_in = 30.0
    except LeaseLost:  # what is left of the batch is queued again, or someone else's already
        log.warning("message %s: a batch outlived its lease and stopped", message_id)
    finally:
        _write_marks(token, result)
        db.session.commit()


def _envelope_sender() -> str:
    return parseaddr(current_app.config["MAIL_FROM"])[1]


def _prepared(message_id: int, message: Message, language: str) -> PreparedMessage:
    """Rendered once per task, not per batch: `g` lives as long as the task's app context."""
    cache = g.setdefault("notifications_prepared", {})
    if (message_id, language) not in cache:
        cache[message_id, language] = prepare(message, language)
    return cache[message_id, language]


def _may_not_receive(transactional: bool, is_alert: bool, row, suppressed: set[str]) -> bool:
    if row.erased_at is not None or not row.email:
        return True
    if transactional:  # a confirmation the supporter asked for
        return False
    if row.email_index in suppressed or row.subscription == Subscription.UNSUBSCRIBED:
        return True
    return is_alert and row.subscription != Subscription.SUBSCRIBED


@dataclass
class _Batch:
    coalition_id: int
    token: str
    result: BatchResult
    mail: object  # a transport from core.mail
    sender: str
    mark: Callable[[str, int], Callable[[], int]]  # from handover.hand_over_marks()

    def send(self, data: bytes, recipient: Recipient, attempts: int) -> None:
        handed_over = False

        def handing_over() -> Callable[[], None]:
            rows_marked = self.mark(self.token, recipient.delivery_id)  # on its way, not answered

            def after_the_dot() -> None:
                nonlocal handed_over
                handed_over = True
                if rows_marked() != 1:  # no longer this batch's row: another worker may send it
                    log.error("delivery %s sent after its batch lost its lease", recipient.delivery_id)
                    raise LeaseLost(recipient.delivery_id)

            return after_the_dot

        delivery_id = recipient.delivery_id
        try:
            self.mail.send_raw(self.sender, recipient.address, data, handing_over)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            self._refused(
                code, describe_error(smtplib.SMTPResponseException(code, reply)), recipient, attempts
            )
        except smtplib.SMTPSenderRefused as error:  # our sender address, not this recipient: wait
            _retry(delivery_id, attempts, self.token, describe_error(error))
            raise StopBatch(describe_error(error)) from error
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
        elif _refuses_our_sending(code, detail):  # the server's or our setup, not this address
            _retry(recipient.delivery_id, attempts, self.token, detail)
            db.session.commit()
            raise StopBatch(detail)
        else:
            _fail(recipient.delivery_id, self.token, detail)
            if suppress and _address_is_dead(code, detail):  # it will never work: stop mailing it
                suppression.suppress(self.coalition_id, recipient.address, f"bounced: {code}")
        db.session.commit()


def _enhanced_status(detail: str) -> str:
    """The RFC 3463 status ("5.1.1") in an SMTP reply, or ""."""
    match = ENHANCED_STATUS.search(detail)
    return match.group(1) if match else ""


def _refuses_our_sending(code: int, detail: str) -> bool:
    # 530 authentication required, 5.7.x relaying denied / policy: every recipient would fail.
    return code == 530 or _enhanced_status(detail).startswith("5.7.")


def _address_is_dead(code: int, detail: str) -> bool:
    # 5.1.x are about the address (no such user, bad domain); without an enhanced status, the
    # classic "no such mailbox" codes.
    status = _enhanced_status(detail)
    return status.startswith("5.1.") if status else code in (550, 551, 553)


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
    """Record what happened to the batch, in the caller's transaction, once at its end.

    Rows sent meanwhile show as `sending` with `handed_over_at` set, which is what a dead
    worker's rows look like too: either way they count as sent from their hand-over on.
    """
    values = {
        DeliveryState.SENT: {"state": DeliveryState.SENT, "sent_at": Delivery.handed_over_at},
        DeliveryState.SUPPRESSED: {"state": DeliveryState.SUPPRESSED},
    }
    for mark, ids in result.marks.items():
        if ids:
            db.session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), Delivery.claim_token == token)
                .values(**values[mark])
                .execution_options(synchronize_session=False)
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
    never_handed_over = (*stale, Delivery.handed_over_at.is_(None))
    # A row that has killed its worker this many times is given up, not retried for ever.
    db.session.execute(
        update(Delivery)
        .where(*never_handed_over, Delivery.attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"])
        .values(state=DeliveryState.FAILED, claim_token=None, last_error="its worker stopped every time")
    )
    requeued = db.session.execute(
        update(Delivery).where(*never_handed_over).values(state=DeliveryState.QUEUED, claim_token=None)
    ).rowcount
    db.session.commit()
    return requeued


def send_test(message: Message, address: str, name: str) -> None:
    """One copy per language the message is written in; its links lead to a "not valid" page."""
    sender = _envelope_sender()
    languages = ["en", "es"] if message.is_alert and message.body_es else ["en"]
    address = ascii_address(address)
    for language in languages:
        prepared = prepare(message, language, subject_prefix="[TEST] ")
        transport().send_raw(sender, address, prepared.build(Recipient(None, address, name, "test")))
