"""The signers' export on PostgreSQL: a server-side cursor read one chunk ahead by a thread."""

import csv
import io
import threading

import pytest
from sqlalchemy import select, update

from campaign.coalitions.models import Coalition
from campaign.core.exports import csv_lines
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.petitions import exports, services, signing
from campaign.petitions.models import Petition, PetitionSignature, SignatureState
from campaign.supporters.models import Supporter
from campaign.supporters.services import save_supporter

pytestmark = pytest.mark.integration

SIGNERS = 2 * exports.CHUNK + 7  # three chunks, the last one short


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


def test_a_download_cut_off_early_stops_the_reading_thread_and_frees_the_connection(it_app, big_petition):
    with it_app.app_context():
        petition = db.session.get(Petition, big_petition)
        stream = exports.rows(petition)
        first = [next(stream) for _ in range(10)]
        stream.close()  # what Werkzeug does when the client goes away
        assert len(first) == 10
        assert not [t for t in threading.enumerate() if t.name == "export-read-ahead"]
        # The session's connection is usable again at once: the cursor was closed.
        assert db.session.scalar(select(Supporter.id).where(Supporter.coalition_id == petition.coalition_id))
        save_supporter(petition.coalition_id, email="after@export.example", first_name="After", language="en")
        db.session.rollback()
