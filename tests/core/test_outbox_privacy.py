"""A failing task leaves no email address in the outbox row or the log."""

import smtplib

from campaign.core import outbox
from campaign.core.outbox import OutboxEntry, outbox_task


@outbox_task
def refuse_recipient(address_owner_id: int) -> None:
    raise smtplib.SMTPRecipientsRefused({"maria.lopez@example.org": (550, b"no such user")})


def test_failure_is_recorded_without_the_address(app, db, caplog):
    entry = outbox.enqueue(refuse_recipient, address_owner_id=7)
    db.session.commit()
    outbox.dispatch_committed()

    row = db.session.get(OutboxEntry, entry.id)
    assert row.state == outbox.PENDING and row.attempts == 1
    assert "SMTPRecipientsRefused" in row.last_error
    assert "maria.lopez" not in row.last_error
    assert "maria.lopez" not in caplog.text
