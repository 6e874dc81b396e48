"""A coalition's tags, and which of its supporters carry each."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.outbox import utcnow
from campaign.extensions import db

NAME_MAX = 100
# NFKD can make one character several ("ﬁ" is "fi"): the folded name has room to grow.
FOLDED_MAX = 300


class Tag(db.Model):
    """A label one coalition puts on its supporters. "Vecinos" and "vecinos" are one tag: the
    unique index is on the name with case and accents folded (`services.fold`)."""

    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("coalition_id", "folded_name", name="uq_tag_coalition_folded_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    folded_name: Mapped[str] = mapped_column(String(FOLDED_MAX))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Its last renaming: the API's modified_date, which a sync compares to fetch what changed.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Tagging(db.Model):
    """One supporter carries one tag; tagging twice is the same row."""

    __tablename__ = "tagging"
    __table_args__ = (UniqueConstraint("tag_id", "supporter_id", name="uq_tagging_tag_supporter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), index=True)
    supporter_id: Mapped[int] = mapped_column(ForeignKey("supporter.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
