"""Sign-up to verified account through the real worker, Redis, SMTP server and PostgreSQL."""

import pytest
from sqlalchemy import select

from campaign.accounts.models import User
from campaign.core.outbox import DONE, OutboxEntry
from campaign.extensions import db
from tests.integration.helpers import link_path, new_address, sign_up

pytestmark = pytest.mark.integration


def test_signup_mail_goes_through_the_worker_and_the_link_verifies(
    it_app, it_client, celery_worker, smtp_server
):
    address = new_address("rosa")
    response = sign_up(it_client, address)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/accounts/check-email/verify")

    (message,) = smtp_server.wait_for_mail_to(address)
    assert message["Subject"] == "Confirm your email address"
    response = it_client.get(link_path(message, "/accounts/verify/"))
    assert response.status_code == 302
    assert "/accounts/login" in response.headers["Location"]

    with it_app.app_context():
        user = db.session.scalar(select(User).where(User.email == address))
        assert user.email_verified_at is not None
        entries = db.session.scalars(
            select(OutboxEntry).where(OutboxEntry.payload["user_id"].as_integer() == user.id)
        ).all()
        assert [(entry.state, entry.attempts) for entry in entries] == [(DONE, 1)]
