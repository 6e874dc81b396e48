"""Alerts end to end in-process: compose, preview, audience, send, unsubscribe, bad input."""

from datetime import datetime, timedelta

from sqlalchemy import select

from campaign.notifications import services
from campaign.notifications.models import Delivery, DeliveryState, Message, MessageState
from tests.notifications.conftest import alert_form


def compose(client, coalition, **overrides):
    return client.post(f"/coalitions/{coalition.slug}/alerts/new", data=alert_form(**overrides))


def schedule(client, coalition, alert, send_at: str, time_zone: str):
    url = f"/coalitions/{coalition.slug}/alerts/{alert.id}/schedule"
    return client.post(url, data={"send_at": send_at, "time_zone": time_zone})


def draft(db, client, coalition, **overrides) -> Message:
    """An alert composed through the form, saved as a draft."""
    assert compose(client, coalition, **overrides).status_code == 302
    return db.session.scalar(select(Message).order_by(Message.id.desc()))


def test_alert_reaches_each_subscriber_once_in_their_language(db, client, coalition, add_supporter, mailbox):
    add_supporter("ana@example.org", "Ana")
    add_supporter("luis@example.org", "Luis", language="es")
    add_supporter("quiet@example.org", subscribed=False)
    response = compose(
        client, coalition, subject_es="Manifestación el viernes", body_es="Ven el **viernes**."
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 supporters will receive this alert." in page
    alert = db.session.scalar(select(Message))
    client.post(f"/coalitions/{coalition.slug}/alerts/{alert.id}/send")

    db.session.refresh(alert)
    assert alert.state == MessageState.SENT
    english, spanish = mailbox.to("ana@example.org"), mailbox.to("luis@example.org")
    assert len(english) == len(spanish) == 1 and not mailbox.to("quiet@example.org")
    assert english[0]["Subject"] == "Rally at City Hall on Friday"
    assert spanish[0]["Subject"] == "Manifestación el viernes"
    assert "Philadelphia Family Unity Network" in english[0]["From"]
    text = spanish[0].get_body(preferencelist=("plain",)).get_content()
    assert "Hola, Luis:" in text or "Luis" in text
    html = english[0].get_body(preferencelist=("html",)).get_content()
    assert "<strong>Friday at noon</strong>" in html and 'style="' in html  # CSS inlined
    assert english[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_unsubscribe_needs_no_cookie_or_csrf(app, db, client, coalition, add_supporter, mailbox):
    supporter = add_supporter("ana@example.org")
    alert = draft(db, client, coalition)
    client.post(f"/coalitions/{coalition.slug}/alerts/{alert.id}/send")
    url = mailbox.to("ana@example.org")[0]["List-Unsubscribe"].strip("<>")
    app.config["WTF_CSRF_ENABLED"] = True
    stranger = app.test_client()  # no session, no CSRF token: what a mail provider sends
    response = stranger.post(url.replace("http://localhost", ""), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.refresh(supporter)
    assert supporter.subscription.value == "unsubscribed"


def test_bad_input_keeps_what_was_typed(client, coalition, add_supporter):
    add_supporter("ana@example.org")
    page = compose(client, coalition, subject="", body="Hello <script>alert(1)</script> friends").get_data(
        as_text=True
    )
    assert "Write a subject." in page
    assert "Remove the script or embedded code" in page
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt; friends" in page


def test_an_audience_of_nobody_is_refused(client, coalition, add_supporter):
    add_supporter("ana@example.org", zip_code="19104")
    page = compose(client, coalition, state="CA", subject="Only California").get_data(as_text=True)
    assert "Nobody in this audience can receive email" in page
    assert 'value="Only California"' in page


def test_schedule_in_the_past_is_refused(db, client, coalition, add_supporter):
    add_supporter("ana@example.org")
    alert = draft(db, client, coalition)
    response = schedule(client, coalition, alert, "2020-01-01T09:00", "America/New_York")
    assert response.status_code == 400
    assert "Choose a time in the future." in response.get_data(as_text=True)
    assert db.session.scalar(select(Message)).state == MessageState.DRAFT


def test_permanent_failure_state_counts(db, client, coalition, add_supporter):
    add_supporter("ana@example.org")
    alert = draft(db, client, coalition)
    client.post(f"/coalitions/{coalition.slug}/alerts/{alert.id}/send")
    states = db.session.scalars(select(Delivery.state)).all()
    assert states == [DeliveryState.SENT]


def test_a_test_send_goes_to_the_organizer_in_each_language(db, client, coalition, add_supporter, mailbox):
    add_supporter("ana@example.org")
    alert = draft(db, client, coalition, subject_es="Vigilia", body_es="Trae una vela.")
    client.post(f"/coalitions/{coalition.slug}/alerts/{alert.id}/test")
    subjects = sorted(m["Subject"] for m in mailbox.to("organizer@example.org"))
    assert subjects == ["[TEST] Rally at City Hall on Friday", "[TEST] Vigilia"]
    assert not mailbox.to("ana@example.org")
    assert db.session.scalar(select(Message)).state == MessageState.DRAFT


def test_a_sent_alert_cannot_be_edited(db, client, coalition, add_supporter):
    add_supporter("ana@example.org")
    alert = draft(db, client, coalition)
    client.post(f"/coalitions/{coalition.slug}/alerts/{alert.id}/send")
    response = client.post(
        f"/coalitions/{coalition.slug}/alerts/{alert.id}/edit", data=alert_form(subject="New")
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Message)).subject == "Rally at City Hall on Friday"


def test_the_sending_limit_refuses_a_negative_number(db, client, coalition):
    url = f"/coalitions/{coalition.slug}/alerts/settings"
    page = client.post(url, data={"messages_per_minute": "-1"}).get_data(as_text=True)
    assert "Enter a number from 0 to 100,000." in page and 'value="-1"' in page
    assert client.post(url, data={"messages_per_minute": "600"}).status_code == 302
    assert 'value="600"' in client.get(url).get_data(as_text=True)


def test_a_scheduled_alert_shows_its_time(db, client, coalition, add_supporter):
    add_supporter("ana@example.org")
    alert = draft(db, client, coalition)
    response = schedule(client, coalition, alert, "2099-05-01T09:00", "America/Los_Angeles")
    assert response.status_code == 302
    alert = db.session.scalar(select(Message))
    assert alert.state == MessageState.SCHEDULED and alert.scheduled_at.hour == 16  # 9:00 PDT in UTC
    page = client.get(f"/coalitions/{coalition.slug}/alerts/{alert.id}").get_data(as_text=True)
    assert "Scheduled for 5/1/99, 9:00\u202fAM (Pacific time)." in page


def test_a_forged_time_zone_is_refused_not_a_crash(db, client, coalition, add_supporter):
    add_supporter("ana@example.org")
    alert = draft(db, client, coalition)
    response = schedule(client, coalition, alert, "2099-05-01T09:00", "Mars/Olympus_Mons")
    assert response.status_code == 400
    assert "Choose one of the options offered." in response.get_data(as_text=True)


def test_withdrawing_deletes_a_draft_cancels_a_scheduled_one_and_leaves_one_sending(
    db, client, coalition, add_supporter
):
    add_supporter("ana@example.org")
    first, second, third = (draft(db, client, coalition, subject=f"Alert {n}") for n in range(3))
    services.schedule(second, datetime.now() + timedelta(days=1), "America/New_York")
    services.start(third)
    states = [services.withdraw(alert) for alert in (first, second, third)]
    db.session.commit()
    assert states == [MessageState.DRAFT, MessageState.SCHEDULED, None]
    left = {alert.subject: alert.state for alert in db.session.scalars(select(Message))}
    assert left == {"Alert 1": MessageState.CANCELLED, "Alert 2": MessageState.SENDING}
