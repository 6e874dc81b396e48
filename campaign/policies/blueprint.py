"""The policies feature's blueprint, shared by its views modules; views.py, which the app
registers, imports them all."""

from flask import Blueprint

from campaign.policies import services, tracker, upkeep
from campaign.policies.labels import (
    CONDITION_LABELS,
    KIND_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    conditions_of,
    stage_badge,
)

bp = Blueprint("policies", __name__)


@bp.context_processor
def _labels() -> dict:
    """The one set of words every page of the feature, organizer's or public, calls things by."""
    return {
        "KIND_LABELS": KIND_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "CONDITION_LABELS": CONDITION_LABELS,
        "STAGE_LABELS": STAGE_LABELS,
        "JURISDICTION_KINDS": tracker.JURISDICTION_KINDS,
        "conditions_of": conditions_of,
        "stage_badge": stage_badge,
        "place_label": services.label,
        "change_lines": upkeep.change_lines,
    }
