"""Addresses the mail must reach: an internationalized domain goes out in ASCII, on every path;
one no server can take (saved before the forms refused it) is refused and marked, once."""

from sqlalchemy import select

from campaign.accounts.tasks import send_verification_email
from campaign.coalitions.models import TeamInvitation
from campaign.core.outbox import FAILED, OutboxEntry, dispatch_committed, enqueue
from campaign.notifications import services, tasks
from campaign.notifications.models import Delivery, DeliveryState

IDN = "maria@correo-exämple.org"
IDN_ASCII = "maria@xn--correo-exmple-jfb.org"
ALERT = {"subject": "Vigil tonight", "body": "Bring a candle.", "subject_es": "", "body_es": ""}


def test_an_alert_reaches_a_supporter_saved_with_an_international_domain(
    db, coalition, add_supporter, mailbox
):
    add_supporter(IDN)  # as saved before the forms kept the ASCII form
    alert = services.save_alert(coalition.id, None, ALERT | {"audience": {"source": "subscribers"}})
    services.start(alert)
    services.create_deliveries(alert)
    db.session.commit()
    tasks.send_message.apply(args=[alert.id])
    assert [message["To"] for message in mailbox.messages()] == [IDN_ASCII]
    assert db.session.scalars(select(Delivery.state)).all() == [DeliveryState.SENT]


def test_an_account_email_to_an_address_no_server_takes_fails_at_once_not_for_hours(db, make_user, mailbox):
    user = make_user(email="josé@example.org")
    user.email_verified_at = None
    entry = enqueue(send_verification_email, user_id=user.id)
    db.session.commit()
    dispatch_committed()
    db.session.expire_all()
    entry = db.session.get(OutboxEntry, entry.id)
    assert (entry.state, entry.attempts) == (FAILED, 1)
    assert "UndeliverableAddress" in entry.last_error and "josé" not in entry.last_error
    assert mailbox.messages() == []


def test_a_team_invitation_to_an_international_domain_is_saved_and_sent_in_ascii(
    client, coalition, db, mailbox
):
    crafted = client.post(f"/coalitions/{coalition.slug}/team", data={"email": IDN, "role": "99"})
    assert "Choose one of the options offered." in crafted.get_data(as_text=True)
    response = client.post(f"/coalitions/{coalition.slug}/team", data={"email": IDN, "role": "20"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(TeamInvitation)).email == IDN_ASCII
    assert [message["To"] for message in mailbox.messages()] == [IDN_ASCII]
