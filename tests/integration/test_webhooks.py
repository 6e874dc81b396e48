"""Webhooks end to end: events made through the app's pages and services, sent by the real
Celery worker through Redis to a real HTTP receiver on 127.0.0.1, which verifies every
signature with the Standard Webhooks library, as a coalition's program would.

The worker runs with CAMPAIGN_ENV=development, so it may deliver over plain http to this
machine; the web app of these tests is told the same (WEBHOOK_LOCAL_RECEIVERS) to save an
endpoint there."""

from datetime import datetime, timedelta

import pytest
import standardwebhooks.webhooks
from sqlalchemy import select, update
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from campaign.accounts.models import User
from campaign.actions import services as actions
from campaign.actions.models import EventState
from campaign.api import tasks
from campaign.api.webhooks import services as webhooks
from campaign.api.webhooks.models import EVENT_LABELS, DeliveryState, WebhookDelivery
from campaign.core.outbox import dispatch_committed, utcnow
from campaign.extensions import db
from campaign.letters import services as letters
from campaign.letters import signing, vetting
from campaign.letters.models import Letter, Signature
from campaign.notifications import services as notices
from campaign.petitions import services as petitions
from campaign.petitions import signing as petition_signing
from campaign.petitions.models import PetitionSignature
from campaign.supporters import services as supporters
from campaign.supporters.models import Supporter
from tests.actions.conftest import DAY_FIELDS, event_fields
from tests.api.webhooks.receiver import receiver_fixture  # noqa: F401 - the `receiver` fixture
from tests.coalitions.test_access import PETITION
from tests.integration.conftest import make_app
from tests.integration.helpers import link_path, log_in, make_coalition, make_organizer, new_address
from tests.integration.test_petitions import sign
from tests.pages import click_confirm, hidden_inputs
from tests.services import wait_until

pytestmark = pytest.mark.integration

WAIT = 60


@pytest.fixture(scope="module")
def hooks_app(it_app, settings):
    return make_app(settings, WEBHOOK_LOCAL_RECEIVERS=True)


@pytest.fixture
def coalition(hooks_app):
    """(id, slug, owner's id, a logged-in client) of a new coalition."""
    organizer = make_organizer(hooks_app)
    coalition_id, slug = make_coalition(hooks_app, organizer, name=f"Webhooks {new_address('c')}")
    client = hooks_app.test_client()
    log_in(client, organizer)
    with hooks_app.app_context():
        owner_id = db.session.scalar(select(User.id).where(User.email == organizer))
    return coalition_id, slug, owner_id, client


def add_endpoint(app, coalition, receiver, events=tuple(EVENT_LABELS), batch=False):
    coalition_id, _, owner_id, _ = coalition
    with app.app_context():
        fields = {"name": "Sync", "url": receiver.url, "events": list(events), "batch": batch}
        endpoint, secret = webhooks.create_endpoint(coalition_id, owner_id, fields)
        db.session.commit()
        receiver.secret = secret
        return endpoint.id


def received_types(receiver) -> set[str]:
    return {event["type"] for event in receiver.events()}


def test_every_event_made_in_the_app_reaches_the_receiver_signed(
    hooks_app, coalition, receiver, celery_worker, smtp_server
):
    coalition_id, slug, owner_id, client = coalition
    endpoint_id = add_endpoint(hooks_app, coalition, receiver)
    signer = new_address("signer")
    with hooks_app.app_context():
        petition = petitions.create_petition(coalition_id, owner_id, PETITION)
        petitions.open_petition(petition, utcnow())
        day = actions.create_day(coalition_id, owner_id, DAY_FIELDS)
        actions.publish(day)
        start = datetime.now() + timedelta(days=30)
        fields = event_fields(start=start.replace(microsecond=0, second=0))
        event = actions.create_event(day, actions.Host("Juntos"), fields, EventState.SCHEDULED, utcnow())
        letter = letters.create_letter(
            coalition_id, owner_id, {"title": "End 287(g)", "body": "Dear Sir,"}, []
        )
        letters.open_letter(letter, utcnow())
        db.session.commit()
        petition_slug, day_slug, event_id, letter_id = petition.slug, day.slug, event.id, letter.id

    # signature.confirmed: signed on the public page, confirmed from the real email's link.
    sign(client, petition_slug, signer, "19104", 1)
    message = smtp_server.wait_for_mail_to(signer, timeout=WAIT)[0]
    assert click_confirm(client, link_path(message, "/petitions/confirm/")).status_code == 200

    # attendance.created, then .cancelled from the link in the RSVP's email.
    event_page = client.get(f"/actions/{day_slug}/events/{event_id}")
    rsvp = hidden_inputs(event_page) | {
        "first_name": "Ana",
        "email": signer,
        "zip_code": "19104",
        "phone": "",
    }
    assert client.post(f"/actions/{day_slug}/events/{event_id}/rsvp", data=rsvp).status_code == 302
    rsvp_mail = smtp_server.wait_for(
        lambda mails: [m for m in mails if m["To"] == signer and _manage_link(m)], WAIT
    )[0]
    manage = link_path(rsvp_mail, "/actions/rsvp/")
    assert client.post(manage, data=hidden_inputs(client.get(manage))).status_code == 200

    # letter.signatory.approved: signed on, confirmed, approved by vetting.
    with hooks_app.app_context():
        letter = db.session.get(Letter, letter_id)
        signing.sign_on(letter, _sign_on(), "en", None)
        signature = db.session.scalar(select(Signature).where(Signature.letter_id == letter_id))
        signing.confirm(signature, utcnow(), signing.shown_digest(signature))
        vetting.decide([signature], True, owner_id, utcnow())
        db.session.commit()
        dispatch_committed()
        supporter = db.session.scalar(select(Supporter).where(Supporter.coalition_id == coalition_id))
        supporters.record_consent(supporter, "Send me news.", "en", source="test")
        alert = notices.save_alert(coalition_id, owner_id, _alert())
        db.session.commit()
        token, alert_id = supporter.preferences_token, alert.id

    # alert.sent: the worker sends it by email, then tells the endpoint.
    client.post(f"/coalitions/{slug}/alerts/{alert_id}/send")
    # person.unsubscribed: the List-Unsubscribe one-click POST a mail provider sends.
    assert client.post(f"/u/{token}/one-click", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    # ping: the page's button.
    client.post(f"/coalitions/{slug}/webhooks/{endpoint_id}/test")

    wanted = set(EVENT_LABELS) | {"ping"}
    wait_until(
        lambda: wanted <= received_types(receiver),
        WAIT,
        message=f"{wanted}, not only {received_types(receiver)}",
    )
    assert all(each.verified and each.status == 200 for each in receiver.received)
    personal = b"".join(each.body for each in receiver.received)
    assert signer.encode() not in personal and b"@" not in personal  # the setting is off
    page = client.get(f"/coalitions/{slug}/webhooks/{endpoint_id}").get_data(as_text=True)
    assert page.count("Delivered") >= len(EVENT_LABELS)


def _manage_link(message) -> bool:
    return "/actions/rsvp/" in message.get_body(preferencelist=("plain",)).get_content()


def _sign_on() -> dict:
    return {
        "kind": "organization",
        "organization_name": f"Juntos {new_address('org')}",
        "signer_name": "Sam Signer",
        "email": new_address("sam"),
        "city": "Philadelphia",
        "us_state": "PA",
    }


def _alert() -> dict:
    return {"subject": "Rally Friday", "body": "Come.", "subject_es": "", "body_es": "", "audience": {}}


def test_an_endpoint_answering_500_gets_the_event_again_until_it_takes_it(
    hooks_app, coalition, receiver, celery_worker
):
    _, slug, _, client = coalition
    endpoint_id = add_endpoint(hooks_app, coalition, receiver)
    receiver.answer(500)
    client.post(f"/coalitions/{slug}/webhooks/{endpoint_id}/test")
    receiver.wait_for(1, timeout=WAIT)
    with hooks_app.app_context():
        waiting = select(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.state == DeliveryState.PENDING
        )

        def recorded():  # the failure is written just after the answer
            db.session.rollback()
            return db.session.scalar(waiting.where(WebhookDelivery.attempts == 1))

        delivery = wait_until(recorded, WAIT, message="the failed attempt to be recorded")
        assert delivery.last_status_code == 500
        assert delivery.next_attempt_at > utcnow() + timedelta(seconds=20)  # 30 s of backoff
        # Those 30 seconds pass, and the periodic job (beat's, every 15 s) hands it to the worker.
        db.session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == delivery.id).values(next_attempt_at=utcnow())
        )
        db.session.commit()
        tasks.deliver_due_webhooks()
    first, again = receiver.wait_for(2, timeout=WAIT)
    assert (first.status, again.status) == (500, 200) and first.verified and again.verified
    assert first.headers["webhook-id"] == again.headers["webhook-id"]


def test_a_batching_endpoint_gets_150_events_in_requests_of_at_most_100(
    hooks_app, coalition, receiver, celery_worker
):
    coalition_id = coalition[0]
    add_endpoint(hooks_app, coalition, receiver, events=["person.unsubscribed"], batch=True)
    with hooks_app.app_context():
        people = [
            supporters.upsert_supporter(
                coalition_id, email=new_address("p"), first_name="P", zip_code="19104", language="en"
            )
            for _ in range(150)
        ]
        for person in people:
            supporters.record_consent(person, "Send me news.", "en", source="test")
        db.session.commit()
        for person in people:  # one transaction: 150 events, 150 outbox rows
            supporters.unsubscribe(person)
        db.session.commit()
        dispatch_committed()
    wait_until(lambda: len(receiver.events()) >= 150, WAIT, message="150 events")
    sizes = [len(each.payload) for each in receiver.received]
    assert all(size <= 100 for size in sizes) and sum(sizes) == 150, sizes
    assert all(each.verified for each in receiver.received)
    assert len({event["id"] for event in receiver.events()}) == 150


def test_a_replayed_request_outside_the_5_minute_tolerance_is_refused(
    hooks_app, coalition, receiver, celery_worker, monkeypatch
):
    _, slug, _, client = coalition
    endpoint_id = add_endpoint(hooks_app, coalition, receiver)
    client.post(f"/coalitions/{slug}/webhooks/{endpoint_id}/test")
    (captured,) = receiver.wait_for(1, timeout=WAIT)
    Webhook(receiver.secret).verify(captured.body, captured.headers)  # as it came: genuine

    class SixMinutesLater(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(minutes=6)

    monkeypatch.setattr(standardwebhooks.webhooks, "datetime", SixMinutesLater)  # the verifier's clock
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(receiver.secret).verify(captured.body, captured.headers)


def test_a_held_back_signature_released_on_postgresql_writes_its_delivery(hooks_app, coalition, receiver):
    """The release's UPDATE ... RETURNING tells which signatures count now (petitions/clusters.py)."""
    coalition_id, slug, owner_id, client = coalition
    add_endpoint(hooks_app, coalition, receiver, events=["signature.confirmed"])
    with hooks_app.app_context():
        petition = petitions.create_petition(coalition_id, owner_id, PETITION)
        petitions.open_petition(petition, utcnow())
        held = {}
        for email, clicked in (("bot@spam.example", True), ("slow@spam.example", False)):
            fields = {"first_name": "Bot", "email": email, "zip_code": "19104"}
            signature_id = petition_signing.sign(
                petition, fields, "en", None, None, quarantine_reason="honeypot"
            )
            signature = db.session.get(PetitionSignature, signature_id)
            if clicked:
                petition_signing.confirm(signature, utcnow(), petition_signing.shown_digest(signature))
            held[clicked] = signature_id
        db.session.commit()
        petition_id = petition.id
    released = client.post(
        f"/coalitions/{slug}/petitions/{petition_id}/clusters",
        data={"kind": "domain", "key": "spam.example", "release": "1"},
    )
    assert released.status_code == 302
    with hooks_app.app_context():
        told = db.session.scalars(
            select(WebhookDelivery.subject).where(WebhookDelivery.coalition_id == coalition_id)
        ).all()
    assert [subject["signature_id"] for subject in told] == [held[True]]
