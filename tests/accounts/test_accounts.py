"""Sign up, verification, login, logout, throttling and password reset."""

from sqlalchemy import func, select

from campaign.accounts.models import LoginSession, User
from tests.coalitions.conftest import through_a_mail_outage
from tests.enumeration import assert_same_answer

PASSWORD = "correct horse battery"


def sign_up(client, email="new@example.org", password=PASSWORD, confirm=None, name="Rosa"):
    """The response, sent: its emails go out once it is closed."""
    response = client.post(
        "/accounts/signup",
        data={"name": name, "email": email, "password": password, "confirm": confirm or password},
    )
    response.get_data()
    response.close()
    return response


def test_signup_sends_verification_and_link_verifies(client, db, mailbox):
    response = sign_up(client, email="Rosa@Example.org")
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert user.email == "rosa@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert not user.is_verified

    link = mailbox.last_link("rosa@example.org", "/accounts/verify/")
    response = client.get(link.replace("http://localhost", ""))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.is_verified


def test_login_to_an_unconfirmed_account_does_not_say_the_password_was_right(client, db):
    sign_up(client)
    right = client.post("/accounts/login", data={"email": "new@example.org", "password": PASSWORD})
    wrong = client.post("/accounts/login", data={"email": "new@example.org", "password": "wrong password"})
    assert right.status_code == wrong.status_code == 200
    assert right.get_data(as_text=True) == wrong.get_data(as_text=True)
    assert "do not match a confirmed account" in right.get_data(as_text=True)


def test_signup_bad_input_keeps_what_was_typed(client, db):
    response = sign_up(client, email="not-an-email", password="short", name="Rosa Típica")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter an email address like name@example.org." in page
    assert "Use at least 10 characters." in page
    assert 'value="Rosa Típica"' in page
    assert 'value="not-an-email"' in page
    assert db.session.scalar(select(User)) is None


def test_signing_up_with_a_taken_address_does_not_reveal_the_account(
    client, db, make_user, mailbox, monkeypatch
):
    from campaign.accounts import services

    ana = make_user(email="ana@example.org", password="ana's own password")
    ana.locale = "es"
    db.session.commit()
    hashed = []
    real_hash = services.hash_password

    def counted_hash(password):
        hashed.append(password)
        return real_hash(password)

    monkeypatch.setattr(services, "hash_password", counted_hash)
    taken = sign_up(client, email="ANA@example.org")
    new = sign_up(client, email="someone-new@example.org")
    assert hashed == [PASSWORD, PASSWORD]  # the same work, so the same time, either way
    assert taken.status_code == new.status_code == 302
    assert taken.headers["Location"] == new.headers["Location"]
    page = client.get(taken.headers["Location"]).get_data(as_text=True)
    assert "already exists" not in page

    # Nothing changed on Ana's account; she is told, in her language, how to get in.
    accounts = select(func.count()).select_from(User).where(User.email == "ana@example.org")
    assert db.session.scalar(accounts) == 1
    db.session.refresh(ana)
    assert ana.name == "Ana Organizer"
    [message] = mailbox.to("ana@example.org")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Ya tienes una cuenta" in message["Subject"]
    assert "http://localhost/accounts/login" in text and "http://localhost/accounts/reset" in text


def test_signup_in_spanish(client):
    page = client.post(
        "/accounts/signup", data={"name": "", "email": "x"}, headers={"Accept-Language": "es"}
    ).get_data(as_text=True)
    assert "Escribe tu nombre." in page


def test_login_and_logout_ends_the_session(client, db, make_user, login):
    make_user()
    login()
    assert client.get("/dashboard").status_code == 200
    stolen_cookie = client.get_cookie("session").value
    client.post("/accounts/logout")
    assert db.session.scalar(select(LoginSession)) is None
    assert client.get("/dashboard").status_code == 302
    # Replaying the cookie captured before logout does not bring the session back.
    client.set_cookie("session", stolen_cookie)
    assert client.get("/dashboard").status_code == 302


def log_in(client, email="organizer@example.org", password=PASSWORD, ip="192.0.2.1"):
    return client.post(
        "/accounts/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def test_an_attackers_wrong_passwords_do_not_lock_the_owner_out(client, make_user):
    make_user()
    for _ in range(20):
        assert log_in(client, password="guess", ip="203.0.113.66").status_code in (200, 429)
    response = log_in(client, ip="198.51.100.7")
    assert response.status_code == 302


def test_wrong_passwords_slow_down_the_address_they_come_from(client, make_user):
    make_user()
    for _ in range(3):
        page = log_in(client, password="nope", ip="203.0.113.66").get_data(as_text=True)
        assert "do not match" in page
    # The third failure makes this address wait (2 s, then 4, 8...), even with the right password.
    response = log_in(client, ip="203.0.113.66")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts from here; try again in a minute." in page
    assert 'value="organizer@example.org"' in page


def test_delay_doubles_with_each_failure_up_to_the_cap(app):
    from campaign.accounts.throttle import delay_after

    app.config["LOGIN_MAX_DELAY_SECONDS"] = 900
    assert [delay_after(n) for n in (1, 2, 3, 4, 5)] == [0, 0, 2, 4, 8]
    assert delay_after(40) == 900


def test_guessing_many_accounts_from_one_address_is_capped(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_IP"] = "4 per 10 minutes"
    make_user()
    for number in range(4):
        log_in(client, email=f"guess{number}@example.org", password="x", ip="203.0.113.66")
    # Another account from the same address is refused; from elsewhere the owner gets in.
    assert log_in(client, ip="203.0.113.66").status_code == 429
    assert log_in(client, ip="198.51.100.7").status_code == 302


def test_rate_limit_storage_holds_no_address_or_email_in_clear(app, client, make_user):
    make_user()
    for _ in range(4):
        log_in(client, password="nope", ip="203.0.113.66")
    storage = app.extensions["counters"].shared
    keys = " ".join([*storage.storage, *storage.events])
    assert "login-pair/" in keys and "login-ip/" in keys
    assert "203.0.113.66" not in keys and "organizer@example.org" not in keys


def test_a_failed_logins_key_is_no_hash_that_ties_the_organizer_to_other_records(app, client, make_user):
    """Like the email caps' keys (tests/core/test_rate_limits.py): Redis must not hold the old
    global index of the address, which rows kept from before the per-coalition indexes still name."""
    from campaign.core.crypto import canonical_email, keyed_hash

    make_user()
    log_in(client, password="nope", ip="203.0.113.66")
    keys = " ".join([*app.extensions["counters"].shared.storage])
    assert "login-pair/" in keys
    assert keyed_hash(canonical_email("organizer@example.org")) not in keys


def test_with_redis_down_logins_work_and_wrong_passwords_still_slow_their_address(
    limits_storage_down, client, make_user
):
    make_user()
    for _ in range(3):
        assert log_in(client, password="nope", ip="203.0.113.66").status_code == 200
    assert log_in(client, ip="203.0.113.66").status_code == 429  # counted in this process
    assert log_in(client, ip="198.51.100.7").status_code == 302


def test_password_reset_is_single_use_and_ends_sessions(client, db, make_user, mailbox, login):
    make_user()
    login()
    client.post("/accounts/reset", data={"email": "organizer@example.org"}).close()  # sent, then emailed
    path = mailbox.last_link("organizer@example.org", "/accounts/reset/").replace("http://localhost", "")
    bad = client.post(path, data={"password": "new password 123", "confirm": "different"})
    assert "do not match" in bad.get_data(as_text=True)
    response = client.post(path, data={"password": "new password 123", "confirm": "new password 123"})
    assert response.status_code == 302
    assert db.session.scalar(select(LoginSession)) is None
    assert client.get(path).status_code == 302  # used link no longer works
    login(password="new password 123")


def test_reset_for_unknown_address_reveals_nothing(client, mailbox):
    response = client.post("/accounts/reset", data={"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mailbox.messages() == []


def test_reset_requests_do_not_tell_known_from_unknown_addresses(client, db, make_user, mailbox):
    make_user()
    assert_same_answer(
        lambda: client.post("/accounts/reset", data={"email": "organizer@example.org"}),
        lambda: client.post("/accounts/reset", data={"email": "nobody@example.org"}),
    )
    # Once the responses are sent, the owner gets the link; no one else gets anything.
    assert mailbox.last_link("organizer@example.org", "/accounts/reset/")
    assert [message["To"] for message in mailbox.messages()] == ["organizer@example.org"]


def test_resend_confirmation_does_not_tell_known_from_unknown_addresses(client, db, mailbox):
    sign_up(client, email="unconfirmed@example.org")
    assert_same_answer(
        lambda: client.post("/accounts/verify", data={"email": "unconfirmed@example.org"}),
        lambda: client.post("/accounts/verify", data={"email": "nobody@example.org"}),
    )
    assert len(mailbox.to("unconfirmed@example.org")) == 2
    assert mailbox.to("nobody@example.org") == []


def test_a_reset_asked_for_while_the_mail_server_is_down_arrives_once_it_is_back(
    app, client, db, make_user, mailbox
):
    # More failed attempts than one requester may have sent to an address a day: only a sent
    # email counts towards that cap, or the retry is refused and the link never arrives.
    make_user()
    ask = lambda: client.post("/accounts/reset", data={"email": "organizer@example.org"}).close()  # noqa: E731
    through_a_mail_outage(app, db, ask, failed_sends=4)
    assert mailbox.last_link("organizer@example.org", "/accounts/reset/")


def test_the_account_exists_email_sent_while_the_mail_server_is_down_arrives_once_it_is_back(
    app, client, db, make_user, mailbox
):
    make_user()
    through_a_mail_outage(app, db, lambda: sign_up(client, email="organizer@example.org"), failed_sends=4)
    assert [m["Subject"] for m in mailbox.to("organizer@example.org")] == [
        "You already have a Campaign desk account"
    ]
