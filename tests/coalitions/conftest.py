"""Coalition fixtures: an owner logged in, coalitions and teammates made through the services."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from campaign.coalitions import services
from campaign.core.outbox import PENDING, OutboxEntry, dispatch_committed, sweep, utcnow


@pytest.fixture
def owner(make_user, login):
    """The logged-in organizer, who will own the coalitions made with `make_coalition`."""
    user = make_user()
    login()
    return user


@pytest.fixture
def invite_org(db, app):
    """An organization invited into `coalition` through the service, email queued and sent."""

    def invite(coalition, inviter, name="CHIRLA", email="contact@chirla.example", **profile):
        membership = services.invite(
            coalition, inviter, contact_email=email, name=name, profile=profile or None, locale="en"
        )
        db.session.commit()
        dispatch_committed()
        return membership

    return invite


def through_a_mail_outage(app, db, queue_an_email, failed_sends: int) -> None:
    """`queue_an_email()` while the mail server refuses connections; the outbox retries the
    email (its back-off skipped) until `failed_sends` attempts have failed, then the server is
    back and the next attempt runs."""
    app.config.update(SMTP_URL="smtp://127.0.0.1:1", OUTBOX_SWEEP_AFTER_SECONDS=0)  # nothing listens
    queue_an_email()  # the first attempt, which fails
    for attempt in range(2, failed_sends + 2):
        if attempt > failed_sends:
            app.config["SMTP_URL"] = None  # back: the mail is stored, as fast tests read it
        db.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.state == PENDING)
            .values(not_before=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        sweep()
