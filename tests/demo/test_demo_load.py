"""`flask demo load`: the seeds' coalitions, marked as demo data, loaded once however often it runs."""

from sqlalchemy import func, select

from campaign.coalitions.models import Coalition
from campaign.notifications.models import Message
from campaign.supporters.models import Supporter


def test_demo_load_is_idempotent_and_prints_the_login(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "organizer@example.org / demo-organizer-2026" in first.output
    counts = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Coalition, Supporter, Message)
    ]
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Coalition, Supporter, Message)
    ] == counts
    names = set(db.session.scalars(select(Coalition.name)))
    assert {"ICE out of LA", "Philadelphia Family Unity Network"} <= names
    assert all(db.session.scalars(select(Coalition.is_demo)))
    alert = db.session.scalar(select(Message))
    assert "(demo)" in alert.subject and alert.subject_es
