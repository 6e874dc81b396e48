"""Blind indexes keyed per coalition: a dump cannot join one person across coalitions."""

import importlib.util
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import func, inspect, select, text, update

from campaign.accounts.models import User
from campaign.actions import rsvps
from campaign.actions import services as actions
from campaign.actions.models import DAY_FIELDS, EventState, Rsvp
from campaign.coalitions import services as coalitions
from campaign.core.crypto import canonical_email, email_blind_index, keyed_hash
from campaign.extensions import db as _db
from campaign.notifications import suppression
from campaign.notifications.models import Suppression
from campaign.petitions import services as petitions
from campaign.petitions import signing
from campaign.petitions.models import PetitionSignature
from campaign.supporters import services
from campaign.supporters.models import DataRequest, DataRequestKind, DataRequestState, Supporter
from tests.actions.conftest import DAY, NOW, event_fields
from tests.older_formats import unbind_rows

EMAIL = "Rosa.Maria@gmail.com"
MIGRATION = (
    Path(services.__file__).parents[1]
    / "migrations/versions/5d500519335b_blind_indexes_keyed_per_coalition.py"
)


def old_global_index(address: str) -> str:
    """The blind index as it was before coalitions had their own keys."""
    return keyed_hash(canonical_email(address))


@pytest.fixture
def other_coalition(db, coalition):
    owner = db.session.scalar(select(User))
    other = coalitions.create_coalition(owner, "Pittsburgh Welcoming Coalition", "", "Pittsburgh")
    db.session.commit()
    return other


def take_part(coalition, email=EMAIL) -> tuple[int, int]:
    """Sign a petition of the coalition and RSVP to one of its events; returns both rows' ids."""
    author = _db.session.scalar(select(User.id))
    written = {"title": f"Stop the raids in {coalition.region}", "target": "Mayor", "ask": "Act.", "body": ""}
    petition = petitions.create_petition(coalition.id, author, written)
    petitions.open_petition(petition, NOW)
    fields = {"email": email, "first_name": "Rosa", "last_name": "Mejía", "zip_code": "19104"}
    signature_id = signing.sign(petition, fields, "es", None, None)
    untitled = dict.fromkeys(DAY_FIELDS, "") | {"title": "Families Belong Together"}
    day = actions.create_day(
        coalition.id, author, untitled | {"starts_on": DAY, "ends_on": DAY, "proposals_open": True}
    )
    actions.publish(day)
    host = actions.Host("Juntos", email="host@example.org")
    event = actions.create_event(day, host, event_fields(), EventState.SCHEDULED, NOW)
    rsvp_id = rsvps.rsvp(event, fields | {"phone": ""}, "es", None, NOW).rsvp_id
    _db.session.commit()
    return signature_id, rsvp_id


def index_of(model, row_id):
    return _db.session.scalar(select(model.email_index).where(model.id == row_id))


def test_a_dump_cannot_join_one_person_across_coalitions(client, db, coalition, other_coalition, mailbox):
    signature_a, rsvp_a = take_part(coalition)
    signature_b, rsvp_b = take_part(other_coalition)

    dump = dict(db.session.execute(select(Supporter.coalition_id, Supporter.email_index)).all())
    assert dump[coalition.id] != dump[other_coalition.id]
    assert index_of(PetitionSignature, signature_a) != index_of(PetitionSignature, signature_b)
    assert index_of(Rsvp, rsvp_a) != index_of(Rsvp, rsvp_b)
    assert old_global_index(EMAIL) not in dump.values()

    # The person still reaches every coalition's record with one request, and no row of it
    # holds a hash that would find them everywhere.
    client.post("/privacy/request", data={"email": EMAIL, "kind": "copy"}).close()  # answered after
    copy = mailbox.to(EMAIL)[-1]
    assert copy["Subject"] == "A copy of your data"
    assert coalition.name in body(copy) and other_coalition.name in body(copy)
    assert "email_index" not in {column.name for column in DataRequest.__table__.columns}

    client.post("/privacy/request", data={"email": EMAIL, "kind": "erasure"}).close()
    client.post(mailbox.last_link(EMAIL, "/privacy/confirm/"))
    db.session.expire_all()
    erased = db.session.scalars(select(Supporter.erased_at)).all()
    assert len(erased) == 2 and None not in erased
    assert db.session.scalars(select(DataRequest.email)).all() == [None, None]


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def run_migration(db, direction: str) -> None:
    """The migration's own upgrade or downgrade, on the test database."""
    spec = importlib.util.spec_from_file_location("blind_index_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    context = MigrationContext.configure(db.session.connection(), opts={"render_as_batch": True})
    with Operations.context(context):
        getattr(migration, direction)()
    db.session.commit()
    db.session.expire_all()


def test_indexes_written_under_the_single_key_are_rekeyed_per_coalition(db, coalition, other_coalition):
    taken_part = {c.id: take_part(c) for c in (coalition, other_coalition)}
    gone_signature, gone_rsvp = take_part(coalition, email="gone@example.org")
    services.erase_supporter_data("gone@example.org")
    suppression.suppress(coalition.id, EMAIL, "bounced: 550")
    suppression.suppress(coalition.id, "gone@example.org", "bounced: 550")
    db.session.add(DataRequest(kind=DataRequestKind.ERASURE, state=DataRequestState.AWAITING_CONFIRMATION))
    db.session.commit()

    # The database as the single-key version left it: every index global, the erased signer's
    # signature still carrying theirs, the erasure request holding an index, not the address,
    # and encrypted values bound to no row.
    unbind_rows(db, Supporter)
    unbind_rows(db, DataRequest)
    old, gone = old_global_index(EMAIL), old_global_index("gone@example.org")
    db.session.execute(text("ALTER TABLE data_request ADD COLUMN email_index VARCHAR(64)"))
    db.session.execute(text("UPDATE data_request SET email_index = :old"), {"old": old})
    db.session.execute(update(Supporter).where(Supporter.email_index.is_not(None)).values(email_index=old))
    db.session.execute(update(PetitionSignature).values(email_index=old))
    db.session.execute(
        update(PetitionSignature).where(PetitionSignature.id == gone_signature).values(email_index=gone)
    )
    db.session.execute(update(Rsvp).where(Rsvp.id != gone_rsvp).values(email_index=old))
    for address, legacy in ((EMAIL, old), ("gone@example.org", gone)):
        current = email_blind_index(address, coalition_id=coalition.id)
        db.session.execute(
            update(Suppression).where(Suppression.email_index == current).values(email_index=legacy)
        )
    db.session.commit()

    run_migration(db, "upgrade")

    for coalition_id, (signature_id, rsvp_id) in taken_part.items():
        new = email_blind_index(EMAIL, coalition_id=coalition_id)
        assert services.find_supporter(coalition_id, EMAIL).email_index == new
        assert index_of(PetitionSignature, signature_id) == index_of(Rsvp, rsvp_id) == new
    assert index_of(PetitionSignature, gone_signature) == f"unlinked:{gone_signature}"
    assert index_of(Rsvp, gone_rsvp) == f"erased:{gone_rsvp}"  # no hash: left as it was
    assert suppression.is_suppressed(coalition.id, EMAIL)
    assert db.session.scalar(select(func.count()).select_from(Suppression)) == 1  # the erased one's is gone
    assert "email_index" not in {column["name"] for column in inspect(db.engine).get_columns("data_request")}
    assert db.session.scalar(select(DataRequest)).email == EMAIL  # the confirmation finds them by it

    run_migration(db, "downgrade")
    assert set(db.session.scalars(select(Supporter.email_index).where(Supporter.erased_at.is_(None)))) == {
        old
    }
    assert set(db.session.scalars(select(PetitionSignature.email_index))) == {
        old,
        f"unlinked:{gone_signature}",
    }
    assert db.session.scalar(text("SELECT email_index FROM data_request")) == old

    run_migration(db, "upgrade")
    assert services.confirm_erasure(db.session.scalar(select(DataRequest))) == 2
