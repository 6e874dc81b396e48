"""Alerts and notices: compose, schedule, start, pause, cancel, withdraw, follow; the notify() API."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from campaign.core import transitions
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.notifications import audience, suppression
from campaign.notifications.models import (
    Delivery,
    DeliveryState,
    Message,
    MessageKind,
    MessageState,
    SendingSettings,
)
from campaign.notifications.signals import alert_sent
from campaign.supporters import services as supporters
from campaign.supporters.models import Subscription, Supporter
from campaign.supporters.signals import supporter_erasing, supporter_exporting

EDITABLE = (MessageState.DRAFT, MessageState.SCHEDULED)
# A notice names its recipients; PostgreSQL takes at most 65,535 parameters in one statement.
NOTICE_IDS_PER_INSERT = 10_000


class AlertStateError(Exception):
    """The alert is not in a state that allows this (e.g. editing one already sent)."""


class EmptyAudience(Exception):
    """Nobody in the chosen audience can receive email: an alert to nobody is not saved."""


def save_alert(coalition_id: int, author_id: int, fields: dict, alert: Message | None = None) -> Message:
    """Create a draft, or update one that has not started sending."""
    if audience.count(coalition_id, fields["audience"]) == 0:
        raise EmptyAudience()
    if alert is None:
        alert = Message(coalition_id=coalition_id, kind=MessageKind.ALERT, created_by_id=author_id)
        db.session.add(alert)
    elif alert.state not in EDITABLE:
        raise AlertStateError("only drafts and scheduled alerts can be edited")
    for name in ("subject", "body", "subject_es", "body_es", "audience"):
        setattr(alert, name, fields[name])
    db.session.flush()
    return alert


def audience_size(alert: Message) -> int:
    return audience.count(alert.coalition_id, alert.audience)


def schedule(alert: Message, when: datetime, time_zone: str) -> None:
    """`when` in UTC; `time_zone` is where the organizer is, for showing the time back."""
    _move(alert, EDITABLE, MessageState.SCHEDULED, scheduled_at=when, time_zone=time_zone)


def unschedule(alert: Message) -> None:
    _move(alert, (MessageState.SCHEDULED,), MessageState.DRAFT, scheduled_at=None)


def start(message: Message) -> None:
    """Mark it sending; the caller enqueues `tasks.start_message` to create the deliveries."""
    _move(message, EDITABLE, MessageState.SENDING, started_at=utcnow())


def start_due_alerts(now: datetime) -> int:
    """Start the scheduled alerts whose time has come; returns how many started."""
    due = db.session.scalars(
        select(Message).where(Message.state == MessageState.SCHEDULED, Message.scheduled_at <= now)
    ).all()
    started = 0
    for alert in due:
        try:
            start(alert)
        except AlertStateError:  # unscheduled or cancelled a moment ago
            continue
        create_deliveries(alert)
        started += 1
    return started


def create_deliveries(message: Message) -> int:
    """One queued delivery per recipient, written with INSERT ... SELECT; idempotent."""
    if message.deliveries_created_at is not None:
        return 0
    created = sum(
        _insert_deliveries(message, part)
        for part in audience.in_parts(message.audience, NOTICE_IDS_PER_INSERT)
    )
    message.deliveries_created_at = utcnow()
    db.session.flush()
    return created


def _insert_deliveries(message: Message, part: dict) -> int:
    recipients = audience.recipients(message.coalition_id, part, subscribed_only=message.is_alert)
    columns = ["message_id", "supporter_id", "coalition_id", "state", "attempts", "not_before"]
    rows = select(
        literal(message.id),
        Supporter.id,
        literal(message.coalition_id),
        literal(DeliveryState.QUEUED.value),
        literal(0),
        literal(utcnow()),
    ).where(Supporter.id.in_(recipients))
    return db.session.execute(insert(Delivery).from_select(columns, rows)).rowcount


def pause(message: Message) -> None:
    _move(message, (MessageState.SENDING,), MessageState.PAUSED)


def resume(message: Message) -> None:
    _move(message, (MessageState.PAUSED,), MessageState.SENDING)


def cancel(message: Message) -> None:
    """Stop for good: what is still queued is never sent (and stays countable as not sent)."""
    _move(
        message,
        (MessageState.SENDING, MessageState.PAUSED, MessageState.SCHEDULED),
        MessageState.CANCELLED,
        finished_at=utcnow(),
    )


def withdraw(alert: Message) -> MessageState | None:
    """Take back an alert nobody has started sending, once what it says stopped being true: a
    draft is deleted, a scheduled one cancelled (it stays listed, never sent). Returns the state
    it was taken back from; None when it had started sending, which is then left alone."""
    deleted = db.session.execute(
        delete(Message)
        .where(Message.id == alert.id, Message.state == MessageState.DRAFT)
        .execution_options(synchronize_session=False)
    ).rowcount
    if deleted:
        db.session.expunge(alert)
        return MessageState.DRAFT
    if transitions.move(alert, (MessageState.SCHEDULED,), MessageState.CANCELLED, finished_at=utcnow()):
        return MessageState.SCHEDULED
    return None


def finish_if_done(message: Message) -> bool:
    """SENT once its deliveries exist and none is left to send."""
    if message.state != MessageState.SENDING or message.deliveries_created_at is None:
        return False
    unfinished = db.session.scalar(
        select(func.count()).where(
            Delivery.message_id == message.id,
            Delivery.state.in_((DeliveryState.QUEUED, DeliveryState.SENDING)),
        )
    )
    if unfinished:
        return False
    try:
        _move(message, (MessageState.SENDING,), MessageState.SENT, finished_at=utcnow())
    except AlertStateError:  # paused or cancelled a moment ago
        return False
    if message.is_alert:
        alert_sent.send(message)
    return True


def _move(message: Message, allowed, to_state: MessageState, **values) -> None:
    if not transitions.move(message, allowed, to_state, **values):
        raise AlertStateError(f"not allowed while the message is {message.state.value}")


@dataclass
class Progress:
    state: str
    total: int
    sent: int
    failed: int
    suppressed: int
    remaining: int

    @property
    def percent(self) -> int:
        return round(100 * (self.total - self.remaining) / self.total) if self.total else 100


def progress(message: Message) -> Progress:
    counts = dict(
        db.session.execute(
            select(Delivery.state, func.count())
            .where(Delivery.message_id == message.id)
            .group_by(Delivery.state)
        ).all()
    )
    by_state = {DeliveryState(state): number for state, number in counts.items()}
    remaining = by_state.get(DeliveryState.QUEUED, 0) + by_state.get(DeliveryState.SENDING, 0)
    return Progress(
        state=message.state.value,
        total=sum(by_state.values()),
        sent=by_state.get(DeliveryState.SENT, 0),
        failed=by_state.get(DeliveryState.FAILED, 0),
        suppressed=by_state.get(DeliveryState.SUPPRESSED, 0),
        remaining=remaining,
    )


def notify(
    coalition_id: int,
    supporter_ids: list[int],
    template: str,
    context: dict,
    dedupe_key: str,
    transactional: bool = False,
) -> Message | None:
    """Queue a notice for these supporters, once per `dedupe_key`; None if it was queued before.

    `template` names `templates/<template>.subject.txt`, `.txt` and `.html`, rendered in each
    recipient's language with `context` (stored as JSON: ids and public words, no personal data).
    The caller enqueues `tasks.start_message` with the returned message's id after this.
    """
    if db.session.scalar(select(Message.id).where(Message.dedupe_key == dedupe_key)):
        return None
    message = Message(
        coalition_id=coalition_id,
        kind=MessageKind.NOTICE,
        state=MessageState.SENDING,
        template=template,
        context=context,
        dedupe_key=dedupe_key,
        transactional=transactional,
        audience={"supporter_ids": sorted(set(supporter_ids))},
        started_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:  # raised at the same moment elsewhere
        return None
    return message


def forget_notices(dedupe_prefix: str) -> int:
    """Delete the notices whose key starts with `dedupe_prefix` ("petition:12:") and their
    deliveries, once what they were about is forgotten: their recipient lists would still say
    who signed. Returns how many notices."""
    notices = select(Message.id).where(
        Message.kind == MessageKind.NOTICE, Message.dedupe_key.startswith(dedupe_prefix, autoescape=True)
    )
    db.session.execute(delete(Delivery).where(Delivery.message_id.in_(notices)))
    return db.session.execute(delete(Message).where(Message.id.in_(notices))).rowcount


def forget_signers_batch(signature, parent, notice_prefix: str, where, forgotten: dict, batch: int) -> int:
    """Unlink one batch of the `signature` rows that `where` selects from their people: each
    loses its supporter and takes the `forgotten` values, after the notices of its `parent` (a
    petition, a letter; keys "<notice_prefix>:<parent id>:") are deleted, since their recipient
    lists name the signers. Returns how many; the caller commits and calls again until 0."""
    rows = db.session.execute(
        select(signature.id, parent).where(*where, signature.supporter_id.is_not(None)).limit(batch)
    ).all()
    for parent_id in {parent_id for _, parent_id in rows}:
        forget_notices(f"{notice_prefix}:{parent_id}:")
    if rows:
        db.session.execute(
            update(signature)
            .where(signature.id.in_([row_id for row_id, _ in rows]))
            .values(supporter_id=None, **forgotten)
        )
    return len(rows)


def mark_stale_sending_messages_done() -> int:
    """Messages whose every delivery is settled are finished (a worker may have died last)."""
    finished = 0
    for message in db.session.scalars(select(Message).where(Message.state == MessageState.SENDING)):
        finished += finish_if_done(message)
    return finished


def messages_with_work() -> list[int]:
    now = utcnow()
    return list(
        db.session.scalars(
            select(Delivery.message_id)
            .join(Message, Message.id == Delivery.message_id)
            .where(
                Message.state == MessageState.SENDING,
                Delivery.state == DeliveryState.QUEUED,
                Delivery.not_before <= now,
            )
            .distinct()
        )
    )


def set_rate(coalition_id: int, messages_per_minute: int) -> None:
    settings = db.session.get(SendingSettings, coalition_id)
    if settings is None:
        settings = SendingSettings(coalition_id=coalition_id)
        db.session.add(settings)
    settings.messages_per_minute = messages_per_minute
    db.session.flush()


@dataclass
class PreferenceValues:
    subscribed: bool
    language: str


def preference_values(supporter: Supporter) -> PreferenceValues:
    return PreferenceValues(supporter.subscription == Subscription.SUBSCRIBED, supporter.language)


def save_preferences(supporter: Supporter, subscribed: bool, language: str, wording: str) -> None:
    """Language always; subscribing again records consent with the words the supporter saw.
    Only the address's owner holds the link: their record is on file from now on."""
    supporters.mark_confirmed(supporter)
    supporter.language = language
    is_subscribed = supporter.subscription == Subscription.SUBSCRIBED
    if subscribed and not is_subscribed:
        supporters.record_consent(supporter, wording, language, source="preferences")
    elif not subscribed and is_subscribed:
        supporters.unsubscribe(supporter)
    db.session.flush()


def supporter_for_token(token: str) -> Supporter | None:
    return db.session.scalar(select(Supporter).where(Supporter.preferences_token == token))


def unsubscribe_from_link(supporter: Supporter) -> None:
    supporters.mark_confirmed(supporter)  # the link reached the owner (see `save_preferences`)
    if supporter.subscription != Subscription.UNSUBSCRIBED:
        supporters.unsubscribe(supporter)


@supporter_exporting.connect
def describe_emails_sent(supporter: Supporter) -> list[str]:
    """For a supporter's copy of their data: which of our emails reached them, and when."""
    rows = db.session.execute(
        select(Delivery.sent_at, Message.subject, Message.template)
        .join(Message, Message.id == Delivery.message_id)
        .where(Delivery.supporter_id == supporter.id, Delivery.state == DeliveryState.SENT)
        .order_by(Delivery.sent_at)
    )
    return [f"{sent_at:%Y-%m-%d} · email · {subject or template}" for sent_at, subject, template in rows]


@supporter_erasing.connect
def forget_recipient(supporter: Supporter) -> None:
    """An erased person's deliveries stay, so each message's totals do, but lose the server's
    reply (a refusal quotes the address). The coalition keeps the address's blind index alone, as
    a mark that its owner asked to be erased: an organizer pasting or inviting it again would
    otherwise make a new record and email them (letters' outreach checks the mark)."""
    db.session.execute(update(Delivery).where(Delivery.supporter_id == supporter.id).values(last_error=None))
    if supporter.email_index:
        suppression.mark_erased(supporter.coalition_id, supporter.email_index)
