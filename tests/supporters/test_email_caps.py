"""Per-recipient caps on data-request emails: a flood is capped, the owner is not locked out."""

import socket

from sqlalchemy import select

from campaign.coalitions.models import Coalition
from campaign.core.outbox import OutboxEntry, publish
from campaign.supporters import services
from campaign.supporters.models import DataRequest, DataRequestState

ROSA = "rosa@example.org"


def _rosa_on_file(db) -> None:
    coalition = Coalition(slug="tirrc", name="Tennessee Immigrant and Refugee Rights Coalition")
    db.session.add(coalition)
    db.session.flush()
    services.upsert_supporter(coalition.id, email=ROSA, first_name="Rosa", language="es")
    db.session.commit()


def _ask(app, kind: str, remote_addr: str) -> None:
    app.test_client().post(
        "/privacy/request", data={"email": ROSA, "kind": kind}, environ_base={"REMOTE_ADDR": remote_addr}
    ).close()


def test_a_stranger_cannot_use_up_rosas_erasure_emails_for_the_day(app, db, mailbox):
    _rosa_on_file(db)
    for number in range(3):
        _ask(app, "copy", f"198.51.100.{number}")
    before = len(mailbox.to(ROSA))
    _ask(app, "erasure", "203.0.113.5")
    assert len(mailbox.to(ROSA)) == before + 1


def test_data_request_emails_to_one_person_stop_after_three_from_one_address_and_ten_in_all(app, db, mailbox):
    _rosa_on_file(db)
    for _ in range(5):
        _ask(app, "copy", "198.51.100.1")
    assert len(mailbox.to(ROSA)) == 3
    for number in range(12):
        _ask(app, "copy", f"203.0.113.{number}")
    assert len(mailbox.to(ROSA)) == 10


def test_a_data_request_forgets_the_asking_address_once_answered(app, db, mailbox):
    _rosa_on_file(db)
    _ask(app, "erasure", "198.51.100.1")
    _ask(app, "copy", "198.51.100.1")
    assert db.session.scalars(select(DataRequest.requester_ip_hash)).all() == [None, None]


def test_an_answer_the_mail_server_was_down_for_is_sent_when_it_returns(app, db, mailbox):
    """Each failed attempt is retried by the outbox; the retries are one request, not several,
    so they must not use up the person's emails for the day and drop the answer."""
    _rosa_on_file(db)
    with socket.socket() as refusing:  # bound, never listening: connections are refused at once
        refusing.bind(("127.0.0.1", 0))
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{refusing.getsockname()[1]}"
        _ask(app, "copy", "198.51.100.1")
        entry = db.session.scalar(select(OutboxEntry))
        for _ in range(4):
            publish(entry.id, entry.task_name)
    db.session.expire_all()
    assert (entry.state, entry.attempts) == ("pending", 5)  # each failure waits for a retry
    app.config["SMTP_URL"] = None  # the mail server is back (mail is stored, as in every fast test)
    publish(entry.id, entry.task_name)
    assert len(mailbox.to(ROSA)) == 1
    assert db.session.scalar(select(DataRequest.state)) == DataRequestState.COMPLETED
