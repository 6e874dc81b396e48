"""Organizer accounts and their login sessions."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.crypto import Sealed, SealedRow
from campaign.core.outbox import utcnow
from campaign.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lowercased
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(5))
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    is_demo: Mapped[bool] = mapped_column(default=False)

    sessions: Mapped[list["LoginSession"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Set by the loader: Flask-Login's id is the login session's token, not the user id, so
    # that logging out (deleting the session row) ends that session everywhere.
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


class LoginSession(db.Model):
    """One logged-in browser. Only a hash of its token is stored."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    user: Mapped[User] = relationship(back_populates="sessions")


class EmailRequest(SealedRow, db.Model):
    """A reset or confirmation link asked for by address, waiting for its task.

    The request only writes this row, so it answers alike whether or not an account uses the
    address; the task looks the address up, emails the account (or no one) and deletes the row.
    """

    __tablename__ = "account_email_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # RESET or VERIFY
    email = Sealed(nullable=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Keyed hash of the asking IP, for the per-requester email cap; gone with the row.
    requester_ip_hash: Mapped[str | None] = mapped_column(String(64))

    RESET, VERIFY = "reset", "verify"
