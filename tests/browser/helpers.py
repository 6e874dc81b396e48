"""Setting up browser tests' data directly, and reading the mail the live app stored."""

import re
from email import message_from_string, policy

from sqlalchemy import select

from campaign.accounts.models import User
from campaign.accounts.services import hash_password
from campaign.core.mail import StoredMail
from campaign.core.outbox import utcnow
from campaign.extensions import db
from tests.browser.test_organizer_journey import PASSWORD


def add_organizer(email: str, name: str, locale: str = "es") -> User:
    """A verified organizer who can log in with PASSWORD (call inside the live app's context)."""
    organizer = User(
        email=email,
        name=name,
        password_hash=hash_password(PASSWORD),
        email_verified_at=utcnow(),
        locale=locale,
    )
    db.session.add(organizer)
    return organizer


def link_in_last_mail(live_app, recipient: str, path: str) -> str:
    """The link to `path` in the last email the live app stored, which must be to `recipient`."""
    with live_app.app_context():
        raw = db.session.scalars(select(StoredMail).order_by(StoredMail.id.desc())).first().raw
    message = message_from_string(raw, policy=policy.default)
    assert message["To"] == recipient
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"https?://\S*{re.escape(path)}\S+", text).group(0)
