"""Webhook endpoints as owners and admins keep them, and the events lower features signal: each
written, in the transaction of what happened, as one delivery per endpoint that asked for it,
with its outbox row (api/tasks.py sends it)."""

import base64
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from campaign.actions.signals import rsvp_cancelled, rsvp_created
from campaign.api import tasks
from campaign.api.keys import key_makers
from campaign.api.webhooks.models import (
    TEST_EVENT,
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from campaign.core.form_keys import add_once, made_by_form
from campaign.core.outbox import enqueue, utcnow
from campaign.extensions import db
from campaign.letters.signals import signatory_approved
from campaign.notifications.signals import alert_sent
from campaign.petitions.signals import signature_confirmed
from campaign.supporters.signals import supporter_unsubscribed

# Standard Webhooks' secret format: the prefix, then base64 of random bytes (24 at least).
SECRET_PREFIX = "whsec_"  # noqa: S105 - the visible start of every secret, not a secret
SECRET_BYTES = 32
# After a rotation the previous secret signs too, so the receiver can switch without losing events.
PREVIOUS_SECRET_KEPT = timedelta(hours=24)
RECENT_DELIVERIES = 50


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def create_endpoint(
    coalition_id: int, user_id: int, fields: dict, form_key: str | None = None
) -> tuple[WebhookEndpoint, str | None]:
    """The new endpoint and its secret, returned this once. The same form sent again (a double
    click, `form_key`) returns the endpoint it made and no secret: the first answer showed it."""
    made = made_by_form(WebhookEndpoint, coalition_id, form_key)
    if made is not None:
        return made, None
    secret = new_secret()
    endpoint = WebhookEndpoint(coalition_id=coalition_id, created_by_id=user_id, form_key=form_key, **fields)
    endpoint.secret = secret
    endpoint, added = add_once(endpoint)
    return endpoint, secret if added else None


def endpoints_of(coalition_id: int) -> list[WebhookEndpoint]:
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.coalition_id == coalition_id)
            .order_by(WebhookEndpoint.id.desc())
        )
    )


def update_endpoint(endpoint: WebhookEndpoint, fields: dict) -> None:
    for name, value in fields.items():
        setattr(endpoint, name, value)
    db.session.flush()


def rotate_secret(endpoint: WebhookEndpoint, now: datetime, form_key: str | None = None) -> str | None:
    """The new secret, shown this once; the one it replaces still signs for a day. The same form
    sent again (`form_key`) rotates nothing and returns None."""
    db.session.refresh(endpoint, with_for_update=True)  # a second click waits, then sees the first
    if form_key and endpoint.rotation_key == form_key:
        return None
    secret = new_secret()
    endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, now + PREVIOUS_SECRET_KEPT
    endpoint.secret, endpoint.rotation_key = secret, form_key
    db.session.flush()
    return secret


def switch(endpoint: WebhookEndpoint, enabled: bool) -> None:
    """Turned on again, an endpoint starts afresh: its failing days count from its next failure."""
    endpoint.enabled = enabled
    if enabled:
        endpoint.failing_since, endpoint.disabled_for_failing = None, False
    db.session.flush()


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    db.session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.flush()


def recent_deliveries(endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(RECENT_DELIVERIES)
        )
    )


def record_event(coalition_id: int, event_type: str, **subject: int) -> list[WebhookDelivery]:
    """One delivery for each of the coalition's working endpoints that asked for `event_type`. An
    endpoint whose maker is no longer an admin or owner gets none: as their API keys, it stopped
    (it must not keep sending the coalition's events to a server they chose, perhaps their own)."""
    endpoints = db.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.coalition_id == coalition_id, WebhookEndpoint.enabled)
    )
    makers, now = key_makers(coalition_id), utcnow()
    return [
        queue(endpoint, event_type, subject, now)
        for endpoint in endpoints
        if event_type in endpoint.events and endpoint.created_by_id in makers
    ]


def queue(endpoint: WebhookEndpoint, event_type: str, subject: dict, now: datetime) -> WebhookDelivery:
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        coalition_id=endpoint.coalition_id,
        event_type=event_type,
        subject=subject,
        occurred_at=now,
        next_attempt_at=now,
        give_up_at=now + timedelta(hours=current_app.config["WEBHOOK_GIVE_UP_HOURS"]),
    )
    db.session.add(delivery)
    db.session.flush()
    enqueue(tasks.deliver_webhook, delivery_id=delivery.id)
    return delivery


def send_test(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A test event, to this endpoint only, even one turned off (to check it before turning it on)."""
    return queue(endpoint, TEST_EVENT, {}, utcnow())


def resend(delivery: WebhookDelivery, now: datetime) -> bool:
    """Send a delivery again now, with its own `webhook-id` (a receiver that kept it knows it),
    and a new day of retries; False while it is being sent (a second click)."""
    resent = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery.id, WebhookDelivery.state != DeliveryState.SENDING)
        .values(
            state=DeliveryState.PENDING,
            next_attempt_at=now,
            give_up_at=now + timedelta(hours=current_app.config["WEBHOOK_GIVE_UP_HOURS"]),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if resent:
        enqueue(tasks.deliver_webhook, delivery_id=delivery.id)
    return bool(resent)


# What the lower features signal, in the transaction of what happened (no feature below this
# one knows webhooks exist).


@signature_confirmed.connect
def _signature_confirmed(signature) -> None:
    record_event(
        signature.petition.coalition_id,
        "signature.confirmed",
        signature_id=signature.id,
        petition_id=signature.petition_id,
    )


@rsvp_created.connect
def _rsvp_created(rsvp) -> None:
    record_event(rsvp.event.coalition_id, "attendance.created", rsvp_id=rsvp.id, event_id=rsvp.event_id)


@rsvp_cancelled.connect
def _rsvp_cancelled(rsvp) -> None:
    record_event(rsvp.event.coalition_id, "attendance.cancelled", rsvp_id=rsvp.id, event_id=rsvp.event_id)


@signatory_approved.connect
def _signatory_approved(signature) -> None:
    record_event(
        signature.letter.coalition_id,
        "letter.signatory.approved",
        signature_id=signature.id,
        letter_id=signature.letter_id,
    )


@supporter_unsubscribed.connect
def _supporter_unsubscribed(supporter) -> None:
    record_event(supporter.coalition_id, "person.unsubscribed", person_id=supporter.id)


@alert_sent.connect
def _alert_sent(message) -> None:
    record_event(message.coalition_id, "alert.sent", alert_id=message.id)
