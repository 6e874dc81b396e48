"""The signers' export on PostgreSQL: a server-side cursor read one chunk ahead by a thread."""

import csv
import io
import threading

import pytest
from sqlalchemy import select, update

from campaign.actions.models import EventState
from campaign.coalitions.models import Coalition
from campaign.core.exports import csv_lines
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.petitions import exports, services, signing
from campaign.petitions.models import Petition, PetitionSignature, SignatureState
from campaign.supporters.models import Supporter
from campaign.supporters.services import save_supporter
from tests.petitions.sheets import assert_written_the_simple_way, sign_a_crowd

pytestmark = pytest.mark.integration

# Chunks of 500 rows rather than the export's 5,000: the same three chunks, the last one short,
# from a tenth of the signatures (making 10,007 took 11 s).
CHUNK = 500
SIGNERS = 2 * CHUNK + 7


@pytest.fixture(scope="module", autouse=True)
def _small_chunks():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exports, "CHUNK", CHUNK)
        yield


@pytest.fixture(scope="module")
def big_petition(it_app):
    """An open petition with SIGNERS confirmed signatures; one signer's name is a formula."""
    with it_app.app_context():
        coalition = Coalition(slug="export-test", name="Export test")
        db.session.add(coalition)
        db.session.flush()
        petition = services.create_petition(
            coalition.id, None, {"title": "Export", "target": "x", "ask": "x"}
        )
        services.open_petition(petition, utcnow())
        for number in range(SIGNERS):
            name = "=HYPERLINK(1)" if number == 0 else f"Signer{number}"
            fields = {"first_name": name, "email": f"signer{number}@export.example", "zip_code": "19104"}
            if number == 1:
                fields["comment"] = "Por mi familia"
            signing.sign(petition, fields, "es", None, None)
        db.session.execute(
            update(PetitionSignature)
            .where(PetitionSignature.petition_id == petition.id)
            .values(state=SignatureState.CONFIRMED, confirmed_at=utcnow())
        )
        db.session.commit()
        return petition.id


def test_every_signer_is_exported_once_decrypted_and_formula_safe(it_app, big_petition):
    with it_app.app_context():
        petition = db.session.get(Petition, big_petition)
        text = "".join(csv_lines(exports.SHEET.columns, exports.rows(petition)))
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == SIGNERS
    assert len({row["email"] for row in rows}) == SIGNERS
    by_email = {row["email"]: row for row in rows}
    assert by_email["signer0@export.example"]["first_name"] == "'=HYPERLINK(1)"
    assert by_email["signer1@export.example"]["comment"] == "Por mi familia"
    assert by_email["signer2@export.example"]["city"] == "Philadelphia"
    assert by_email["signer2@export.example"]["status"] == "confirmed"


@pytest.mark.parametrize("action_network", [False, True], ids=["ours", "action_network"])
def test_the_sheet_read_from_postgresql_is_the_simple_ways_byte_for_byte(it_app, action_network):
    """The binary cursor, the read-ahead thread, the decryption and the CSV writing of the
    export, against tests/petitions/sheets.py's simple way, across chunks."""
    with it_app.app_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(exports, "CHUNK", 64)
        coalition = Coalition(slug=f"crowd-{action_network}", name="Crowd")
        db.session.add(coalition)
        db.session.flush()
        petition = services.create_petition(coalition.id, None, {"title": "Crowd", "target": "x", "ask": "x"})
        services.open_petition(petition, utcnow())
        sign_a_crowd(petition, 300)
        sheet = exports.SHEET
        states = exports.ACTION_NETWORK_EXPORTED if action_network else exports.EXPORTED
        rows = exports.rows(petition, states, people_only=action_network)
        text = "".join(csv_lines(sheet.header(action_network), sheet.rows(rows, action_network)))
        assert_written_the_simple_way(text, petition.id, action_network)


def test_a_download_cut_off_early_stops_the_reading_thread_and_frees_the_connection(it_app, big_petition):
    with it_app.app_context():
        petition = db.session.get(Petition, big_petition)
        stream = iter(exports.rows(petition))
        first = [next(stream) for _ in range(10)]
        stream.close()  # what Werkzeug does when the client goes away
        assert len(first) == 10
        assert not [t for t in threading.enumerate() if t.name == "export-read-ahead"]
        # The session's connection is usable again at once: the cursor was closed.
        assert db.session.scalar(select(Supporter.id).where(Supporter.coalition_id == petition.coalition_id))
        save_supporter(petition.coalition_id, email="after@export.example", first_name="After", language="en")
        db.session.rollback()


def test_the_supporters_and_rsvps_sheets_stream_from_postgresql(it_app):
    """The server-side cursor in binary format reads them as the signers' sheet: decrypted, the
    enum and time columns as text, people on file only, Action Network's columns on request."""
    from campaign.actions import exports as rsvp_exports
    from campaign.actions import rsvps
    from campaign.actions import services as actions
    from campaign.supporters import exports as supporter_exports
    from tests.actions.conftest import DAY_FIELDS, NOW, event_fields

    with it_app.app_context():
        coalition = Coalition(slug="people-sheets", name="People sheets")
        db.session.add(coalition)
        db.session.flush()
        for number, name in enumerate(("=Begoña", "Iñaki")):
            save_supporter(
                coalition.id,
                email=f"p{number}@sheets.example",
                first_name=name,
                language="es",
                confirmed=True,
            )
        save_supporter(coalition.id, email="typed@sheets.example", first_name="Typed", language="en")
        day = actions.create_day(coalition.id, None, DAY_FIELDS)
        event = actions.create_event(day, actions.Host("Juntos"), event_fields(), EventState.SCHEDULED, NOW)
        for address in ("p0@sheets.example", "typed@sheets.example"):
            rsvps.rsvp(event, {"first_name": "X", "email": address, "zip_code": "19104"}, "es", None, NOW)
        db.session.commit()
        sheet = supporter_exports.SHEET
        text = "".join(csv_lines(sheet.header(True), sheet.rows(supporter_exports.rows(coalition.id), True)))
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert rows[0][-1] == "can2_subscription_status"
        assert sorted(row[:3] for row in rows[1:]) == [
            ["'=Begoña", "", "p0@sheets.example"],
            ["Iñaki", "", "p1@sheets.example"],
        ]
        assert supporter_exports.row_count(coalition.id) == 2
        states = rsvp_exports.EXPORTED
        text = "".join(
            csv_lines(rsvp_exports.SHEET.columns, rsvp_exports.rows(coalition.id, day.id, None, states))
        )
        (person,) = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        assert (person["email"], person["first_name"], person["rsvp_status"]) == (
            "p0@sheets.example",
            "'=Begoña",
            "going",
        )
        assert person["event_starts_at_utc"] == event.starts_at.strftime("%Y-%m-%d %H:%M")
        assert rsvp_exports.row_count(coalition.id, day.id, event.id, states) == 1
