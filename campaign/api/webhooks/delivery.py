"""Sending webhooks, at least once: claim, sign, POST, record the answer, retry with backoff.

A delivery is claimed with a conditional UPDATE under a fresh token (SKIP LOCKED on
PostgreSQL), so two workers never send it at once; an endpoint that asked for batches has up
to WEBHOOK_BATCH_SIZE of its due deliveries claimed together, as one JSON array. A worker
that dies mid-request leaves its rows `sending`; after WEBHOOK_LEASE_SECONDS the periodic job
takes them back and they go again (the receiver drops a second copy by its `webhook-id`).

No answer, or anything but a 2xx, is tried again 30 s later, then 1, 2, 4 minutes... at most
an hour apart, until WEBHOOK_GIVE_UP_HOURS after the event. An endpoint with no 2xx for
WEBHOOK_DISABLE_AFTER_DAYS in a row is turned off, and the coalition's owners are emailed.

Like the bulk email sender, this module commits as it goes: no transaction stays open while
an endpoint takes its time to answer, and each answer is kept as soon as it comes.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, json
from sqlalchemy import select, update
from standardwebhooks import Webhook

from campaign.accounts.models import User
from campaign.api.keys import key_makers
from campaign.api.webhooks import http, payloads
from campaign.api.webhooks.models import (
    MAKER_GONE,
    TEST_EVENT,
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from campaign.api.webhooks.settings import personal_data_allowed
from campaign.coalitions.models import CoalitionRole, Role
from campaign.core.exports import log_export
from campaign.core.outbox import utcnow
from campaign.extensions import db

# Deliveries of one endpoint the periodic job hands to workers per run: an endpoint that is
# down holds many, and each may wait a timeout for nothing.
PER_ENDPOINT_PER_RUN = 10


def send(delivery_id: int) -> int | None:
    """Claim the delivery (for a batching endpoint, its due deliveries, this one among them),
    POST, and record the answer; the caller commits that. Returns the endpoint's id if this
    failure turned it off (its owners are to be told), else None."""
    endpoint = db.session.scalar(
        select(WebhookEndpoint)
        .join(WebhookDelivery, WebhookDelivery.endpoint_id == WebhookEndpoint.id)
        .where(WebhookDelivery.id == delivery_id)
    )
    if endpoint is None:
        return None
    if endpoint.created_by_id not in key_makers(endpoint.coalition_id):
        _give_up_waiting(endpoint, MAKER_GONE, utcnow())
        return None
    token, deliveries = _claim(endpoint, delivery_id)
    if not deliveries:
        return None
    message_id, body, people = _message(endpoint, deliveries)
    url, endpoint_id, signing = endpoint.url, endpoint.id, endpoint.signing_secrets(utcnow())
    if people:  # personal data leaving the app is logged, as an export or an API call is
        log_export(endpoint.coalition_id, None, f"webhook:{endpoint_id}", people)
    db.session.commit()  # nothing held open while the endpoint answers
    moment = datetime.now(UTC)
    answer = http.post(
        http.session(),
        url,
        body,
        signed_headers(signing, message_id, body, moment),
        current_app.config["WEBHOOK_TIMEOUT_SECONDS"],
    )
    _record(token, deliveries, answer, moment.replace(tzinfo=None))
    return endpoint_id if _judge_endpoint(endpoint_id, answer.ok, moment.replace(tzinfo=None)) else None


def _claim(endpoint: WebhookEndpoint, delivery_id: int) -> tuple[str, list[WebhookDelivery]]:
    token, now = secrets.token_hex(16), utcnow()
    due = [
        WebhookDelivery.endpoint_id == endpoint.id,
        WebhookDelivery.state == DeliveryState.PENDING,
        WebhookDelivery.next_attempt_at <= now,
    ]
    if not endpoint.enabled:  # a test event still goes, to check the endpoint before turning it on
        due.append(WebhookDelivery.event_type == TEST_EVENT)
    if not endpoint.batch:
        due.append(WebhookDelivery.id == delivery_id)
    limit = current_app.config["WEBHOOK_BATCH_SIZE"] if endpoint.batch else 1
    # The ids first, locked, then the UPDATE by list. As one `UPDATE ... WHERE id IN (SELECT ...
    # LIMIT n FOR UPDATE SKIP LOCKED)`, PostgreSQL claimed all 150 due deliveries of a test
    # (tests/integration/test_webhooks.py) for one request: the LIMIT did not bound the UPDATE.
    ready = db.session.scalars(
        select(WebhookDelivery.id)
        .where(*due)
        .order_by(WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL: workers take disjoint batches
    ).all()
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(ready), WebhookDelivery.state == DeliveryState.PENDING)
        .values(
            state=DeliveryState.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=WebhookDelivery.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    claimed = select(WebhookDelivery).where(WebhookDelivery.claim_token == token).order_by(WebhookDelivery.id)
    return token, list(db.session.scalars(claimed))


def _give_up_waiting(endpoint: WebhookEndpoint, reason: str, now: datetime) -> None:
    """The endpoint's waiting deliveries, given up unsent, each with an attempt saying why."""
    waiting = db.session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.state == DeliveryState.PENDING)
        .with_for_update(skip_locked=True)  # PostgreSQL: not those another worker is judging
    )
    for delivery in waiting:
        delivery.state = DeliveryState.GIVEN_UP
        delivery.tries.append(WebhookAttempt(attempted_at=now, status_code=None, response_ms=0, error=reason))


def _message(endpoint: WebhookEndpoint, deliveries: list[WebhookDelivery]) -> tuple[str, bytes, int]:
    """The request's `webhook-id`, its body, and how many people it hands out: one event, or for
    a batching endpoint an array of events, each with its own id. A batch's id is made from its
    deliveries' ids, so the same batch sent again carries the same one."""
    personal = personal_data_allowed(endpoint.coalition_id)
    # The payload's links are absolute, on PUBLIC_URL: a worker has no request to take it from.
    with current_app.test_request_context("/", base_url=current_app.config["PUBLIC_URL"]):
        events = [payloads.event(delivery, personal) for delivery in deliveries]
    people = sum("osdi:person" in event["data"].get("_embedded", {}) for event in events)
    if not endpoint.batch:
        return deliveries[0].message_id, _json(events[0]), people
    for delivery, item in zip(deliveries, events, strict=True):
        item["id"] = delivery.message_id
    ids = ",".join(str(delivery.id) for delivery in deliveries)
    return f"batch_{hashlib.sha256(ids.encode()).hexdigest()[:24]}", _json(events), people


def _json(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(signing: list[str], message_id: str, body: bytes, moment: datetime) -> dict:
    """Standard Webhooks' headers; during a rotation, a signature by each secret, space-separated."""
    signatures = " ".join(Webhook(secret).sign(message_id, moment, body) for secret in signing)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signatures,
    }


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2, 4... at most an hour."""
    config = current_app.config
    seconds = config["WEBHOOK_RETRY_FIRST_SECONDS"] * 2 ** min(attempts - 1, 20)
    return timedelta(seconds=min(seconds, config["WEBHOOK_RETRY_MAX_SECONDS"]))


def _record(token: str, deliveries: list, answer: http.Answer, now: datetime) -> None:
    db.session.add_all(
        WebhookAttempt(
            delivery_id=delivery.id,
            attempted_at=now,
            status_code=answer.status_code,
            response_ms=answer.response_ms,
            error=answer.error,
            batch_size=len(deliveries),
        )
        for delivery in deliveries
    )
    for delivery in deliveries:
        delivery.last_status_code, delivery.last_response_ms = answer.status_code, answer.response_ms
        if delivery.claim_token != token:  # taken back meanwhile (a lease gone by): its new owner says
            continue
        delivery.claim_token = None
        if answer.ok:
            delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, now
        elif now >= delivery.give_up_at:
            delivery.state = DeliveryState.GIVEN_UP
        else:
            delivery.state = DeliveryState.PENDING
            delivery.next_attempt_at = min(now + backoff(delivery.attempts), delivery.give_up_at)


def _judge_endpoint(endpoint_id: int, ok: bool, now: datetime) -> bool:
    """Note the answer on the endpoint; True if its failing days are over and it is now off."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if ok:
        endpoint.failing_since, endpoint.last_success_at = None, now
        return False
    endpoint.failing_since = endpoint.failing_since or now
    failing_for = timedelta(days=current_app.config["WEBHOOK_DISABLE_AFTER_DAYS"])
    if not endpoint.enabled or endpoint.failing_since > now - failing_for:
        return False
    endpoint.enabled, endpoint.disabled_for_failing = False, True
    return True


def owners(coalition_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(User.id)
            .join(CoalitionRole, CoalitionRole.user_id == User.id)
            .where(CoalitionRole.coalition_id == coalition_id, CoalitionRole.role == Role.OWNER)
            .order_by(User.id)
        )
    )


def due_deliveries(now: datetime) -> list[int]:
    """For the periodic job: take back dead workers' deliveries, give up the expired ones (an
    endpoint turned off holds them), and list those due, a few per endpoint (a batching
    endpoint's first: its task takes the rest)."""
    lease = timedelta(seconds=current_app.config["WEBHOOK_LEASE_SECONDS"])
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.state == DeliveryState.SENDING, WebhookDelivery.claimed_at < now - lease)
        .values(state=DeliveryState.PENDING, claim_token=None)
    )
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.state == DeliveryState.PENDING, WebhookDelivery.give_up_at <= now)
        .values(state=DeliveryState.GIVEN_UP)
    )
    rows = db.session.execute(
        select(WebhookDelivery.id, WebhookDelivery.endpoint_id, WebhookEndpoint.batch)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.state == DeliveryState.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.enabled | (WebhookDelivery.event_type == TEST_EVENT),
        )
        .order_by(WebhookDelivery.id)
        .limit(1000)
    ).all()
    taken: dict[int, int] = {}
    due = []
    for delivery_id, endpoint_id, batch in rows:
        if taken.get(endpoint_id, 0) < (1 if batch else PER_ENDPOINT_PER_RUN):
            taken[endpoint_id] = taken.get(endpoint_id, 0) + 1
            due.append(delivery_id)
    return due


def forget_old_deliveries(now: datetime) -> int:
    """Deliveries settled WEBHOOK_DELIVERIES_KEPT_DAYS ago leave the endpoint's page, with their attempts."""
    kept = timedelta(days=current_app.config["WEBHOOK_DELIVERIES_KEPT_DAYS"])
    old = select(WebhookDelivery.id).where(
        WebhookDelivery.occurred_at < now - kept,
        WebhookDelivery.state.in_((DeliveryState.DELIVERED, DeliveryState.GIVEN_UP)),
    )
    ids = list(db.session.scalars(old.limit(5000)))
    if ids:
        db.session.execute(WebhookAttempt.__table__.delete().where(WebhookAttempt.delivery_id.in_(ids)))
        db.session.execute(WebhookDelivery.__table__.delete().where(WebhookDelivery.id.in_(ids)))
    return len(ids)
