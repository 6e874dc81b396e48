"""Alerts can go to the coalition's supporters whose ZIP code is in a measure's jurisdiction."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false, select

from campaign.extensions import db
from campaign.notifications.audience import AudienceSource
from campaign.policies import measures, services
from campaign.policies.models import Measure
from campaign.supporters.models import Supporter
from campaign.supporters.services import on_file


def _in_jurisdiction(coalition_id: int, measure_id: int | None) -> Select:
    # The measure is looked up within the coalition: another coalition's measure id, typed into
    # a form, names nobody.
    measure = db.session.scalar(
        select(Measure).where(Measure.id == measure_id, Measure.coalition_id == coalition_id)
    )
    if measure is None:
        return select(Supporter.id).where(false())
    return on_file(coalition_id, Supporter.id).where(
        Supporter.zip_code.in_(measures.zips_of(measure.jurisdiction))
    )


def _open_measures(coalition_id: int) -> list[tuple[int, str]]:
    return [
        (measure.id, f"{services.label(measure.jurisdiction)} ({measure.title})")
        for measure in measures.open_measures(coalition_id)
    ]


SOURCE = AudienceSource(
    measures.JURISDICTION_SOURCE,
    _l("Supporters in a measure’s jurisdiction"),
    _in_jurisdiction,
    _open_measures,
)
