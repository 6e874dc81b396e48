"""A coalition's setting "Webhooks may carry personal data": off unless an owner turns it on."""

from datetime import datetime

from sqlalchemy import select

from campaign.api.webhooks.models import WebhookSettings
from campaign.extensions import db


def personal_data_allowed(coalition_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(WebhookSettings.personal_data).where(WebhookSettings.coalition_id == coalition_id)
        )
    )


def set_personal_data(coalition_id: int, allowed: bool, user_id: int, now: datetime) -> None:
    """Who may turn it on (an owner) is the view's to check."""
    settings = db.session.get(WebhookSettings, coalition_id)
    if settings is None:
        settings = WebhookSettings(coalition_id=coalition_id)
        db.session.add(settings)
    settings.personal_data, settings.changed_by_id, settings.changed_at = allowed, user_id, now
    db.session.flush()
