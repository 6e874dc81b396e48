"""Webhook jobs: a delivery's first attempt from the outbox, its retries from the periodic job,
and the owners' email when an endpoint that kept failing is turned off."""

from celery import shared_task
from flask import current_app
from flask_babel import lazy_gettext as _l

from campaign.api.webhooks import delivery
from campaign.api.webhooks.models import WebhookEndpoint
from campaign.coalitions.organizer_mail import email_organizer
from campaign.core.outbox import dispatch_committed, enqueue, outbox_task, publish_after_commit, utcnow
from campaign.core.urls import external_url
from campaign.extensions import db

RETRY_TASK = "campaign.api.tasks.retry_webhook"


# In-process (no broker), after the response: a signer's click must not wait on someone's server.
@outbox_task(after_response=True)
def deliver_webhook(delivery_id: int) -> None:
    _send(delivery_id)


@shared_task(name=RETRY_TASK)
def retry_webhook(delivery_id: int) -> None:
    """Published by the periodic job for a due delivery; a second copy finds it claimed."""
    _send(delivery_id)
    db.session.commit()
    dispatch_committed()


def _send(delivery_id: int) -> None:
    turned_off = delivery.send(delivery_id)
    if turned_off is not None:
        for owner_id in delivery.owners(db.session.get(WebhookEndpoint, turned_off).coalition_id):
            enqueue(tell_owner_endpoint_off, user_id=owner_id, endpoint_id=turned_off)


@shared_task(name="campaign.api.tasks.deliver_due_webhooks")
def deliver_due_webhooks() -> None:
    """Every few seconds: retries whose time has come, and first attempts whose message was lost."""
    for delivery_id in delivery.due_deliveries(utcnow()):
        publish_after_commit(RETRY_TASK, delivery_id)
    db.session.commit()
    dispatch_committed()


@shared_task(name="campaign.api.tasks.forget_old_webhook_deliveries")
def forget_old_webhook_deliveries() -> None:
    while delivery.forget_old_deliveries(utcnow()):
        db.session.commit()


@outbox_task
def tell_owner_endpoint_off(user_id: int, endpoint_id: int) -> None:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.enabled:  # deleted, or turned on again since
        return
    email_organizer(
        user_id,
        endpoint.coalition,
        "api/emails/webhook_turned_off",
        _l("Webhook turned off: %(name)s", name=endpoint.name),
        webhook=endpoint,
        days=current_app.config["WEBHOOK_DISABLE_AFTER_DAYS"],
        link=external_url("api.webhooks.endpoint", slug=endpoint.coalition.slug, webhook_id=endpoint.id),
    )
