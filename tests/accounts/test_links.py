"""Where an account's links lead and how long they work: the login's `next`, the reset link."""

import base64
import json

import pytest
from sqlalchemy import select

from campaign.accounts.models import User
from campaign.accounts.services import reset_password, user_for_reset_token
from campaign.accounts.tokens import reset_token, verification_token

PASSWORD = "correct horse battery"


def log_in(client, next_value=None, raw_query=None):
    query = raw_query or ""
    return client.post(
        f"/accounts/login?{query}",
        query_string=None if raw_query else {"next": next_value},
        data={"email": "organizer@example.org", "password": PASSWORD},
    )


@pytest.mark.parametrize(
    "target",
    ["////evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "\t//evil.example"],
)
def test_a_login_link_with_next_cannot_send_the_organizer_to_another_site(client, make_user, target):
    make_user()
    response = log_in(client, target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize(
    "raw_query", ["next=%0d%0aSet-Cookie:x", "next=/%0d%0aX:%20y", "next=%09//evil.example"]
)
def test_a_login_link_with_a_crlf_in_next_logs_in_and_is_no_500(client, make_user, raw_query):
    make_user()
    response = log_in(client, raw_query=raw_query)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_a_login_link_keeps_a_next_page_on_this_site(client, make_user):
    make_user()
    assert log_in(client, "/coalitions/new?from=email").headers["Location"] == "/coalitions/new?from=email"


def payload_of(token: str) -> str:
    """What anyone holding the link can read: the signed payload is only base64."""
    encoded = token.split(".")[0]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()


def test_a_reset_link_shows_no_part_of_the_password_hash(db, make_user):
    user = make_user()
    token = reset_token(user)
    readable = payload_of(token) + token
    pieces = {user.password_hash[start : start + 8] for start in range(len(user.password_hash) - 7)}
    assert not [piece for piece in pieces if piece in readable]
    assert json.loads(payload_of(token))["user"] == user.id
    assert user_for_reset_token(token) == user


def test_a_reset_link_stops_working_after_the_password_changes(db, make_user):
    user = make_user()
    token = reset_token(user)
    reset_password(user, "another long password")
    db.session.commit()
    assert user_for_reset_token(token) is None


def test_a_reset_link_stops_working_after_an_hour(db, make_user, signed_ago):
    user = make_user()
    with signed_ago(minutes=61):
        old = reset_token(user)
    with signed_ago(minutes=59):
        recent = reset_token(user)
    assert user_for_reset_token(old) is None
    assert user_for_reset_token(recent) == db.session.scalar(select(User))


def test_a_shared_computer_keeps_no_copy_of_the_account_pages(client, make_user):
    user = make_user()
    pages = [
        "/accounts/login?email=organizer%40example.org",
        "/accounts/signup",
        "/accounts/reset",
        "/accounts/verify",
        f"/accounts/reset/{reset_token(user)}",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_an_email_verification_link_stops_working_after_three_days(client, db, make_user, signed_ago):
    user = make_user()
    user.email_verified_at = None
    db.session.commit()
    with signed_ago(days=3, minutes=1):
        old = verification_token(user)
    response = client.get(f"/accounts/verify/{old}")
    assert response.status_code == 302 and response.location.endswith("/accounts/verify")
    assert db.session.get(User, user.id).email_verified_at is None
    with signed_ago(days=2, hours=23):
        recent = verification_token(user)
    assert client.get(f"/accounts/verify/{recent}").location.startswith("/accounts/login")
    assert db.session.get(User, user.id).email_verified_at is not None
