"""Webhook fixtures: a real receiver (receiver.py) and endpoints that send to it."""

import pytest

from campaign.api.webhooks import services as webhooks
from campaign.api.webhooks.models import EVENT_LABELS
from tests.api.webhooks.receiver import receiver_fixture  # noqa: F401 - the `receiver` fixture


@pytest.fixture
def hook(db, coalition, receiver):
    """`hook(events, **fields)`: an endpoint of `coalition` (taking every event unless told), its
    secret held by the receiver."""

    def make(events=tuple(EVENT_LABELS), **fields):
        values = {"name": "Sync", "url": receiver.url, "events": list(events), "batch": False} | fields
        endpoint, secret = webhooks.create_endpoint(coalition.id, coalition.roles[0].user_id, values)
        db.session.commit()
        receiver.secret = secret
        return endpoint

    return make
