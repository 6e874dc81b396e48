"""Per-recipient caps on data-request emails: a flood is capped, the owner is not locked out."""

from sqlalchemy import select

from campaign.coalitions.models import Coalition
from campaign.supporters import services
from campaign.supporters.models import DataRequest

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
