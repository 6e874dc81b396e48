"""Each event leaves where it happens (the lower features' services, through their signals) and
reaches the endpoints that asked for it: ids and counts only, unless an owner allowed personal
data, and then OSDI-shaped as the API shows a person."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign.actions import rsvps
from campaign.actions import services as actions
from campaign.actions.models import EventState
from campaign.api.webhooks import services as webhooks
from campaign.api.webhooks import settings as webhook_settings
from campaign.api.webhooks.models import EVENT_LABELS, WebhookDelivery
from campaign.coalitions.models import Role
from campaign.core.crypto import email_blind_index
from campaign.core.exports import ExportLog
from campaign.core.outbox import dispatch_committed, utcnow
from campaign.letters import services as letters
from campaign.letters import signing, vetting
from campaign.letters.models import Signature
from campaign.notifications import services as notices
from campaign.petitions import services as petitions
from campaign.petitions.models import ClusterStrike, Petition, PetitionSignature
from campaign.supporters import services as supporters
from tests.actions.conftest import DAY_FIELDS, NOW, event_fields, rsvp_as
from tests.coalitions.test_access import PETITION
from tests.pages import click_confirm
from tests.petitions.conftest import sign_form

SIGNER = "ana@example.org"


@pytest.fixture
def petition(db, coalition):
    made = petitions.create_petition(coalition.id, coalition.roles[0].user_id, PETITION)
    petitions.open_petition(made, utcnow())
    db.session.commit()
    return made


@pytest.fixture
def event(db, coalition):
    """An event with room for one."""
    day = actions.create_day(coalition.id, coalition.roles[0].user_id, DAY_FIELDS)
    actions.publish(day)
    made = actions.create_event(
        day, actions.Host("Juntos"), event_fields(capacity=1), EventState.SCHEDULED, NOW
    )
    db.session.commit()
    return made


@pytest.fixture
def sign(client, mailbox):
    """Sign through the public form and confirm from the email; the events of the click go once
    its answer is sent (in-process, as without a broker)."""

    def do_sign(petition, confirm=True, **overrides):
        form = sign_form(client, petition, **overrides)
        assert client.post(f"/petitions/{petition.slug}/sign", data=form).status_code == 302
        if confirm:
            click_confirm(client, mailbox.last_link(form["email"], "/petitions/confirm/")).close()

    return do_sign


def allow_personal_data(db, coalition):
    webhook_settings.set_personal_data(coalition.id, True, coalition.roles[0].user_id, utcnow())
    db.session.commit()


def only_event(receiver, event_type):
    received = receiver.wait_for(1)
    assert all(each.verified for each in received)
    (found,) = [each for each in received if each.payload["type"] == event_type]
    return found


def test_a_signature_confirmed_by_its_link_tells_ids_and_the_new_total_only(
    db,
    hook,
    receiver,
    petition,
    sign,
):
    hook()
    sign(petition, email=SIGNER, comment="My family was separated in 2019.")
    received = only_event(receiver, "signature.confirmed")
    data = received.payload["data"]
    assert data["_embedded"]["osdi:petition"]["total_signatures"] == 1
    assert data["_embedded"]["osdi:petition"]["identifiers"] == [f"campaign_desk:{petition.id}"]
    assert data["_links"]["osdi:person"]["href"].startswith("http://localhost/api/v1/people/")
    text = received.body.decode()
    for personal in ("@", "Ana", "Reyes", "19104", "separated"):
        assert personal not in text, personal
    assert db.session.scalar(select(ExportLog)) is None  # nobody's data left: nothing to log


def signature_deliveries(db) -> list[int]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(WebhookDelivery.subject["signature_id"].as_integer()).where(
                WebhookDelivery.event_type == "signature.confirmed"
            )
        )
    )


def signature_of(db, email: str) -> int:
    index = email_blind_index(email, coalition_id=db.session.scalar(select(Petition.coalition_id)))
    return db.session.scalar(select(PetitionSignature.id).where(PetitionSignature.email_index == index))


def test_a_held_back_signature_released_by_an_organizer_is_told_as_a_click_is(
    db, client, coalition, hook, petition, sign
):
    """Its signer clicked while it was held back (a bot's field filled): it counts only now."""
    hook()
    sign(petition, email="bot@spam.example", website="I am a bot")
    sign(petition, email="waiting@spam.example", website="I am a bot", confirm=False)
    assert signature_deliveries(db) == []
    released = client.post(
        f"/coalitions/{coalition.slug}/petitions/{petition.id}/clusters",
        data={"kind": "domain", "key": "spam.example", "release": "1"},
    )
    assert released.status_code == 302
    assert signature_deliveries(db) == [signature_of(db, "bot@spam.example")]  # not the one waiting


def test_a_strike_undone_tells_of_a_click_that_came_while_it_stood(
    db, client, coalition, hook, petition, sign, mailbox
):
    hook()
    sign(petition, email="first@spam.example")
    sign(petition, email="late@spam.example", confirm=False)
    clusters = f"/coalitions/{coalition.slug}/petitions/{petition.id}/clusters"
    assert (
        client.post(clusters, data={"kind": "domain", "key": "spam.example", "invalidate": "1"}).status_code
        == 302
    )
    click_confirm(client, mailbox.last_link("late@spam.example", "/petitions/confirm/")).close()
    assert signature_deliveries(db) == [signature_of(db, "first@spam.example")]  # its own click, before
    strike = db.session.scalar(select(ClusterStrike.id))
    undo = f"/coalitions/{coalition.slug}/petitions/{petition.id}/strikes/{strike}/undo"
    assert client.post(undo).status_code == 302
    assert signature_deliveries(db) == [
        signature_of(db, "first@spam.example"),
        signature_of(db, "late@spam.example"),
    ]


def test_with_personal_data_allowed_the_signer_is_embedded_as_an_osdi_person(
    db,
    coalition,
    hook,
    receiver,
    petition,
    sign,
):
    hook()
    allow_personal_data(db, coalition)
    sign(petition, email=SIGNER, comment="Sí se puede")
    data = only_event(receiver, "signature.confirmed").payload["data"]
    person = data["_embedded"]["osdi:person"]
    assert person["email_addresses"][0]["address"] == SIGNER
    assert person["given_name"] == "Ana" and person["postal_addresses"][0]["postal_code"] == "19104"
    assert data["comments"] == "Sí se puede"
    logged = db.session.scalar(select(ExportLog).where(ExportLog.what.startswith("webhook:")))
    assert (logged.coalition_id, logged.row_count) == (coalition.id, 1)  # as an export is


def test_a_signature_waiting_for_its_click_tells_nothing(db, hook, receiver, petition, sign):
    hook()
    sign(petition, confirm=False, email=SIGNER)
    assert db.session.scalar(select(WebhookDelivery)) is None


def test_an_endpoint_gets_only_the_events_it_asked_for_and_another_coalitions_none(
    db,
    hook,
    receiver,
    petition,
    sign,
    make_user,
    make_coalition,
):
    hook(events=["attendance.created"])
    other = make_coalition(make_user(email="b@example.org"), name="Coalition B")
    webhooks.create_endpoint(
        other.id, other.roles[0].user_id, {"name": "B", "url": receiver.url, "events": list(EVENT_LABELS)}
    )
    db.session.commit()
    sign(petition, email=SIGNER)
    assert db.session.scalar(select(WebhookDelivery)) is None


def test_rsvps_made_and_cancelled_are_told(db, hook, receiver, event):
    hook()
    going = rsvp_as(event, SIGNER)
    waiting = rsvp_as(event, "ben@example.org", first_name="Ben")
    db.session.commit()
    dispatch_committed()
    rsvps.cancel(db.session.get(rsvps.Rsvp, going.rsvp_id), NOW)
    db.session.commit()
    dispatch_committed()
    received = receiver.wait_for(3)
    kinds = [(each.payload["type"], each.payload["data"]["identifiers"][0]) for each in received]
    assert kinds == [
        ("attendance.created", f"campaign_desk:{going.rsvp_id}"),
        ("attendance.created", f"campaign_desk:{waiting.rsvp_id}"),
        ("attendance.cancelled", f"campaign_desk:{going.rsvp_id}"),
    ]
    cancelled = received[2].payload["data"]
    assert cancelled["status"] == "declined"
    assert cancelled["_embedded"]["osdi:event"]["total_accepted"] == 1  # Ben moved up from the waitlist
    assert "@" not in received[0].body.decode() and "Ana" not in received[0].body.decode()


def test_a_walk_in_added_at_the_door_and_taken_back_is_told(db, hook, receiver, event):
    hook()
    at_the_door = event.starts_at - timedelta(minutes=10)
    walk_in = rsvps.add_walk_in(event, rsvps.WalkIn("Walker", "19104"), "n" * 22, "en", at_the_door)
    rsvps.check_in(walk_in, at_the_door, undo=True)
    db.session.commit()
    dispatch_committed()
    received = receiver.wait_for(2)
    assert [each.payload["type"] for each in received] == ["attendance.created", "attendance.cancelled"]
    assert "osdi:person" not in received[0].payload["data"]["_links"]  # no email given: no person


def test_a_signatory_approved_by_vetting_is_told(db, coalition, hook, receiver):
    hook()
    owner_id = coalition.roles[0].user_id
    letter = letters.create_letter(coalition.id, owner_id, {"title": "End 287(g)", "body": "Dear Sir,"}, [])
    letters.open_letter(letter, utcnow())
    fields = {
        "kind": "organization",
        "organization_name": "Juntos",
        "signer_name": "Sam Signer",
        "email": "sam@juntos.example",
        "city": "Philadelphia",
        "us_state": "PA",
    }
    signing.sign_on(letter, fields, "en", None)
    signature = db.session.scalar(select(Signature))
    signing.confirm(signature, utcnow(), signing.shown_digest(signature))
    db.session.commit()
    assert db.session.scalar(select(WebhookDelivery)) is None  # waiting for an organizer
    vetting.decide([signature], True, owner_id, utcnow())
    db.session.commit()
    dispatch_committed()
    received = only_event(receiver, "letter.signatory.approved")
    data = received.payload["data"]
    assert data["_embedded"]["campaign_desk:letter"]["total_signatories"] == 1
    assert "Juntos" not in received.body.decode() and "Sam" not in received.body.decode()


def test_an_unsubscribe_by_one_click_is_told_once(db, app, client, coalition, hook, receiver):
    hook()
    supporter = supporters.upsert_supporter(
        coalition.id, email=SIGNER, first_name="Ana", zip_code="19104", language="en"
    )
    supporters.record_consent(supporter, "Send me news.", "en", source="test")
    db.session.commit()
    token = supporter.preferences_token
    for _ in range(2):  # a second click changes nothing, and tells nothing
        answer = client.post(f"/u/{token}/one-click", data={"List-Unsubscribe": "One-Click"})
        assert answer.status_code == 200
        answer.close()
    received = receiver.wait_for(1)
    assert len(received) == 1 and received[0].payload["type"] == "person.unsubscribed"
    assert received[0].payload["data"]["identifiers"] == [f"campaign_desk:{supporter.id}"]


def test_an_alert_that_has_gone_out_is_told_with_its_counts(db, client, coalition, hook, receiver):
    hook()
    supporter = supporters.upsert_supporter(
        coalition.id, email=SIGNER, first_name="Ana", zip_code="19104", language="en"
    )
    supporters.record_consent(supporter, "Send me news.", "en", source="test")
    fields = {"subject": "Rally Friday", "body": "Come.", "subject_es": "", "body_es": "", "audience": {}}
    alert = notices.save_alert(coalition.id, coalition.roles[0].user_id, fields)
    db.session.commit()
    client.post(f"/coalitions/{coalition.slug}/alerts/{alert.id}/send").close()
    data = only_event(receiver, "alert.sent").payload["data"]
    assert (data["subject"], data["total_targeted"], data["total_sent"]) == ("Rally Friday", 1, 1)


def test_an_endpoint_turned_off_gets_no_event(db, coalition, hook, receiver, petition, sign):
    endpoint = hook()
    webhooks.switch(endpoint, False)
    db.session.commit()
    sign(petition, email=SIGNER)
    assert db.session.scalar(select(WebhookDelivery)) is None


def test_only_an_owner_can_allow_personal_data(db, client, coalition, add_teammate, login):
    add_teammate(coalition, Role.ADMIN, "admin@example.org")
    login("admin@example.org")
    url = f"/coalitions/{coalition.slug}/webhooks/personal-data"
    assert client.post(url, data={"personal_data": "y"}).status_code == 403
    assert not webhook_settings.personal_data_allowed(coalition.id)
    page = client.get(f"/coalitions/{coalition.slug}/webhooks").get_data(as_text=True)
    assert "Only an owner can turn this on." in page and 'name="personal_data"' not in page
    login()
    assert client.post(url, data={"personal_data": "y"}).status_code == 302
    assert webhook_settings.personal_data_allowed(coalition.id)
    login("admin@example.org")  # an admin may turn it off again
    assert client.post(url, data={}).status_code == 302
    assert not webhook_settings.personal_data_allowed(coalition.id)


def test_a_person_only_typed_into_a_form_is_not_handed_out_even_with_personal_data(
    db, coalition, hook, receiver, event
):
    """An RSVP has no confirmation: whoever typed the address may not be its owner, so the
    record is not on file, and no webhook carries it (as the API does not list it)."""
    hook()
    allow_personal_data(db, coalition)
    rsvp_as(event, SIGNER)
    db.session.commit()
    dispatch_committed()
    (received,) = receiver.wait_for(1)
    assert received.payload["type"] == "attendance.created"
    assert "osdi:person" not in received.payload["data"]["_links"] and b"@" not in received.body
