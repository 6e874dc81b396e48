"""Account emails, sent from the outbox."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign.accounts.models import EmailRequest, User
from campaign.accounts.tokens import reset_token, verification_token
from campaign.core import counters
from campaign.core.mail import send_templated
from campaign.core.outbox import outbox_task
from campaign.core.urls import external_url
from campaign.extensions import db


@outbox_task(after_response=True)
def send_verification_email(user_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is None or user.is_verified:
        return
    _send_verification(user)


def _send_verification(user: User) -> None:
    link = external_url("accounts.verify", token=verification_token(user))
    send_templated(
        "accounts/emails/verify",
        user.email,
        user.locale,
        _l("Confirm your email address"),
        user=user,
        link=link,
    )


@outbox_task(after_response=True)
def answer_email_request(request_id: int) -> None:
    """A reset link, or a confirmation link again, to the account the address belongs to."""
    queued = db.session.get(EmailRequest, request_id)
    if queued is None:
        return
    # The address is kept no longer than it takes to answer.
    db.session.delete(queued)
    user = db.session.scalar(select(User).where(User.email == queued.email))  # stored normalized
    if user is None or (queued.kind == EmailRequest.VERIFY and user.is_verified):
        return  # no account, or nothing left to confirm
    cap = ("account-email", str(user.id), queued.requester_ip_hash or "")
    if not counters.recipient_allows(*cap):
        return
    if queued.kind == EmailRequest.RESET:
        _send_reset(user)
    else:
        _send_verification(user)
    counters.recipient_sent(*cap)


def _send_reset(user: User) -> None:
    link = external_url("accounts.reset_password", token=reset_token(user))
    send_templated(
        "accounts/emails/reset", user.email, user.locale, _l("Reset your password"), user=user, link=link
    )


@outbox_task(after_response=True)
def send_account_exists(user_id: int) -> None:
    """Someone signed up with an address that has an account: tell its owner how to get in."""
    user = db.session.get(User, user_id)
    # Counted on their own: strangers' sign-ups must not use up the owner's reset emails. Counted
    # once sent, so that a send retried while the mail server is down is not refused by its cap.
    cap = (current_app.config["EMAILS_PER_RECIPIENT_AND_REQUESTER"], "account-exists-email")
    if user is None or counters.seconds_until_allowed(*cap, str(user.id)):
        return
    send_templated(
        "accounts/emails/account_exists",
        user.email,
        user.locale,
        _l("You already have a Campaign desk account"),
        user=user,
        login_link=external_url("accounts.login"),  # no address in a URL: access logs keep URLs
        reset_link=external_url("accounts.request_reset"),
    )
    counters.hit(*cap, str(user.id))
