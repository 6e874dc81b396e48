"""The outbox with real parts: Redis down at request time, the sweeper, duplicate deliveries."""

import pytest
from sqlalchemy import select

from campaign.accounts.models import User
from campaign.core import outbox
from campaign.core.outbox import DONE, PENDING, OutboxEntry
from campaign.extensions import db
from tests.integration.helpers import new_address, sign_up
from tests.services import wait_until

pytestmark = pytest.mark.integration


def entries_for(app, address: str) -> list[OutboxEntry]:
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == address))
        entries = db.session.scalars(
            select(OutboxEntry)
            .where(OutboxEntry.payload["user_id"].as_integer() == user_id)
            .order_by(OutboxEntry.id)
        ).all()
        db.session.expunge_all()
        return entries


def drain(it_client, smtp_server) -> None:
    """Wait until the worker has handled everything published so far.

    The worker takes one message at a time from one queue, in order, so once a mail published
    after them arrives, the earlier messages have been handled too. No sleeping.
    """
    address = new_address("sentinel")
    assert sign_up(it_client, address).status_code == 302
    smtp_server.wait_for_mail_to(address)


def wait_for_state(app, address: str, state: str) -> OutboxEntry:
    def reached():
        (entry,) = entries_for(app, address)
        return entry if entry.state == state else None

    return wait_until(reached, 30, message=f"the outbox row for {address} to be {state}")


def test_signup_succeeds_while_redis_is_down_and_the_sweeper_delivers_once(
    redis_down_app, sweeper_app, it_client, celery_worker, smtp_server
):
    address = new_address("offline")
    response = sign_up(redis_down_app.test_client(), address)
    assert response.status_code == 302

    (entry,) = entries_for(redis_down_app, address)
    assert (entry.state, entry.attempts) == (PENDING, 0)

    with sweeper_app.app_context():
        assert outbox.sweep() >= 1
    (message,) = smtp_server.wait_for_mail_to(address)
    assert message["Subject"] == "Confirm your email address"
    entry = wait_for_state(sweeper_app, address, DONE)
    assert entry.attempts == 1

    # The sweeper runs again (as beat does every 15 s): a done row is not sent again.
    with sweeper_app.app_context():
        outbox.sweep()
    drain(it_client, smtp_server)
    assert len(smtp_server.to(address)) == 1


def test_the_same_entry_published_twice_sends_once(
    redis_down_app, sweeper_app, it_client, celery_worker, smtp_server
):
    address = new_address("twice")
    sign_up(redis_down_app.test_client(), address)
    (entry,) = entries_for(redis_down_app, address)

    # Two messages for one pending row, as when Redis redelivers or the sweeper races a publish.
    with sweeper_app.app_context():
        assert outbox.publish(entry.id, entry.task_name)
        assert outbox.publish(entry.id, entry.task_name)
    drain(it_client, smtp_server)

    assert len(smtp_server.to(address)) == 1
    (entry,) = entries_for(sweeper_app, address)
    assert (entry.state, entry.attempts) == (DONE, 1)


def test_healthz_against_the_real_services(it_client):
    response = it_client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_reports_redis_down_and_stays_200_while_signatures_are_taken(redis_down_app):
    response = redis_down_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "down"}
