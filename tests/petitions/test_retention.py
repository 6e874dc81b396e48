"""Retention: a petition closed long ago names nobody, and its figures stay the same."""

import csv
import io
import re
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.notifications.models import Delivery, Message
from campaign.petitions import clusters, retention, tally
from campaign.petitions.models import PaperEntry, Petition, PetitionSignature
from campaign.petitions.tasks import forget_signers
from campaign.supporters.models import Supporter
from campaign.supporters.services import erase_supporter_data
from tests.older_formats import unbind_rows
from tests.petitions.conftest import tally_now


def _url(coalition, petition, rest=""):
    return f"/coalitions/{coalition.slug}/petitions/{petition.id}{rest}"


def signed_and_closed(client, coalition, make_petition, sign, closed_days_ago):
    """Three signers from two states and two sources, one shown by name with a comment, and a
    paper sheet with names; then closed `closed_days_ago` days ago."""
    petition = make_petition()
    sign(petition, email="rosa@example.org", first_name="Rosa", comment="Por mi hermano.", show_name="y")
    sign(petition, email="luis@example.org", zip_code="90012", source="juntos")
    sign(petition, email="ana@example.org", zip_code="19104", source="juntos")
    client.post(
        _url(coalition, petition, "/paper"), data={"organization_id": "0", "names": "Marta Diaz, 19103"}
    )
    tally_now()
    client.post(_url(coalition, petition, "/close"))
    db.session.execute(
        Petition.__table__.update()
        .where(Petition.id == petition.id)
        .values(closed_at=utcnow() - timedelta(days=closed_days_ago))
    )
    db.session.commit()
    return petition


def figures(client, coalition, petition) -> dict:
    """What the public, the organizers' pages and the delivery PDF show of the petition."""
    pdf = client.get(_url(coalition, petition, "/delivery.pdf")).data
    return {
        "count.json": client.get(f"/petitions/{petition.slug}/count.json").get_json(),
        "by place": {level: tally.by_level(petition.id, level) for level in ("state", "county", "zip")},
        "by source": clusters.sources(petition).counts,
        # Less its "Generated HH:MM UTC" line, which moves with the clock between two reads.
        "delivery pdf": re.sub(
            r"Generated \S+ \S+ UTC",
            "",
            " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages),
        ),
    }


def notices_of(prefix: str) -> list[tuple[int, int | None]]:
    """(message, recipient) of the notices with keys that start with `prefix`."""
    return db.session.execute(
        select(Message.id, Delivery.supporter_id)
        .outerjoin(Delivery, Delivery.message_id == Message.id)
        .where(Message.dedupe_key.startswith(prefix))
    ).all()


def signers_csv(client, coalition, petition) -> list[dict]:
    response = client.get(_url(coalition, petition, "/signers.csv"))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_signers_of_a_petition_closed_long_ago_are_forgotten_and_its_figures_stay(
    app, client, coalition, make_petition, sign
):
    petition = signed_and_closed(client, coalition, make_petition, sign, closed_days_ago=181)
    before = figures(client, coalition, petition)
    assert before["count.json"]["count"] == 4 and before["by source"] == {"": 1, "juntos": 2}
    assert notices_of(f"petition:{petition.id}:")  # the confirmation requests name the signers

    forget_signers()  # the daily beat job, with PETITION_SIGNERS_KEPT_DAYS = 180
    db.session.expire_all()

    signatures = db.session.scalars(select(PetitionSignature)).all()
    assert [s.supporter_id for s in signatures] == [None] * 3
    assert all(s.email_index == f"forgotten:{s.id}" for s in signatures)
    assert {(s.comment, s.show_name, s.ip_hash, s.email_domain) for s in signatures} == {
        (None, False, None, "")
    }
    assert db.session.scalar(select(PaperEntry.name)) is None
    assert notices_of(f"petition:{petition.id}:") == []
    assert figures(client, coalition, petition) == before
    # The exact recount, rebuilt from the rows themselves, finds the same figures.
    assert tally.recount(petition.id) == 0
    db.session.commit()
    assert figures(client, coalition, petition) == before
    rows = signers_csv(client, coalition, petition)
    assert len(rows) == 3 and {(r["first_name"], r["email"], r["comment"]) for r in rows} == {("", "", "")}
    assert sorted(r["zip_code"] for r in rows) == ["19104", "19104", "90012"]


def test_signers_are_kept_until_the_retention_period_has_passed(app, client, coalition, make_petition, sign):
    kept = signed_and_closed(client, coalition, make_petition, sign, closed_days_ago=179)
    still_open = make_petition(title="Still open")
    sign(still_open, email="maria@example.org")
    forget_signers()
    db.session.expire_all()
    assert None not in db.session.scalars(select(PetitionSignature.supporter_id)).all()
    assert db.session.scalar(select(PaperEntry)).name == "Marta Diaz"
    assert "Rosa" in {row["first_name"] for row in signers_csv(client, coalition, kept)}


def test_signers_are_forgotten_in_batches(app, client, coalition, make_petition, sign):
    signed_and_closed(client, coalition, make_petition, sign, closed_days_ago=365)
    now = utcnow()
    assert [retention.forget_signers(now, 180, batch=2) for _ in range(3)] == [2, 1, 0]


def test_an_erased_signer_no_longer_breaks_the_signers_csv(app, client, coalition, make_petition, sign):
    petition = make_petition()
    sign(petition, email="rosa@example.org", first_name="Rosa", comment="Por mi hermano.")
    sign(petition, email="luis@example.org", first_name="Luis")
    erase_supporter_data("rosa@example.org")
    db.session.commit()
    rows = signers_csv(client, coalition, petition)
    assert sorted(row["first_name"] for row in rows) == ["", "Luis"]
    assert "Por mi hermano." not in str(rows)


def test_the_retention_jobs_run_daily_on_the_beat_schedule(app):
    from worker.schedule import BEAT_SCHEDULE

    tasks = {entry["task"]: entry["schedule"] for entry in BEAT_SCHEDULE.values()}
    for name in (
        "campaign.petitions.tasks.forget_signers",
        "campaign.letters.tasks.forget_individual_signers",
        "campaign.supporters.tasks.expire_data_requests",
    ):
        assert tasks[name] == 24 * 3600.0 and name in app.extensions["celery"].tasks


def test_the_signers_csv_reads_rows_bound_to_their_place_and_rows_written_before(
    client, coalition, make_petition, sign
):
    petition = make_petition()
    sign(petition, email="rosa@example.org", first_name="Rosa", comment="Por mi hermano.")
    sign(petition, email="luis@example.org", first_name="Luis", comment="Por mi madre.")
    # Rosa's rows as a version before December 2026 left them: no row keys, values unbound.
    rosa = db.session.scalar(
        select(Supporter).where(Supporter.email_index.is_not(None)).order_by(Supporter.id)
    )
    unbind_rows(db, Supporter, where=Supporter.id == rosa.id)
    unbind_rows(db, PetitionSignature, where=PetitionSignature.supporter_id == rosa.id)

    rows = signers_csv(client, coalition, petition)
    assert sorted((row["first_name"], row["email"], row["comment"]) for row in rows) == [
        ("Luis", "luis@example.org", "Por mi madre."),
        ("Rosa", "rosa@example.org", "Por mi hermano."),
    ]
