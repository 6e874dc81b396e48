"""Account rules: passwords, verification and reset tokens, login sessions."""

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature
from sqlalchemy import delete, select

from campaign.accounts import tasks
from campaign.accounts.models import EmailRequest, LoginSession, User
from campaign.accounts.tokens import RESET_SALT, VERIFY_SALT, password_stamp, serializer
from campaign.core import outbox, upserts
from campaign.core.outbox import utcnow
from campaign.extensions import db


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_KIB"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def sign_up(name: str, email: str, password: str, locale: str | None) -> None:
    """Create the account and queue its confirmation email; if the address has an account, queue
    an email telling its owner how to log in instead.

    Both run the same statements (an INSERT that does nothing on a taken address, then a SELECT
    of the account's id), hash the password and email after the response, so the form never
    tells, not even by its timing, whether an address has an account.
    """
    address = normalize_email(email)
    values = {
        "name": name.strip(),
        "email": address,
        "password_hash": hash_password(password),
        "locale": locale,
    }
    created = db.session.execute(
        upserts.insert(User)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["email"])
        .returning(User.id)
    ).scalar()
    user_id = db.session.scalar(select(User.id).where(User.email == address))
    outbox.enqueue(tasks.send_verification_email if created else tasks.send_account_exists, user_id=user_id)


def verify_email(token: str) -> User | None:
    try:
        data = serializer(VERIFY_SALT).loads(token, max_age=current_app.config["VERIFY_TOKEN_MAX_AGE"])
    except BadSignature:
        return None
    user = db.session.get(User, data["user"])
    if user is None or user.email != data["email"]:
        return None
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def resend_verification(email: str, requester_ip_hash: str) -> None:
    _queue_email_request(EmailRequest.VERIFY, email, requester_ip_hash)


def _queue_email_request(kind: str, email: str, requester_ip_hash: str) -> None:
    """Record the request and queue its task, without looking the address up: the request runs
    the same statements whether or not an account uses it."""
    queued = EmailRequest(kind=kind, email=normalize_email(email), requester_ip_hash=requester_ip_hash)
    db.session.add(queued)
    db.session.flush()
    outbox.enqueue(tasks.answer_email_request, request_id=queued.id)


def authenticate(email: str, password: str) -> User | None:
    """The user if the password is right; a dummy hash keeps timing the same when it is not."""
    user = find_by_email(email)
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def _dummy_hash() -> str:
    cache = current_app.extensions.setdefault("campaign_accounts", {})
    if "dummy_hash" not in cache:
        cache["dummy_hash"] = hash_password(secrets.token_urlsafe(16))
    return cache["dummy_hash"]


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])
    db.session.add(LoginSession(user=user, token_hash=_token_digest(token), expires_at=utcnow() + lifetime))
    user.session_token = token
    return token


def load_session_user(token: str) -> User | None:
    login = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_digest(token)))
    if login is None or login.expires_at < utcnow():
        return None
    login.user.session_token = token
    return login.user


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_digest(token)))


def request_password_reset(email: str, requester_ip_hash: str) -> None:
    _queue_email_request(EmailRequest.RESET, email, requester_ip_hash)


def user_for_reset_token(token: str) -> User | None:
    try:
        data = serializer(RESET_SALT).loads(token, max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
    except BadSignature:
        return None
    user = db.session.get(User, data["user"])
    if user is None or not secrets.compare_digest(password_stamp(user), str(data.get("stamp"))):
        return None
    return user


def reset_password(user: User, password: str) -> None:
    """New password; every existing login session ends, and the address counts as verified."""
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
