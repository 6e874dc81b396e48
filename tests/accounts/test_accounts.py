"""Sign up, verification, login, logout, throttling and password reset."""

from sqlalchemy import select

from campaign.accounts.models import LoginSession, User

PASSWORD = "correct horse battery"


def sign_up(client, email="new@example.org", password=PASSWORD, confirm=None, name="Rosa"):
    return client.post(
        "/accounts/signup",
        data={"name": name, "email": email, "password": password, "confirm": confirm or password},
    )


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


def test_unverified_account_cannot_log_in(client, db):
    sign_up(client)
    response = client.post("/accounts/login", data={"email": "new@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Confirm your email address first" in response.get_data(as_text=True)


def test_signup_bad_input_keeps_what_was_typed(client, db):
    response = sign_up(client, email="not-an-email", password="short", name="Rosa Típica")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter an email address like name@example.org." in page
    assert "Use at least 10 characters." in page
    assert 'value="Rosa Típica"' in page
    assert 'value="not-an-email"' in page
    assert db.session.scalar(select(User)) is None


def test_signup_duplicate_email_is_explained(client, make_user):
    make_user(email="ana@example.org")
    page = sign_up(client, email="ANA@example.org").get_data(as_text=True)
    assert "already exists" in page


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


def test_wrong_password_is_throttled_per_account(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    make_user()
    for _ in range(3):
        page = client.post("/accounts/login", data={"email": "organizer@example.org", "password": "nope"})
        assert "do not match" in page.get_data(as_text=True)
    response = client.post("/accounts/login", data={"email": "organizer@example.org", "password": PASSWORD})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many failed attempts" in page
    assert 'value="organizer@example.org"' in page


def test_wrong_password_is_throttled_per_ip(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_IP"] = "4 per 10 minutes"
    for number in range(4):
        client.post("/accounts/login", data={"email": f"guess{number}@example.org", "password": "x"})
    response = client.post("/accounts/login", data={"email": "other@example.org", "password": "x"})
    assert response.status_code == 429


def test_password_reset_is_single_use_and_ends_sessions(client, db, make_user, mailbox, login):
    make_user()
    login()
    client.post("/accounts/reset", data={"email": "organizer@example.org"})
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
