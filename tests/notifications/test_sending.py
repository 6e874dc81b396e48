"""The sender's bookkeeping in-process: dedupe, reclaiming dead batches, pause, rate, schedule."""

from datetime import timedelta

from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import func, select, update

from campaign.core.mail import StoredMail
from campaign.core.outbox import dispatch_committed, utcnow
from campaign.notifications import personal_links, sending, services, suppression, tasks
from campaign.notifications.models import Delivery, DeliveryState, Message, MessageState
from campaign.notifications.services import audience
from campaign.supporters.models import Supporter

ALERT = {"subject": "Vigil tonight", "body": "Bring a candle.", "subject_es": "", "body_es": ""}


def make_alert(db, coalition, user_id=None, **audience_filters):
    alert = services.save_alert(
        coalition.id, user_id, ALERT | {"audience": {"source": "subscribers", **audience_filters}}
    )
    db.session.commit()
    return alert


def send_now(db, alert):
    services.start(alert)
    services.create_deliveries(alert)
    db.session.commit()


def states(db, message):
    return sorted(db.session.scalars(select(Delivery.state).where(Delivery.message_id == message.id)))


NOTICE_TEMPLATES = {
    "petitions/emails/goal.subject.txt": "{{ _('Goal reached') }}",
    "petitions/emails/goal.txt": "{{ greeting }} {{ goal }} {% include 'notifications/emails/_footer.txt' %}",
    "petitions/emails/goal.html": (
        "{% extends 'notifications/emails/_layout.html' %}{% block body %}{{ goal }}{% endblock %}"
    ),
}


def test_a_notice_with_the_same_key_is_queued_once(app, db, coalition, add_supporter, mailbox):
    # A feature's notice templates, as petitions will ship them.
    app.jinja_env.loader = ChoiceLoader([DictLoader(NOTICE_TEMPLATES), app.jinja_env.loader])
    ana = add_supporter("ana@example.org", subscribed=False)  # not asked: notices still reach her
    first = services.notify(coalition.id, [ana.id], "petitions/emails/goal", {"goal": 100}, "goal:1")
    second = services.notify(coalition.id, [ana.id], "petitions/emails/goal", {"goal": 100}, "goal:1")
    assert first is not None and second is None
    db.session.commit()
    tasks.start_message.apply(args=[_outbox_entry(db, first)])
    [notice] = mailbox.to("ana@example.org")
    assert notice["Subject"] == "Goal reached"
    assert "Hello Ana, 100" in notice.get_body(preferencelist=("plain",)).get_content()
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1


LINK_TEMPLATES = {
    "petitions/emails/door.subject.txt": "Your door",
    "petitions/emails/door.txt": (
        "{{ greeting }} {{ personal_url }} {% include 'notifications/emails/_footer.txt' %}"
    ),
    "petitions/emails/door.html": (
        "{% extends 'notifications/emails/_layout.html' %}"
        "{% block body %}<a href='{{ personal_url }}'>Open</a>{% endblock %}"
    ),
}


def test_each_recipient_of_a_notice_gets_their_own_link_or_no_email(
    app, db, coalition, add_supporter, mailbox, monkeypatch
):
    app.jinja_env.loader = ChoiceLoader([DictLoader(LINK_TEMPLATES), app.jinja_env.loader])
    ana, ben, gone = (add_supporter(f"{name}@example.org") for name in ("ana", "ben", "gone"))
    asked = []

    def doors(supporter_ids, street):
        asked.append(sorted(supporter_ids))
        return {id_: f"https://example.org/{street}/{id_}" for id_ in supporter_ids if id_ != gone.id}

    monkeypatch.setitem(personal_links._BUILDERS, "door", doors)
    context = {"personal_link": {"kind": "door", "street": "elm"}}
    notice = services.notify(
        coalition.id, [ana.id, ben.id, gone.id], "petitions/emails/door", context, "doors"
    )
    db.session.commit()
    tasks.start_message.apply(args=[_outbox_entry(db, notice)])

    assert asked == [sorted([ana.id, ben.id, gone.id])]  # once for the batch, not per recipient
    for address, supporter in (("ana@example.org", ana), ("ben@example.org", ben)):
        [email] = mailbox.to(address)
        link = f"https://example.org/elm/{supporter.id}"
        assert link in email.get_body(preferencelist=("plain",)).get_content()
        assert f'href="{link}"' in email.get_body(preferencelist=("html",)).get_content()
    assert mailbox.to("gone@example.org") == []  # no email with the link left out
    assert states(db, notice) == [DeliveryState.SENT, DeliveryState.SENT, DeliveryState.SUPPRESSED]
    sending.send_test(notice, "organizer@example.org", "Ana")  # a test copy has no link of its own
    assert all("%%" not in mail.raw for mail in db.session.scalars(select(StoredMail)))


def _outbox_entry(db, message):
    from campaign.core.outbox import enqueue

    entry = enqueue(tasks.start_message, message_id=message.id)
    db.session.commit()
    return entry.id


def test_a_dead_workers_batch_is_reclaimed_without_a_second_copy(app, db, coalition, add_supporter, mailbox):
    for number in range(3):
        add_supporter(f"person{number}@example.org")
    alert = make_alert(db, coalition)
    send_now(db, alert)
    ids = db.session.scalars(select(Delivery.id).order_by(Delivery.id)).all()
    # A worker claimed all three, handed the first to the server, then was killed.
    long_ago = utcnow() - timedelta(seconds=app.config["NOTIFY_LEASE_SECONDS"] + 1)
    db.session.execute(
        update(Delivery).values(state=DeliveryState.SENDING, claim_token="dead", claimed_at=long_ago)
    )
    db.session.execute(update(Delivery).where(Delivery.id == ids[0]).values(handed_over_at=long_ago))
    db.session.commit()

    assert sending.reclaim_stale() == 2
    assert states(db, alert) == [DeliveryState.QUEUED, DeliveryState.QUEUED, DeliveryState.SENT]
    tasks.send_message.apply(args=[alert.id])
    assert states(db, alert) == [DeliveryState.SENT] * 3
    assert not mailbox.to("person0@example.org")  # counted as delivered by the dead worker
    assert len(mailbox.to("person1@example.org")) == len(mailbox.to("person2@example.org")) == 1
    db.session.refresh(alert)
    assert alert.state == MessageState.SENT


def test_a_live_claim_is_left_alone(db, coalition, add_supporter):
    add_supporter("ana@example.org")
    alert = make_alert(db, coalition)
    send_now(db, alert)
    db.session.execute(update(Delivery).values(state=DeliveryState.SENDING, claimed_at=utcnow()))
    db.session.commit()
    assert sending.reclaim_stale() == 0
    assert states(db, alert) == [DeliveryState.SENDING]


def test_paused_alerts_send_nothing_until_resumed_and_cancelled_ones_never(
    db, coalition, add_supporter, mailbox
):
    add_supporter("ana@example.org")
    alert = make_alert(db, coalition)
    send_now(db, alert)
    services.pause(alert)
    db.session.commit()
    tasks.send_message.apply(args=[alert.id])
    assert not mailbox.messages()
    services.resume(alert)
    services.cancel(alert)
    db.session.commit()
    tasks.send_message.apply(args=[alert.id])
    assert not mailbox.messages()
    assert services.progress(alert).remaining == 1


def test_the_coalition_rate_limit_holds_back_the_rest(db, coalition, add_supporter, mailbox):
    for number in range(5):
        add_supporter(f"person{number}@example.org")
    services.set_rate(coalition.id, 2)
    alert = make_alert(db, coalition)
    send_now(db, alert)
    tasks.send_message.apply(args=[alert.id])
    assert len(mailbox.messages()) == 2
    assert services.progress(alert).remaining == 3


def test_suppressed_and_unsubscribed_addresses_are_skipped_at_sending_time(
    db, coalition, add_supporter, mailbox
):
    ana, luis = add_supporter("ana@example.org"), add_supporter("luis@example.org")
    add_supporter("rosa@example.org")
    alert = make_alert(db, coalition)
    send_now(db, alert)
    suppression.suppress(coalition.id, "ANA@example.org", "bounced: 550")
    from campaign.supporters.services import unsubscribe

    unsubscribe(luis)
    db.session.commit()
    tasks.send_message.apply(args=[alert.id])
    assert [m["To"] for m in mailbox.messages()] == ["rosa@example.org"]
    assert services.progress(alert).suppressed == 2
    assert ana.id  # kept: suppression is by address, the supporter record stays


def test_audience_narrowed_by_state_and_by_distance(db, coalition, add_supporter):
    add_supporter("philly@example.org", zip_code="19104")
    add_supporter("pittsburgh@example.org", zip_code="15213")
    add_supporter("la@example.org", zip_code="90012")
    assert audience.count(coalition.id, {"source": "subscribers", "state": "PA"}) == 2
    assert audience.count(coalition.id, {"source": "subscribers", "zip": "19103", "miles": 25}) == 1
    assert audience.count(coalition.id, {"source": "subscribers"}) == 3


def test_a_due_scheduled_alert_is_started_by_the_beat_job(db, coalition, add_supporter, mailbox):
    add_supporter("ana@example.org")
    alert = make_alert(db, coalition)
    services.schedule(alert, utcnow() + timedelta(hours=1), "America/Chicago")
    db.session.commit()
    tasks.keep_sending.apply()
    assert not mailbox.messages()
    db.session.execute(update(Message).values(scheduled_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    tasks.keep_sending.apply()
    dispatch_committed()
    assert len(mailbox.to("ana@example.org")) == 1
    db.session.refresh(alert)
    assert alert.state == MessageState.SENT


def test_a_copy_of_ones_data_lists_the_emails_received(db, coalition, add_supporter):
    from campaign.supporters.services import export_supporter_data

    add_supporter("ana@example.org")
    alert = make_alert(db, coalition)
    send_now(db, alert)
    tasks.send_message.apply(args=[alert.id])
    [record] = export_supporter_data("ana@example.org")
    assert record["activity"] == [f"{utcnow():%Y-%m-%d} · email · Vigil tonight"]


def test_a_batch_hands_back_what_it_has_not_sent_at_half_its_lease(
    app, db, coalition, add_supporter, mailbox
):
    for number in range(3):
        add_supporter(f"person{number}@example.org")
    alert = make_alert(db, coalition)
    send_now(db, alert)
    app.config["NOTIFY_LEASE_SECONDS"] = 0  # half the lease is over after the first message
    batch = sending.send_batch(alert.id)
    assert (batch.claimed, batch.sent) == (3, 1)
    assert states(db, alert) == [DeliveryState.QUEUED, DeliveryState.QUEUED, DeliveryState.SENT]
    assert len(mailbox.messages()) == 1


def test_the_beat_job_does_not_finish_an_alert_whose_deliveries_are_not_written_yet(
    db, coalition, add_supporter
):
    add_supporter("ana@example.org")
    alert = make_alert(db, coalition)
    services.start(alert)  # "Send now": start_message is still on its way
    db.session.commit()
    services.mark_stale_sending_messages_done()
    assert alert.state == MessageState.SENDING


def test_an_address_smtp_cannot_carry_fails_alone(db, coalition, add_supporter, mailbox):
    add_supporter("josé@example.org")
    add_supporter("ana@example.org")
    alert = make_alert(db, coalition)
    send_now(db, alert)
    tasks.send_message.apply(args=[alert.id])
    assert [m["To"] for m in mailbox.messages()] == ["ana@example.org"]
    assert states(db, alert) == [DeliveryState.FAILED, DeliveryState.SENT]
    db.session.refresh(alert)
    assert alert.state == MessageState.SENT


def test_a_long_spanish_subject_is_folded_with_crlf(db, coalition, add_supporter, mailbox):
    add_supporter("luis@example.org", language="es")
    subject = "Manifestación frente a las oficinas de ICE el jueves al mediodía: ni uno más"
    alert = services.save_alert(
        coalition.id, None, ALERT | {"subject_es": subject, "body_es": "Ven.", "audience": {}}
    )
    send_now(db, alert)
    tasks.send_message.apply(args=[alert.id])
    [message] = mailbox.messages()
    assert message["Subject"] == subject
    raw = db.session.scalar(select(StoredMail)).raw
    head = raw.split("\r\n\r\n", 1)[0]
    assert "\n" not in head.replace("\r\n", "")  # no bare line feeds in the headers


def test_which_refusals_suppress_an_address():
    assert sending._address_is_dead(550, "(550, b'5.1.1 No such user')")
    assert sending._address_is_dead(550, "(550, b'Mailbox unavailable')")
    assert not sending._address_is_dead(554, "(554, b'5.7.1 Message rejected as spam')")
    assert sending._refuses_our_sending(550, "(550, b'5.7.1 Relaying denied')")
    assert sending._refuses_our_sending(530, "(530, b'Authentication required')")


def test_a_notice_to_more_people_than_one_statement_takes_is_written_in_parts(
    app, db, coalition, add_supporter
):
    ids = [add_supporter(f"person{number}@example.org").id for number in range(5)]
    notice = services.notify(coalition.id, ids, "petitions/emails/goal", {"goal": 5}, "goal:parts")
    db.session.flush()
    original, services.NOTICE_IDS_PER_INSERT = services.NOTICE_IDS_PER_INSERT, 2
    try:
        assert services.create_deliveries(notice) == 5
    finally:
        services.NOTICE_IDS_PER_INSERT = original
    assert len(states(db, notice)) == 5


def test_a_feature_can_offer_its_own_audiences(db, client, coalition, add_supporter, monkeypatch):
    """How petitions, letters and days of action will plug in: a source with one choice per item."""
    ana, luis = add_supporter("ana@example.org"), add_supporter("luis@example.org")
    petition_signers = {7: [ana.id]}
    source = audience.AudienceSource(
        "petition",
        "Signers of the petition",
        lambda coalition_id, petition_id: select(Supporter.id).where(
            Supporter.id.in_(petition_signers[petition_id])
        ),
        choices=lambda coalition_id: [(7, "End 287(g) now")],
    )
    monkeypatch.setitem(audience.SOURCES, "petition", source)
    page = client.get(f"/coalitions/{coalition.slug}/alerts/new").get_data(as_text=True)
    assert 'value="petition:7"' in page and "Signers of the petition: End 287(g) now" in page
    form = {"subject": "Thank you", "body": "We delivered it.", "source": "petition:7"}
    assert client.post(f"/coalitions/{coalition.slug}/alerts/new", data=form).status_code == 302
    alert = db.session.scalar(select(Message))
    assert alert.audience == {"source": "petition", "source_id": 7}
    assert services.audience_size(alert) == 1
    assert luis.id not in db.session.scalars(audience.recipients(coalition.id, alert.audience)).all()
