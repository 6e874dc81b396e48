"""Signing on PostgreSQL, where the supporter's upsert and the signature's insert are one
statement: the scenarios of tests/petitions/signer_cases.py, which the fast tier runs on SQLite,
and two sign-ups of one new address at once, which meet in the unique indexes."""

import threading

import pytest
from sqlalchemy import text

from campaign.extensions import db
from campaign.petitions import signing
from campaign.petitions.models import Petition
from tests.petitions import signer_cases
from tests.petitions.signer_cases import (
    CONSENT,
    IP_HASH,
    already_signed_told,
    as_signed,
    new_address,
    new_coalition,
    new_record,
    open_petition,
    records_of,
    signatures_of,
    stored_signature,
    stored_supporter,
    typed,
)
from tests.services import wait_until

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("case", signer_cases.CASES, ids=lambda case: case.__name__)
def test_signing_stores_what_the_scenario_says(it_app, case):
    with it_app.app_context():
        case()


class SecondSignUp(threading.Thread):
    """A sign-up in a session of its own, as another request's: its database backend's pid is
    known (`ready`) before it signs."""

    def __init__(self, app, petition_id: int, fields: dict):
        super().__init__(daemon=True)
        self.app, self.petition_id, self.fields = app, petition_id, fields
        self.ready = threading.Event()
        self.pid = self.signature_id = self.error = None

    def run(self) -> None:
        try:
            with self.app.app_context():
                self.pid = db.session.scalar(text("SELECT pg_backend_pid()"))  # its transaction's connection
                self.ready.set()
                petition = db.session.get(Petition, self.petition_id)
                self.signature_id = signer_cases.sign(petition, self.fields)
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            self.error = error
        finally:
            self.ready.set()


def waits_on_a_lock(pid: int) -> bool:
    with db.engine.connect() as connection:
        query = text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
        return connection.scalar(query, {"pid": pid}) == "Lock"


def sign_at_once(app, first: tuple[int, dict], second: tuple[int, dict]) -> tuple[int, int]:
    """Two sign-ups at once, each (petition id, fields): the second's statement runs while the
    first's transaction, which signed, is still open, and waits on its rows in the unique
    indexes; then the first commits. The two signature ids `sign` returned."""
    with app.app_context():
        petition_id, fields = first
        with app.test_request_context("/petitions/x/sign", method="POST"):
            first_id = signing.sign(db.session.get(Petition, petition_id), fields, "en", IP_HASH, CONSENT)
            racer = SecondSignUp(app, *second)
            racer.start()
            try:
                racer.ready.wait(30)
                if racer.error is None:
                    wait_until(lambda: waits_on_a_lock(racer.pid), 30, message="the second sign-up to wait")
            finally:
                db.session.commit()
                racer.join(30)
    assert not racer.is_alive(), "the second sign-up never ended"
    if racer.error is not None:
        raise racer.error
    return first_id, racer.signature_id


def test_one_new_address_signing_one_petition_twice_at_once_is_one_person_one_signature(it_app):
    """A double click, or two tabs: the second sign-up finds the first's rows and is a repeat."""
    with it_app.app_context():
        petition_id = open_petition(new_coalition()).id
    fields = typed(new_address())
    first_id, second_id = sign_at_once(it_app, (petition_id, fields), (petition_id, fields))
    assert second_id == first_id
    with it_app.app_context():
        petition = db.session.get(Petition, petition_id)
        coalition = petition.coalition
        assert signatures_of(petition, fields["email"]) == [first_id]
        assert records_of(coalition, fields["email"]) == 1
        signature = stored_signature(first_id)
        assert signature == as_signed(petition, signature["supporter_id"], fields, repeat_emails=1)
        assert stored_supporter(signature["supporter_id"]) == new_record(coalition, fields)
        assert already_signed_told(first_id) == [1]


@pytest.mark.parametrize(("second_first_name", "pending_first_name"), [("Ana", None), ("Rosa", "Rosa")])
def test_one_new_address_signing_two_petitions_of_a_coalition_at_once_is_one_person_two_signatures(
    it_app, second_first_name, pending_first_name
):
    """The second sign-up meets the record the first is creating: it signs as a returning
    signer, whose names wait only where they differ from the record's."""
    with it_app.app_context():
        coalition = new_coalition()
        petition_ids = [open_petition(coalition, title).id for title in ("End ICE holds", "Close the Berks")]
    fields = typed(new_address())
    second_fields = fields | {"first_name": second_first_name}
    first_id, second_id = sign_at_once(it_app, (petition_ids[0], fields), (petition_ids[1], second_fields))
    assert first_id != second_id
    with it_app.app_context():
        first_petition, second_petition = (db.session.get(Petition, id_) for id_ in petition_ids)
        coalition = first_petition.coalition
        assert records_of(coalition, fields["email"]) == 1
        supporter_id = stored_signature(first_id)["supporter_id"]
        assert stored_supporter(supporter_id) == new_record(coalition, fields)
        assert stored_signature(first_id) == as_signed(first_petition, supporter_id, fields)
        assert stored_signature(second_id) == as_signed(
            second_petition, supporter_id, second_fields, pending_first_name=pending_first_name
        )
        assert signatures_of(second_petition, fields["email"]) == [second_id]
        assert already_signed_told(first_id) == already_signed_told(second_id) == []
