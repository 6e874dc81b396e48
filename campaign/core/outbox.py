"""The outbox: follow-up work written in the request's transaction, enqueued after commit.

The database is the record and Redis only transport. `enqueue()` adds a row to the current
transaction; when that transaction commits, `dispatch_committed()` (called after each request,
task and CLI command) publishes a Celery task per row. If publishing fails the row stays pending
and `sweep()` (a beat job) publishes it again. A task claims its row with a conditional UPDATE, so
a message delivered twice runs its work once.
"""

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import wraps

from celery import shared_task
from flask import Response, current_app, has_request_context, request
from sqlalchemy import JSON, DateTime, Integer, String, Text, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from campaign.core.database import unavailable, wait_until_back
from campaign.core.outage import outage
from campaign.extensions import db

log = logging.getLogger(__name__)

EMAIL_ADDRESS = re.compile(r"[^\s@'\"<>(),;:]+@[^\s@'\"<>(),;:]+")

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
# How long a task whose database went away waits for it to answer again before recording its
# failure: a restart takes seconds; a longer outage leaves the row to the lease.
DATABASE_WAIT_SECONDS = 60


class WillNeverWork(Exception):
    """Raised by a task whose work no retry can do (an address no mail server takes): its row
    is marked failed at once, with the reason, instead of being tried again for hours."""


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class OutboxEntry(db.Model):
    __tablename__ = "outbox_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_name: Mapped[str] = mapped_column(String(200))
    # Ids only: the payload is copied into Redis messages' neighbours' logs, never personal data.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


# Tasks whose work must not lengthen the response of the request that queued them, and where
# a request keeps those it committed until its response is sent.
_AFTER_RESPONSE: set[str] = set()
_DEFERRED = "campaign.outbox_after_response"


def outbox_task(fn=None, *, after_response: bool = False, on_give_up: Callable[..., None] | None = None):
    """Make `fn(**payload)` a Celery task that runs once per outbox row.

    The task takes the row's id, claims it, calls `fn` with the row's payload, and commits the
    work together with the row's `done` state. `fn` loads what it needs by id and calls services.
    If `fn` raises, the row is tried again later, with backoff; once it fails for good (out of
    attempts, or WillNeverWork), `on_give_up(**payload)` runs in the transaction that records it,
    for work that holds something until it ends (an import's file).

    `after_response=True` is for tasks answering a request about an address (a password reset,
    a data copy): how long the request takes must not tell whether the address is on file. With
    a broker a worker runs every task anyway; in-process, such a task runs once the response
    has been sent, not before.
    """
    if fn is None:
        return lambda fn: outbox_task(fn, after_response=after_response, on_give_up=on_give_up)
    name = f"{fn.__module__}.{fn.__name__}"
    if after_response:
        _AFTER_RESPONSE.add(name)

    @shared_task(name=name)
    @wraps(fn)
    def task(entry_id: int) -> None:
        run_entry(entry_id, fn, on_give_up)

    return task


def enqueue(task, **payload) -> OutboxEntry:
    """Add follow-up work to the current transaction; it is published once that commits."""
    entry = OutboxEntry(task_name=task.name, payload=payload)
    db.session.add(entry)
    db.session.flush()
    db.session.info.setdefault("outbox_new", []).append((entry.id, entry.task_name))
    return entry


def publish_after_commit(task_name: str, *args) -> None:
    """Publish an idempotent task once the current transaction commits, without an outbox row.

    For tasks that claim their own work (the bulk sender) and that a beat job publishes again
    if this publication is lost, so a lost message only delays the work.
    """
    db.session.info.setdefault("publish_new", []).append((task_name, args))


# Task name -> when (time.monotonic) the kick this process last published will run.
_kick_runs_at: dict[str, float] = {}


def kick_after_commit(task_name: str, within: float) -> None:
    """Have a task that claims its own work (and that a beat job also runs) start within `within`
    seconds of this commit, publishing at most one message per `within` seconds per process.

    For work every request adds, like a signature's confirmation email: under a surge, a thousand
    commits a second share one publication instead of paying a broker round trip each. Without a
    broker the task runs after each commit, as every task does in-process.
    """
    db.session.info.setdefault("kick_new", set()).add((task_name, within))


# What a session collects until it commits, per kind of follow-up work.
_UNCOMMITTED = ("outbox_new", "publish_new", "kick_new")


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for pending in _UNCOMMITTED:
        new = session.info.pop(pending, None)
        if new:
            committed = session.info.setdefault(pending.replace("_new", "_committed"), [])
            committed.extend(new)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    for pending in _UNCOMMITTED:
        session.info.pop(pending, None)


def dispatch_committed() -> None:
    """Publish a task for each outbox row (and each task) committed since the last call."""
    for task_name, args in db.session.info.pop("publish_committed", []):
        _publish_task(task_name, args)
    for task_name, within in set(db.session.info.pop("kick_committed", [])):
        _kick(task_name, within)
    # The rows' ids and task names were kept at enqueue: no query on the request's path.
    for entry_id, task_name in db.session.info.pop("outbox_committed", []):
        if task_name in _AFTER_RESPONSE and has_request_context() and not _uses_broker():
            # On the request, not `g`: a task run in-process has an app context of its own.
            request.environ.setdefault(_DEFERRED, []).append((entry_id, task_name))
        else:
            publish(entry_id, task_name)


def run_after_response(response: Response) -> None:
    """Have the tasks this request deferred (see `outbox_task`) run once `response` is sent.

    They run when the server has written the body, and at the latest when it closes the
    response (a test client's `close()`), once either way: a server may skip `close()` when the
    client has already hung up, as Werkzeug's development server does after a redirect."""
    deferred = request.environ.pop(_DEFERRED, None)
    if not deferred:
        return
    app = current_app._get_current_object()
    once = threading.Lock()

    def run() -> None:
        if not once.acquire(blocking=False):
            return
        with app.app_context():
            for entry_id, task_name in deferred:
                publish(entry_id, task_name)

    response.call_on_close(run)
    if not response.is_streamed:
        body = response.get_data()
        response.headers["Content-Length"] = str(len(body))
        response.response = _then(body, run)


def _then(body: bytes, run: Callable[[], None]) -> Iterator[bytes]:
    yield body
    run()


def publish(entry_id: int, task_name: str) -> bool:
    return _publish_task(task_name, (entry_id,))


def _publish_task(task_name: str, args: tuple, countdown: float | None = None) -> bool:
    # This Flask app's Celery app, not Celery's process-wide default (the last one created):
    # with several apps in one process (tests, scripts) the default may use another broker.
    celery = current_app.extensions["celery"]
    if not _uses_broker():
        result = celery.tasks[task_name].apply(args=list(args))
        if result.failed():  # in-process, a task's error is kept in its result, not raised
            log.error("task %s%s failed in-process: %s", task_name, args, describe_error(result.result))
        return True
    # A broker that just failed is not tried again for REDIS_RETRY_SECONDS: the request goes on
    # at once, and its rows wait for the sweeper (kicks, for their beat job).
    broker = outage("Celery broker", "tasks wait in the outbox for the sweeper")
    if broker.down():
        return False
    try:
        celery.send_task(task_name, args=list(args), countdown=countdown)
    except Exception as error:  # noqa: BLE001 - any broker failure leaves the work for the sweeper
        broker.failed(error)
        return False
    broker.answered()
    return True


def publish_later(task_name: str, args: tuple, countdown: float) -> bool:
    """Publish after `countdown` seconds (kept short: longer waits are scheduled in the database).

    In-process (no broker) there is no later: the beat job picks the work up instead.
    """
    return _uses_broker() and _publish_task(task_name, args, countdown)


def _kick(task_name: str, within: float) -> None:
    if not _uses_broker():
        _publish_task(task_name, ())
        return
    now = time.monotonic()
    if _kick_runs_at.get(task_name, 0.0) > now:
        return  # the kick already on its way runs after this commit and takes its work too
    _kick_runs_at[task_name] = now + within
    # If the broker is down this fails quietly; the beat job runs the task when it is back.
    _publish_task(task_name, (), countdown=within)


def _uses_broker() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def claim(entry_id: int) -> dict | None:
    """Take the row for this worker; None if someone else has it or it is done."""
    result = db.session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == entry_id, OutboxEntry.state == PENDING)
        .values(state=RUNNING, claimed_at=utcnow(), attempts=OutboxEntry.attempts + 1)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return db.session.get(OutboxEntry, entry_id).payload


def run_entry(entry_id: int, handler, on_give_up=None) -> None:
    payload = claim(entry_id)
    if payload is None:
        return
    try:
        handler(**payload)
        _finish(entry_id, DONE)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        message = describe_error(error)
        log.error("outbox entry %s failed: %s", entry_id, message)
        if unavailable(error):
            # The database went away (a restart): what follows needs it, and written once it is
            # back the retry comes after the backoff instead of after the lease.
            wait_until_back(DATABASE_WAIT_SECONDS)
        if isinstance(error, WillNeverWork):
            _finish(entry_id, FAILED, message)
            gave_up = True
        else:
            gave_up = _retry_or_fail(entry_id, message)
        if gave_up and on_give_up is not None:
            on_give_up(**payload)
        db.session.commit()
    dispatch_committed()  # work this task queued in turn


def _finish(entry_id: int, state: str, error: str | None = None) -> None:
    db.session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == entry_id)
        .values(state=state, finished_at=utcnow(), last_error=error)
    )


def describe_error(error: Exception) -> str:
    """The error for logs and the outbox row, with email addresses masked.

    SMTP errors quote the recipient; logs and a database dump must not reveal it.
    """
    return EMAIL_ADDRESS.sub("[address]", f"{type(error).__name__}: {error}")[:2000]


def _retry_or_fail(entry_id: int, message: str) -> bool:
    """Put the row back for a later try; True if it is out of attempts and failed instead."""
    entry = db.session.get(OutboxEntry, entry_id)
    if entry.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        _finish(entry_id, FAILED, message)
        return True
    backoff = timedelta(seconds=min(3600, 15 * 2 ** (entry.attempts - 1)))
    entry.state, entry.not_before, entry.last_error = PENDING, utcnow() + backoff, message
    return False


def sweep(limit: int = 500) -> int:
    """Publish rows left pending, and take back rows whose worker died. Returns rows published."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    db.session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.state == RUNNING, OutboxEntry.claimed_at < now - lease)
        .values(state=PENDING)
    )
    stale = now - timedelta(seconds=current_app.config["OUTBOX_SWEEP_AFTER_SECONDS"])
    rows = db.session.execute(
        select(OutboxEntry.id, OutboxEntry.task_name)
        .where(
            OutboxEntry.state == PENDING,
            OutboxEntry.not_before <= now,
            OutboxEntry.created_at <= stale,
        )
        .order_by(OutboxEntry.id)
        .limit(limit)
    ).all()
    db.session.commit()
    return sum(publish(entry_id, task_name) for entry_id, task_name in rows)
