"""Emails to an address's owner when someone signs or RSVPs again with it: a few per row, no more."""

from sqlalchemy import update

from campaign.extensions import db

MAX_REPEAT_EMAILS = 3


def count_repeat_email(model, row_id: int) -> int | None:
    """Count one more such email for this row (a signature, an RSVP): its number, or None once
    MAX_REPEAT_EMAILS have gone. A conditional update, so repeats racing each other never pass
    the cap together."""
    return db.session.execute(
        update(model)
        .where(model.id == row_id, model.repeat_emails < MAX_REPEAT_EMAILS)
        .values(repeat_emails=model.repeat_emails + 1)
        .returning(model.repeat_emails)
    ).scalar()
