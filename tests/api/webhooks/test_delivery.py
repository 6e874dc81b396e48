"""Webhook delivery: signed as Standard Webhooks says, retried with backoff, batched, given up
after a day, and an endpoint failing for three days turned off with its owners told; all
against a real HTTP receiver on 127.0.0.1."""

import re
from datetime import timedelta

from sqlalchemy import select, update
from standardwebhooks import Webhook

from campaign.api import tasks
from campaign.api.webhooks import delivery as webhook_delivery
from campaign.api.webhooks import http as webhook_http
from campaign.api.webhooks import services as webhooks
from campaign.api.webhooks.models import (
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from campaign.core.outbox import dispatch_committed, utcnow

SECRET = re.compile(r"whsec_[A-Za-z0-9+/]{43}=")


def send_test_event(db, endpoint) -> None:
    """A test event, as its button sends it: committed, then delivered in-process."""
    webhooks.send_test(endpoint)
    db.session.commit()
    dispatch_committed()


def run_due(db, later=timedelta(0)):
    """The periodic job, as if `later` had passed for every waiting delivery."""
    waiting = select(WebhookDelivery).where(WebhookDelivery.state == DeliveryState.PENDING)
    for each in db.session.scalars(waiting):
        each.next_attempt_at -= later
    db.session.commit()
    tasks.deliver_due_webhooks()


def delivery(db) -> WebhookDelivery:
    db.session.expire_all()
    return db.session.scalar(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()))


def test_a_test_event_is_signed_with_the_endpoints_secret_and_verified(db, hook, receiver):
    endpoint = hook()
    assert SECRET.fullmatch(receiver.secret)
    send_test_event(db, endpoint)
    (received,) = receiver.wait_for(1)
    assert received.verified and received.status == 200
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["User-Agent"].startswith("Campaign-desk-Webhooks/")
    assert received.headers["webhook-id"] == f"msg_{delivery(db).id}"
    assert re.fullmatch(r"v1,[A-Za-z0-9+/]+=*", received.headers["webhook-signature"])
    payload = received.payload
    assert payload["type"] == "ping" and set(payload) == {"type", "timestamp", "data"}
    sent = delivery(db)
    assert (sent.state, sent.attempts, sent.last_status_code) == (DeliveryState.DELIVERED, 1, 200)
    (attempt,) = sent.tries
    assert attempt.status_code == 200 and attempt.response_ms >= 0 and attempt.error is None
    assert db.session.get(WebhookEndpoint, endpoint.id).last_success_at is not None


def test_another_secret_does_not_verify(db, hook, receiver):
    endpoint = hook()
    receiver.secret = webhooks.new_secret()
    send_test_event(db, endpoint)
    (received,) = receiver.wait_for(1)
    assert not received.verified and received.status == 401
    assert delivery(db).state == DeliveryState.PENDING  # a 401 is a failure, tried again later


def test_a_failure_is_retried_with_backoff_then_delivered_with_the_same_webhook_id(db, hook, receiver):
    endpoint = hook()
    receiver.answer(500, 503)
    send_test_event(db, endpoint)
    receiver.wait_for(1)
    first = delivery(db)
    assert first.state == DeliveryState.PENDING and first.last_status_code == 500
    assert (
        timedelta(seconds=29) < first.next_attempt_at - first.tries[0].attempted_at <= timedelta(seconds=30)
    )
    run_due(db)  # not due yet: nothing sent
    assert len(receiver.received) == 1
    run_due(db, later=timedelta(seconds=30))
    receiver.wait_for(2)
    second = delivery(db)
    assert second.next_attempt_at - second.tries[0].attempted_at == timedelta(minutes=1)
    run_due(db, later=timedelta(minutes=1))
    received = receiver.wait_for(3)
    assert [each.status for each in received] == [500, 503, 200]
    assert len({each.headers["webhook-id"] for each in received}) == 1
    assert len({each.headers["webhook-timestamp"] for each in received}) >= 1
    done = delivery(db)
    assert (done.state, done.attempts) == (DeliveryState.DELIVERED, 3)
    assert [attempt.status_code for attempt in done.tries] == [200, 503, 500]  # newest first
    assert done.tries[-1].error == "HTTP 500 Internal Server Error"
    assert db.session.get(WebhookEndpoint, endpoint.id).failing_since is None


def test_backoff_doubles_from_30_seconds_up_to_an_hour(app):
    waits = [webhook_delivery.backoff(attempt).total_seconds() for attempt in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert webhook_delivery.backoff(10_000).total_seconds() == 3600


def test_no_answer_is_recorded_and_retried(db, hook, app):
    endpoint = hook(url="http://127.0.0.1:9/nobody-listens")
    send_test_event(db, endpoint)
    failed = delivery(db)
    assert failed.state == DeliveryState.PENDING and failed.last_status_code is None
    assert failed.tries[0].error == webhook_http.REFUSED


def test_a_delivery_is_given_up_a_day_after_its_event(db, hook, receiver):
    endpoint = hook()
    receiver.answer(*[500] * 5)
    webhooks.send_test(endpoint)
    db.session.execute(update(WebhookDelivery).values(give_up_at=utcnow() + timedelta(seconds=40)))
    db.session.commit()
    dispatch_committed()
    receiver.wait_for(1)
    assert delivery(db).next_attempt_at <= delivery(db).give_up_at
    db.session.execute(update(WebhookDelivery).values(give_up_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    run_due(db, later=timedelta(hours=1))
    assert delivery(db).state == DeliveryState.GIVEN_UP
    assert len(receiver.received) == 1  # the periodic job gives it up without sending it


def test_an_endpoint_failing_three_days_is_turned_off_and_its_owners_emailed(
    db, hook, receiver, coalition, add_teammate, mailbox
):
    from campaign.coalitions.models import Role

    add_teammate(coalition, Role.OWNER, "second-owner@example.org")
    add_teammate(coalition, Role.ADMIN, "admin@example.org")
    endpoint = hook()
    receiver.answer(500, 500)
    send_test_event(db, endpoint)
    receiver.wait_for(1)
    assert db.session.get(WebhookEndpoint, endpoint.id).enabled  # failing, for a moment only
    db.session.execute(update(WebhookEndpoint).values(failing_since=utcnow() - timedelta(days=3, minutes=1)))
    db.session.commit()
    run_due(db, later=timedelta(minutes=1))
    receiver.wait_for(2)
    db.session.expire_all()
    turned_off = db.session.get(WebhookEndpoint, endpoint.id)
    assert not turned_off.enabled and turned_off.disabled_for_failing
    told = sorted(mail["To"] for mail in mailbox.messages())
    assert told == ["organizer@example.org", "second-owner@example.org"]
    assert "Webhook turned off: Sync" in mailbox.messages()[0]["Subject"]
    # Off, nothing more goes, but a test event does (to check it before turning it on).
    webhooks.record_event(endpoint.coalition_id, "person.unsubscribed", person_id=1)
    send_test_event(db, turned_off)
    received = receiver.wait_for(3)
    assert [each.payload["type"] for each in received] == ["ping"] * 3
    webhooks.switch(turned_off, True)
    db.session.commit()
    assert turned_off.failing_since is None and not turned_off.disabled_for_failing


def test_the_owner_email_speaks_spanish(db, hook, receiver, coalition, mailbox):
    coalition.roles[0].user.locale = "es"
    endpoint = hook()
    db.session.execute(update(WebhookEndpoint).values(failing_since=utcnow() - timedelta(days=4)))
    receiver.answer(500)
    send_test_event(db, endpoint)
    (mail,) = mailbox.messages()
    assert "Webhook desactivado: Sync" in mail["Subject"]


def test_a_batching_endpoint_gets_at_most_100_events_a_request(db, hook, receiver, app):
    endpoint = hook(batch=True)
    app.config["WEBHOOK_LOCAL_RECEIVERS"] = True
    for person_id in range(1, 151):
        webhooks.record_event(endpoint.coalition_id, "person.unsubscribed", person_id=person_id)
    db.session.commit()
    dispatch_committed()
    received = receiver.wait_for(2)
    assert [len(each.payload) for each in received] == [100, 50]
    assert all(each.verified for each in received)
    assert received[0].headers["webhook-id"].startswith("batch_")
    items = [item for each in received for item in each.payload]
    assert len({item["id"] for item in items}) == 150
    assert {item["type"] for item in items} == {"person.unsubscribed"}
    assert db.session.scalar(select(WebhookAttempt.batch_size).order_by(WebhookAttempt.id)) == 100
    states = db.session.scalars(select(WebhookDelivery.state)).all()
    assert set(states) == {DeliveryState.DELIVERED}


def test_a_rotated_secret_and_the_previous_one_both_sign_for_a_day(db, hook, receiver):
    endpoint = hook()
    old = receiver.secret
    new = webhooks.rotate_secret(endpoint, utcnow(), "a" * 22)
    assert webhooks.rotate_secret(endpoint, utcnow(), "a" * 22) is None  # the same form again
    db.session.commit()
    send_test_event(db, endpoint)
    (received,) = receiver.wait_for(1)
    assert len(received.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        Webhook(secret).verify(received.body, received.headers)
    endpoint.previous_secret_until = utcnow() - timedelta(seconds=1)
    send_test_event(db, endpoint)
    later = receiver.wait_for(2)[1]
    assert " " not in later.headers["webhook-signature"]
    receiver.secret = old
    assert not receiver.verifies(later.body, later.headers)


def test_a_worker_that_died_mid_request_leaves_its_delivery_to_be_taken_back(db, hook, receiver, app):
    endpoint = hook()
    stuck = webhooks.queue(endpoint, "ping", {}, utcnow())
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == stuck.id)
        .values(state=DeliveryState.SENDING, claimed_at=utcnow() - timedelta(minutes=3), claim_token="x")
    )
    db.session.commit()  # its outbox row is not dispatched: the worker had it
    tasks.deliver_due_webhooks()
    receiver.wait_for(1)
    assert delivery(db).state == DeliveryState.DELIVERED


def test_resend_sends_a_delivered_event_again_with_its_id(db, hook, receiver):
    endpoint = hook()
    send_test_event(db, endpoint)
    receiver.wait_for(1)
    assert webhooks.resend(delivery(db), utcnow())
    db.session.commit()
    dispatch_committed()
    first, again = receiver.wait_for(2)
    assert first.headers["webhook-id"] == again.headers["webhook-id"]
    assert delivery(db).attempts == 2


def test_old_settled_deliveries_are_forgotten(db, hook, receiver):
    endpoint = hook()
    send_test_event(db, endpoint)
    receiver.wait_for(1)
    db.session.execute(update(WebhookDelivery).values(occurred_at=utcnow() - timedelta(days=31)))
    waiting = webhooks.queue(endpoint, "ping", {}, utcnow() - timedelta(days=31))
    db.session.commit()
    tasks.forget_old_webhook_deliveries()
    assert db.session.scalars(select(WebhookDelivery.id)).all() == [waiting.id]
    assert db.session.scalar(select(WebhookAttempt.id)) is None
