"""Retention of data-request records: kept DATA_REQUESTS_KEPT_DAYS, then deleted."""

from datetime import timedelta

from sqlalchemy import select

from campaign.core.outbox import utcnow
from campaign.supporters.models import DataRequest, DataRequestKind, DataRequestState
from campaign.supporters.tasks import expire_data_requests


def test_a_record_that_someone_asked_for_their_data_is_deleted_after_the_retention_period(app, db):
    now = utcnow()
    for days_ago in (181, 179):
        db.session.add(
            DataRequest(
                kind=DataRequestKind.ERASURE,
                state=DataRequestState.COMPLETED,
                language="es",
                requested_at=now - timedelta(days=days_ago),
                completed_at=now - timedelta(days=days_ago),
            )
        )
    db.session.commit()
    expire_data_requests()  # the daily beat job, with DATA_REQUESTS_KEPT_DAYS = 180
    db.session.expire_all()
    [kept] = db.session.scalars(select(DataRequest.requested_at)).all()
    assert kept > now - timedelta(days=180)
