"""`flask demo load`: the seed articles' policy entries, each citing its article, the rest
marked demo; the Philadelphia measure the demo petition aims at; nothing doubled on a rerun."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from campaign.core.outbox import utcnow
from campaign.demo.policies import LA_OUT, LA_RESOLUTION, TRUTHOUT
from campaign.petitions.models import Petition
from campaign.policies import services
from campaign.policies.models import CampaignTarget, Jurisdiction, Measure, PolicyEntry

ARTICLES = {
    LA_OUT,
    LA_RESOLUTION,
    TRUTHOUT,
    "Pressure Grows on President to End Rogue ICE Deportation Program (NDLON)",
}


def _counts(db):
    return [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Jurisdiction, PolicyEntry, Measure, CampaignTarget)
    ]


def test_demo_load_records_the_articles_jurisdictions_once(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    counts = _counts(db)
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert _counts(db) == counts

    entries = db.session.scalars(select(PolicyEntry)).all()
    places = {
        (entry.jurisdiction.name, entry.jurisdiction.state, entry.jurisdiction.kind) for entry in entries
    }
    assert {
        ("Los Angeles", "CA", "city"),
        ("Oakland", "CA", "city"),
        ("California", "CA", "state"),
        ("Illinois", "IL", "state"),
        ("New York", "NY", "state"),
        ("Massachusetts", "MA", "state"),
        ("Philadelphia", "PA", "county"),
        ("Clackamas", "OR", "county"),
        ("San Diego", "CA", "county"),
        ("Hennepin", "MN", "county"),
        ("Lehigh", "PA", "county"),
    } <= places
    assert len([place for place in places if place[1] == "WA"]) >= 2
    assert len([place for place in places if place[1] == "OR"]) >= 4
    assert all(entry.source_title in ARTICLES and entry.source_url == "" for entry in entries)
    assert all(entry.public and entry.verified_on for entry in entries)
    demo = {entry.jurisdiction.name for entry in entries if entry.demo}
    assert {"Multnomah", "King", "Lehigh"} <= demo  # not named in the articles, or their policy is not
    assert not {"Clackamas", "San Diego", "Hennepin", "Los Angeles"} & demo
    with app.test_request_context():
        shown = db.session.scalars(services.public_entries()).all()
    assert len(shown) == len(entries)  # the coalitions share their trackers


def test_the_demo_petition_aims_at_the_pending_philadelphia_measure(app, db):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    (measure,) = db.session.scalars(select(Measure)).all()
    assert measure.public and measure.is_open and measure.jurisdiction.fips == "42101"
    hearing = measure.next_hearing_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("America/New_York"))
    assert (hearing.date(), hearing.hour) == (utcnow().date() + timedelta(days=10), 14)
    (target,) = db.session.scalars(select(CampaignTarget)).all()
    petition = db.session.get(Petition, target.campaign_id)
    assert target.campaign_kind == "petition" and petition.is_demo and target.measure_id == measure.id
    assert petition.coalition_id == measure.coalition_id
    page = app.test_client().get(f"/petitions/{petition.slug}").get_data(as_text=True)
    assert "Aimed at:" in page and f"/policies/jurisdictions/{measure.jurisdiction_id}" in page
