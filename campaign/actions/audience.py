"""Alerts can go to the people who RSVPed to a day of action's events (those subscribed, as
for every alert); actions.register(app) adds the source."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from campaign.actions.models import DayOfAction, DayState, Event, Rsvp, RsvpState
from campaign.extensions import db
from campaign.notifications.audience import AudienceSource


def _rsvps(coalition_id: int, day_id: int | None) -> Select:
    return (
        select(Rsvp.supporter_id)
        .join(Event, Event.id == Rsvp.event_id)
        .where(Event.day_id == day_id, Rsvp.state.in_((RsvpState.GOING, RsvpState.WALK_IN)))
    )


def _day_choices(coalition_id: int) -> list[tuple[int, str]]:
    return db.session.execute(
        select(DayOfAction.id, DayOfAction.title)
        .where(DayOfAction.coalition_id == coalition_id, DayOfAction.state == DayState.PUBLISHED)
        .order_by(DayOfAction.starts_on.desc())
    ).all()


RSVPS = AudienceSource("action", _l("People who RSVPed to the day of action"), _rsvps, _day_choices)
