"""Periodic work shared by every feature."""

from celery import shared_task

from campaign.core import outbox


@shared_task(name="campaign.core.tasks.sweep_outbox")
def sweep_outbox() -> int:
    return outbox.sweep()
