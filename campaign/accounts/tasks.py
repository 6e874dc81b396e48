"""Account emails, sent from the outbox."""

from flask_babel import lazy_gettext as _l

from campaign.accounts.models import User
from campaign.accounts.tokens import reset_token, verification_token
from campaign.core.mail import send_templated
from campaign.core.outbox import outbox_task
from campaign.core.urls import external_url
from campaign.extensions import db


@outbox_task
def send_verification_email(user_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is None or user.is_verified:
        return
    link = external_url("accounts.verify", token=verification_token(user))
    send_templated(
        "accounts/emails/verify",
        user.email,
        user.locale,
        _l("Confirm your email address"),
        user=user,
        link=link,
    )


@outbox_task
def send_password_reset(user_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is None:
        return
    link = external_url("accounts.reset_password", token=reset_token(user))
    send_templated(
        "accounts/emails/reset", user.email, user.locale, _l("Reset your password"), user=user, link=link
    )
