"""The outbox in embedded mode (no REDIS_URL): tasks run in-process after commit."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign import create_app
from campaign.config import TestConfig
from campaign.core import outbox
from campaign.core.outbox import (
    DONE,
    FAILED,
    PENDING,
    RUNNING,
    OutboxEntry,
    WillNeverWork,
    outbox_task,
    utcnow,
)
from campaign.extensions import db as _db
from tests.services import REFUSING_REDIS

CALLS: list[dict] = []


def record(**payload) -> None:
    CALLS.append(payload)


def fail(**payload) -> None:
    CALLS.append(payload)
    raise RuntimeError("the mail server said no")


def fail_again(**payload) -> None:
    CALLS.append(payload)
    raise RuntimeError("the database is restarting")


def never_works(**payload) -> None:
    raise WillNeverWork("the file is gone")


def give_up(**payload) -> None:
    CALLS.append({"gave up": payload})


record_call = outbox_task(record)
always_fails = outbox_task(fail)
fails_then_gives_up = outbox_task(fail_again, on_give_up=give_up)
never_works_then_gives_up = outbox_task(never_works, on_give_up=give_up)


@pytest.fixture(autouse=True)
def calls():
    CALLS.clear()
    yield CALLS
    CALLS.clear()


def fresh(db, entry_id: int) -> OutboxEntry:
    """The row as stored: tasks commit from their own app context and session."""
    db.session.expire_all()
    return db.session.get(OutboxEntry, entry_id)


def test_enqueue_then_commit_runs_the_task_once(db, calls):
    entry_id = outbox.enqueue(record_call, item_id=7).id
    assert calls == []  # nothing runs before the commit
    db.session.commit()
    outbox.dispatch_committed()
    outbox.dispatch_committed()  # a second hand-off finds nothing new
    assert calls == [{"item_id": 7}]
    entry = fresh(db, entry_id)
    assert (entry.state, entry.attempts) == (DONE, 1)
    assert entry.finished_at is not None


def test_rollback_drops_the_work(db, calls):
    outbox.enqueue(record_call, item_id=8)
    db.session.rollback()
    db.session.commit()
    outbox.dispatch_committed()
    assert calls == []
    assert db.session.scalar(select(OutboxEntry)) is None


def test_a_request_that_commits_runs_its_work(client, db, mailbox):
    response = client.post(
        "/accounts/signup",
        data={"name": "Rosa", "email": "rosa@example.org", "password": "x" * 12, "confirm": "x" * 12},
    )
    assert response.status_code == 302
    response.close()  # the email goes out once the response is sent
    assert [m["Subject"] for m in mailbox.to("rosa@example.org")] == ["Confirm your email address"]
    assert db.session.scalar(select(OutboxEntry.state)) == DONE


def test_claiming_twice_runs_once(db, calls):
    entry_id = outbox.enqueue(record_call, item_id=9).id
    db.session.commit()
    outbox.run_entry(entry_id, record)
    outbox.run_entry(entry_id, record)
    assert calls == [{"item_id": 9}]
    assert outbox.claim(entry_id) is None
    assert fresh(db, entry_id).attempts == 1


def test_a_failing_task_backs_off_then_is_marked_failed(app, db, calls):
    app.config.update(OUTBOX_MAX_ATTEMPTS=3, OUTBOX_SWEEP_AFTER_SECONDS=0)
    entry_id = outbox.enqueue(always_fails, item_id=10).id
    db.session.commit()
    outbox.dispatch_committed()

    for attempts, backoff in ((1, 15), (2, 30)):
        entry = fresh(db, entry_id)
        assert (entry.state, entry.attempts) == (PENDING, attempts)
        assert entry.last_error == "RuntimeError: the mail server said no"
        wait = (entry.not_before - utcnow()).total_seconds()
        assert backoff - 5 < wait <= backoff
        assert outbox.sweep() == 0  # not due yet
        entry.not_before = utcnow() - timedelta(seconds=1)  # time passes
        db.session.commit()
        assert outbox.sweep() == 1

    entry = fresh(db, entry_id)
    assert (entry.state, entry.attempts) == (FAILED, 3)
    assert entry.finished_at is not None
    assert outbox.sweep() == 0  # failed rows are left for a person to look at
    assert len(calls) == 3


def test_a_task_that_holds_something_lets_it_go_once_it_fails_for_good_not_before(app, db, calls):
    app.config.update(OUTBOX_MAX_ATTEMPTS=2, OUTBOX_SWEEP_AFTER_SECONDS=0)
    entry_id = outbox.enqueue(fails_then_gives_up, item_id=14).id
    db.session.commit()
    outbox.dispatch_committed()
    assert calls == [{"item_id": 14}]  # tried again later: nothing let go yet
    entry = fresh(db, entry_id)
    entry.not_before = utcnow() - timedelta(seconds=1)
    db.session.commit()
    outbox.sweep()
    assert calls == [{"item_id": 14}, {"item_id": 14}, {"gave up": {"item_id": 14}}]
    assert fresh(db, entry_id).state == FAILED

    calls.clear()
    entry_id = outbox.enqueue(never_works_then_gives_up, item_id=15).id
    db.session.commit()
    outbox.dispatch_committed()
    assert calls == [{"gave up": {"item_id": 15}}]
    assert (fresh(db, entry_id).state, fresh(db, entry_id).attempts) == (FAILED, 1)


def test_sweep_takes_back_rows_whose_lease_expired(app, db, calls):
    app.config.update(OUTBOX_SWEEP_AFTER_SECONDS=0, OUTBOX_LEASE_SECONDS=900)
    long_ago = utcnow() - timedelta(seconds=901)
    dead_worker = OutboxEntry(
        task_name=record_call.name, payload={"item_id": 11}, state=RUNNING, attempts=1, claimed_at=long_ago
    )
    busy_worker = OutboxEntry(
        task_name=record_call.name, payload={"item_id": 12}, state=RUNNING, attempts=1, claimed_at=utcnow()
    )
    db.session.add_all([dead_worker, busy_worker])
    db.session.commit()
    dead_id, busy_id = dead_worker.id, busy_worker.id

    assert outbox.sweep() == 1
    assert calls == [{"item_id": 11}]
    assert (fresh(db, dead_id).state, fresh(db, dead_id).attempts) == (DONE, 2)
    assert fresh(db, busy_id).state == RUNNING


def test_sweep_leaves_recent_rows_to_the_normal_hand_off(app, db, calls):
    app.config["OUTBOX_SWEEP_AFTER_SECONDS"] = 30
    outbox.enqueue(record_call, item_id=13)
    db.session.commit()
    assert outbox.sweep() == 0
    assert calls == []


def test_work_deferred_after_the_response_runs_when_a_server_writes_it_without_closing_it(
    app, db, make_user, mailbox
):
    """Werkzeug's development server skips `close()` when the browser has already hung up
    (after a redirect, say): a reset email deferred to after the response must still go."""
    from werkzeug.test import EnvironBuilder

    make_user(email="ana@example.org")
    environ = EnvironBuilder(
        path="/accounts/reset", method="POST", data={"email": "ana@example.org"}
    ).get_environ()
    body = b"".join(app.wsgi_app(environ, lambda status, headers: None))  # written, never closed
    assert body and len(mailbox.to("ana@example.org")) == 1


def test_a_task_failing_in_process_is_logged_without_the_address_it_quoted(app, db, caplog):
    """In-process, Celery keeps a task's error in its result: it is logged, addresses masked."""

    @app.extensions["celery"].task(name="tests.core.failing_with_an_address")
    def failing() -> None:
        raise ValueError("550 no mailbox rosa@example.org")

    outbox._publish_task("tests.core.failing_with_an_address", ())
    ours = [record.getMessage() for record in caplog.records if record.name == "campaign.core.outbox"]
    assert ours == [
        "task tests.core.failing_with_an_address() failed in-process: ValueError: 550 no mailbox [address]"
    ]


def test_with_the_broker_down_a_commit_goes_on_and_its_rows_wait_for_the_sweeper(caplog):
    """The broker refusing connections: the first publication fails at once, the next ones are
    not tried (REDIS_RETRY_SECONDS), and one line says so."""
    app = create_app(TestConfig, REDIS_URL=REFUSING_REDIS)
    with app.app_context():
        _db.create_all()
        ids = [outbox.enqueue(record_call, item_id=number).id for number in range(3)]
        _db.session.commit()
        outbox.dispatch_committed()
        states = _db.session.scalars(select(OutboxEntry.state).where(OutboxEntry.id.in_(ids))).all()
        _db.session.remove()
    assert states == [PENDING] * 3
    (line,) = [record.getMessage() for record in caplog.records if record.name == "campaign.core.outage"]
    assert line.startswith("Celery broker unreachable (OperationalError)")
