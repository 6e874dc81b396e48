"""An endpoint stops, as an API key does, when whoever made it is no longer an admin or owner of
its coalition: an admin who pointed it at their own server, then was demoted or removed, must not
keep receiving the coalition's events (with personal data, if the coalition allows it)."""

import pytest
from sqlalchemy import delete, select

from campaign.api.webhooks import services as webhooks
from campaign.api.webhooks.models import EVENT_LABELS, DeliveryState, WebhookDelivery
from campaign.coalitions.models import CoalitionRole, Role
from campaign.core.outbox import dispatch_committed
from tests.api.webhooks.test_delivery import run_due

REASON = "Not sent: the person who made this endpoint is no longer an admin of this coalition."


@pytest.fixture
def admins_hook(db, coalition, add_teammate, receiver):
    """An endpoint made by an admin (not the owner), to the receiver."""
    admin = add_teammate(coalition, Role.ADMIN, "leaving@example.org")
    values = {"name": "Mine", "url": receiver.url, "events": list(EVENT_LABELS), "batch": False}
    endpoint, receiver.secret = webhooks.create_endpoint(coalition.id, admin.id, values)
    db.session.commit()
    return endpoint


def change_maker(db, endpoint, change: str) -> None:
    role = CoalitionRole.user_id == endpoint.created_by_id
    if change == "demoted":
        db.session.scalar(select(CoalitionRole).where(role)).role = Role.ORGANIZER
    elif change == "removed":
        db.session.execute(delete(CoalitionRole).where(role))
    else:  # the account gone: its endpoints' maker is none (ON DELETE SET NULL)
        endpoint.created_by_id = None
    db.session.commit()


def unsubscribe_event(db, coalition) -> list[WebhookDelivery]:
    made = webhooks.record_event(coalition.id, "person.unsubscribed", person_id=1)
    db.session.commit()
    return made


CHANGES = ["demoted", "removed", "account gone"]


@pytest.mark.parametrize("change", CHANGES)
def test_new_events_make_no_delivery(db, coalition, admins_hook, receiver, change):
    assert len(unsubscribe_event(db, coalition)) == 1  # while an admin made it
    change_maker(db, admins_hook, change)
    assert unsubscribe_event(db, coalition) == []
    assert db.session.scalar(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).id == 1


@pytest.mark.parametrize("change", CHANGES)
def test_waiting_deliveries_are_given_up_unsent_saying_why(db, coalition, admins_hook, receiver, change):
    unsubscribe_event(db, coalition)  # committed, its first attempt not yet made
    change_maker(db, admins_hook, change)
    dispatch_committed()
    run_due(db)
    assert receiver.received == []
    db.session.expire_all()
    (given_up,) = db.session.scalars(select(WebhookDelivery))
    assert given_up.state == DeliveryState.GIVEN_UP
    (attempt,) = given_up.tries
    assert (attempt.status_code, attempt.error) == (None, REASON)


def test_a_resend_or_test_event_of_a_stopped_endpoint_goes_nowhere(db, coalition, admins_hook, receiver):
    change_maker(db, admins_hook, "demoted")
    webhooks.send_test(admins_hook)
    db.session.commit()
    dispatch_committed()
    given_up = db.session.scalar(select(WebhookDelivery))
    assert webhooks.resend(given_up, given_up.occurred_at)
    db.session.commit()
    dispatch_committed()
    assert receiver.received == []
    db.session.expire_all()
    assert given_up.state == DeliveryState.GIVEN_UP and len(given_up.tries) == 2


def test_promoted_again_it_works_again(db, coalition, admins_hook, receiver):
    change_maker(db, admins_hook, "demoted")
    maker = CoalitionRole.user_id == admins_hook.created_by_id
    db.session.scalar(select(CoalitionRole).where(maker)).role = Role.OWNER
    db.session.commit()
    unsubscribe_event(db, coalition)
    dispatch_committed()
    (received,) = receiver.wait_for(1)
    assert received.verified and received.payload["type"] == "person.unsubscribed"


def test_the_pages_say_it_stopped_and_why_in_english_and_spanish(db, client, coalition, admins_hook):
    unsubscribe_event(db, coalition)
    change_maker(db, admins_hook, "demoted")
    dispatch_committed()
    listing = client.get(f"/coalitions/{coalition.slug}/webhooks").text
    assert "Stopped working" in listing
    shown = client.get(f"/coalitions/{coalition.slug}/webhooks/{admins_hook.id}").text
    assert "stopped working when the person who made it stopped being an admin" in shown
    assert "have a current admin create a new one" in shown
    assert REASON in shown and "Given up" in shown
    assert "Send test event" not in shown and "Resend" not in shown  # they would go nowhere
    client.get("/language/es")
    shown = client.get(f"/coalitions/{coalition.slug}/webhooks/{admins_hook.id}").text
    assert "dejó de funcionar cuando la persona que lo creó dejó de ser administradora" in shown
    assert "No enviado: la persona que creó este endpoint ya no es administradora" in shown


def test_a_current_admins_endpoint_is_not_stopped(db, client, coalition, admins_hook):
    shown = client.get(f"/coalitions/{coalition.slug}/webhooks/{admins_hook.id}").text
    assert "stopped being an admin" not in shown and "Send test event" in shown
