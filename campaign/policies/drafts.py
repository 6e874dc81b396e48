"""The one-click draft alerts, keyed by the fact they announce (a measure passed, its next
hearing), so a double click makes one, and withdrawn when that fact stops being true."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaign.extensions import db
from campaign.notifications import services as notifications
from campaign.notifications.models import Message, MessageState
from campaign.policies.models import Measure, MeasureStage


@dataclass(frozen=True)
class Withdrawn:
    subject: str
    cancelled: bool  # it was scheduled: cancelled and kept in the alerts list, not deleted


def won_key(measure: Measure, kind: str, campaign_id: int, passed_on: date) -> str:
    return f"{_won_prefix(measure)}{kind}:{campaign_id}:{passed_on:%Y%m%d}"


def hearing_key(measure: Measure) -> str:
    return f"{_hearing_prefix(measure)}{measure.next_hearing_at:%Y%m%dT%H%M}"


def _won_prefix(measure: Measure) -> str:
    return f"won:{measure.id}:"


def _hearing_prefix(measure: Measure) -> str:
    return f"hearing:{measure.id}:"


def _keyed(coalition_id: int, key: str) -> Message | None:
    return db.session.scalar(
        select(Message).where(Message.dedupe_key == key, Message.coalition_id == coalition_id)
    )


def save_once(coalition_id: int, author_id: int, fields: dict, key: str) -> tuple[Message, bool]:
    """The alert `key` names: made now unless a click before (or a teammate's at this very
    moment) made it; returns it and whether it was made now. Raises EmptyAudience."""
    made = _keyed(coalition_id, key)
    if made:
        return made, False
    try:
        with db.session.begin_nested():
            alert = notifications.save_alert(coalition_id, author_id, fields)
            alert.dedupe_key = key
            db.session.flush()
    except IntegrityError:  # the other click won the unique key
        return _keyed(coalition_id, key), False
    return alert, True


def facts(measure: Measure) -> dict[str, object]:
    """What the measure's drafts announce, by the prefix of their keys: compare before and after
    a change with `withdraw_changed`."""
    return {
        _won_prefix(measure): measure.stage == MeasureStage.PASSED,
        _hearing_prefix(measure): (measure.next_hearing_at, measure.next_hearing_place),
    }


def withdraw_changed(measure: Measure, before: dict[str, object]) -> list[Withdrawn]:
    """Withdraw the drafts of each fact that is no longer what `before` (`facts` then) says."""
    now = facts(measure)
    return [gone for prefix in before if now[prefix] != before[prefix] for gone in _withdraw(measure, prefix)]


def withdraw_all(measure: Measure) -> list[Withdrawn]:
    """Before the measure is deleted: nothing it announced is true any more."""
    return [gone for prefix in facts(measure) for gone in _withdraw(measure, prefix)]


def _withdraw(measure: Measure, prefix: str) -> list[Withdrawn]:
    """The coalition's drafts and scheduled alerts under `prefix`, taken back; one already
    sending or sent is the organizer's to handle and stays as it is."""
    unsent = db.session.scalars(
        select(Message).where(
            Message.coalition_id == measure.coalition_id,
            Message.dedupe_key.startswith(prefix, autoescape=True),
            Message.state.in_((MessageState.DRAFT, MessageState.SCHEDULED)),
        )
    ).all()
    withdrawn = []
    for alert in unsent:
        subject, was = alert.subject, notifications.withdraw(alert)
        if was == MessageState.SCHEDULED:
            alert.dedupe_key = None  # free the key: the fact, true again, gets a fresh draft
        if was is not None:
            withdrawn.append(Withdrawn(subject, cancelled=was == MessageState.SCHEDULED))
    db.session.flush()
    return withdrawn
