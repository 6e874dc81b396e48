"""Caps and throttles that slow strangers without locking the owner out."""

from campaign.accounts.models import EmailRequest

OWNER = "organizer@example.org"


def _reset(client, remote_addr: str) -> None:
    client.post("/accounts/reset", data={"email": OWNER}, environ_base={"REMOTE_ADDR": remote_addr}).close()


def test_a_stranger_cannot_use_up_the_owners_reset_emails_for_the_day(app, client, db, make_user, mailbox):
    make_user()
    stranger = app.test_client()
    for number in range(3):
        _reset(stranger, f"198.51.100.{number}")
    before = len(mailbox.to(OWNER))
    _reset(client, "203.0.113.5")
    assert len(mailbox.to(OWNER)) == before + 1  # the owner's own request is answered


def test_reset_emails_stop_after_three_from_one_address_and_ten_in_all(client, db, make_user, mailbox):
    make_user()
    for _ in range(5):
        _reset(client, "198.51.100.1")
    assert len(mailbox.to(OWNER)) == 3
    for number in range(12):
        _reset(client, f"203.0.113.{number}")
    assert len(mailbox.to(OWNER)) == 10
    assert db.session.query(EmailRequest).count() == 0  # the address and the IP hash are gone


def test_failed_logins_from_one_ipv6_network_slow_its_next_address(client, db, make_user):
    """Each of a /64's 2**64 addresses would otherwise start with free guesses."""
    make_user()
    for number in range(60):
        client.post(
            "/accounts/login",
            data={"email": OWNER, "password": f"guess {number}"},
            environ_base={"REMOTE_ADDR": f"2001:db8::{number + 1:x}"},
        )
    response = client.post(
        "/accounts/login",
        data={"email": OWNER, "password": "guess 99"},
        environ_base={"REMOTE_ADDR": "2001:db8::ffff"},
    )
    assert response.status_code == 429
