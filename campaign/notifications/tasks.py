"""Sending tasks: create an alert's deliveries, send them in batches, keep sending moving."""

import math
import time

from celery import shared_task
from flask import current_app

from campaign.accounts.models import User
from campaign.core.outbox import dispatch_committed, outbox_task, publish_after_commit, publish_later, utcnow
from campaign.extensions import db
from campaign.notifications import sending, services
from campaign.notifications.models import Message, MessageState

SEND_TASK = "campaign.notifications.tasks.send_message"


@outbox_task
def start_message(message_id: int) -> None:
    """Write one delivery per recipient, then start the senders (after this commits)."""
    message = db.session.get(Message, message_id)
    if message is None or message.state != MessageState.SENDING:
        return
    created = services.create_deliveries(message)
    if not created:
        services.finish_if_done(message)  # an audience that emptied since composing, or a rerun
    publish_senders(message_id, created)


def publish_senders(message_id: int, deliveries: int | None = None) -> None:
    """Start parallel senders; a notice to one signer needs one sender, not one per worker slot."""
    senders = current_app.config["NOTIFY_PARALLEL_TASKS"]
    if deliveries is not None:
        senders = min(senders, max(1, math.ceil(deliveries / current_app.config["NOTIFY_BATCH_SIZE"])))
    for _ in range(senders):
        publish_after_commit(SEND_TASK, message_id)


@outbox_task
def send_test(message_id: int, user_id: int) -> None:
    """The alert as a supporter would see it, to the organizer, in each language it is written in."""
    message, user = db.session.get(Message, message_id), db.session.get(User, user_id)
    if message is None or user is None:
        return
    sending.send_test(message, user.email, user.name)


@shared_task(name=SEND_TASK)
def send_message(message_id: int) -> None:
    """Send batches until none is left, the time budget is spent, or sending must wait."""
    deadline = time.monotonic() + current_app.config["NOTIFY_TASK_SECONDS"]
    while True:
        batch = sending.send_batch(message_id)
        if batch.retry_in is not None:
            publish_later(SEND_TASK, (message_id,), batch.retry_in)
            break
        if not batch.claimed or batch.exhausted:
            break
        if time.monotonic() > deadline:  # let other messages and pause/cancel have their turn
            publish_later(SEND_TASK, (message_id,), 0)
            break
    message = db.session.get(Message, message_id)
    if message is not None and services.finish_if_done(message):
        db.session.commit()
        dispatch_committed()  # what a finished alert queued (its webhooks)


@shared_task(name="campaign.notifications.tasks.keep_sending")
def keep_sending() -> None:
    """Every few seconds: take back dead workers' rows, start due alerts, restart stalled sends."""
    sending.reclaim_stale()
    services.start_due_alerts(utcnow())
    db.session.commit()
    for message_id in services.messages_with_work():
        publish_after_commit(SEND_TASK, message_id)
    services.mark_stale_sending_messages_done()
    db.session.commit()
    dispatch_committed()
