"""API keys: each reaches one coalition, with one scope, until it expires or is revoked."""

import enum
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

# The webhooks' tables too: create_app imports each feature's models module, and Alembic and
# create_all see the tables it imports.
from campaign.api.webhooks import models as webhooks_models  # noqa: F401
from campaign.core.columns import enum_column
from campaign.core.form_keys import KEY_LENGTH
from campaign.core.outbox import utcnow
from campaign.extensions import db


class Scope(enum.StrEnum):
    READ_COUNTS = "read:counts"  # counts and public data only
    READ_PEOPLE = "read:people"  # personal data
    WRITE = "write"  # recording actions and people, reading nothing

    @property
    def grants(self) -> frozenset["Scope"]:
        """What a key of this scope may do. `write` reads nothing, not even counts: a website's
        signup form holds a key that can add a person, and a leaked copy of it must neither hand
        out the list nor tell, by a count read before and after a call, whether someone had
        already signed or RSVPed."""
        return _GRANTS[self]


_GRANTS = {
    Scope.READ_COUNTS: frozenset({Scope.READ_COUNTS}),
    Scope.READ_PEOPLE: frozenset({Scope.READ_COUNTS, Scope.READ_PEOPLE}),
    Scope.WRITE: frozenset({Scope.WRITE}),
}

SCOPE_LABELS = {
    Scope.READ_COUNTS: _l("Read counts and public data"),
    Scope.READ_PEOPLE: _l("Read people’s personal data"),
    Scope.WRITE: _l("Record actions and people (reads nothing)"),
}


class ApiKey(db.Model):
    """A coalition's key to the API. Only a hash of the token is kept (see api/keys.py): the
    token itself is shown once, to the owner or admin who made it."""

    __tablename__ = "api_key"
    __table_args__ = (UniqueConstraint("coalition_id", "form_key", name="uq_api_key_form_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    scope: Mapped[Scope] = mapped_column(enum_column(Scope, 12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, shown in the list so that an organizer can tell keys apart.
    prefix: Mapped[str] = mapped_column(String(12))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The one-time key of the form that made it (core/form_keys.py): the same form sent twice (a
    # double click on "Create the key") makes one key. None for keys from before, or a script's.
    form_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH))

    created_by = relationship("User")

    @property
    def last_day(self) -> date | None:
        """The last day it works (UTC): it expires as that day ends."""
        return (self.expires_at - timedelta(days=1)).date() if self.expires_at else None

    def usable_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > moment)
