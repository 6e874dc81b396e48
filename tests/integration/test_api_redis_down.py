"""The API with Redis down: a helper's call still succeeds, and what it set going (the webhook
delivery) waits in the outbox, on the real PostgreSQL, until the broker is back."""

import pytest
from sqlalchemy import select

from campaign.api.models import Scope
from campaign.api.openapi.petitions import EXAMPLE
from campaign.api.webhooks import services as webhooks
from campaign.api.webhooks.models import WebhookDelivery
from campaign.core.outbox import OutboxEntry
from campaign.extensions import db
from campaign.petitions.models import Petition, PetitionSignature, SignatureState
from tests.api.records import add_petition
from tests.integration.test_api_people_signup import coalition_of_its_own, new_token

pytestmark = pytest.mark.integration


def test_a_trusted_signature_is_recorded_and_its_webhook_waits_while_redis_is_down(redis_down_app):
    with redis_down_app.app_context():
        coalition = coalition_of_its_own("api-redis-down")
        petition_id = add_petition(coalition, title="Redis down, still counting")
        db.session.get(Petition, petition_id).trusted_source = True
        endpoint, _ = webhooks.create_endpoint(
            coalition.id,
            coalition.roles[0].user_id,
            {"name": "Sync", "url": "http://127.0.0.1:9/hooks", "events": ["signature.confirmed"]},
        )
        token = new_token(coalition, Scope.WRITE)
        db.session.commit()
        endpoint_id = endpoint.id
    client = redis_down_app.test_client()
    answer = client.post(
        f"/api/v1/petitions/{petition_id}/signatures", json=EXAMPLE, headers={"OSDI-API-Token": token}
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    with redis_down_app.app_context():
        states = db.session.scalars(
            select(PetitionSignature.state).where(PetitionSignature.petition_id == petition_id)
        ).all()
        (delivery,) = db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        ).all()
        waiting = [
            entry.state
            for entry in db.session.scalars(select(OutboxEntry))
            if entry.payload == {"delivery_id": delivery.id}
        ]
        db.session.remove()
    assert states == [SignatureState.CONFIRMED]
    assert waiting == ["pending"], "the delivery's outbox row waits for the sweeper"
