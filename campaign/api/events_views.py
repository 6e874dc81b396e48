"""OSDI events (public data and counts), their attendances (personal data), and the record
attendance helper (`POST .../attendances`, as Action Network takes it)."""

from flask import Blueprint, g, request

from campaign.actions import rsvps
from campaign.actions.models import Event
from campaign.api import attendance_helper, events, hal
from campaign.api.asked import found, page_asked
from campaign.api.auth import key_required, log_personal_data
from campaign.api.errors import ApiError
from campaign.api.helper_input import json_body, read_attendance
from campaign.api.models import Scope
from campaign.core.outbox import utcnow
from campaign.extensions import db

bp = Blueprint("events", __name__)


@bp.get("/events")
@key_required(Scope.READ_COUNTS)
def index():
    number, size = page_asked()
    day_slug = request.args.get(events.DAY_FILTER)
    page = events.page_of_events(g.coalition.id, day_slug, number, size)
    return hal.response(events.events_resource(page, {events.DAY_FILTER: day_slug} if day_slug else {}))


@bp.get("/events/<int:event_id>")
@key_required(Scope.READ_COUNTS)
def show(event_id: int):
    event = _event_or_404(event_id)
    resource = events.event_resource(event, events.accepted_counts([event.id])[event.id])
    return hal.response(resource)


@bp.get("/events/<int:event_id>/attendances")
@key_required(Scope.READ_PEOPLE)
def attendances(event_id: int):
    event = _event_or_404(event_id)
    number, size = page_asked()
    page = events.page_of_attendances(event, number, size)
    resource = events.attendances_resource(event, page)
    log_personal_data(f"api:events:{event_id}:attendances", len(page.items))
    return hal.response(resource)


@bp.get("/events/<int:event_id>/attendances/<int:attendance_id>")
@key_required(Scope.READ_PEOPLE)
def attendance(event_id: int, attendance_id: int):
    rsvp = found(events.attendance(_event_or_404(event_id), attendance_id))
    log_personal_data(f"api:events:{event_id}:attendances:{attendance_id}", 1)
    return hal.response(events.attendance_resource(rsvp))


@bp.post("/events/<int:event_id>/attendances")
@key_required(Scope.WRITE)
def record_attendance(event_id: int):
    event = _event_or_404(event_id)
    wanted = read_attendance(json_body())
    try:
        outcome = attendance_helper.record_attendance(event, wanted, utcnow())
    except rsvps.EventClosed:
        raise ApiError(409, _closed(event)) from None
    db.session.commit()  # the RSVP email's outbox row with it, sent after the commit
    return hal.response(events.recorded_resource(event, outcome.state, wanted.source), 201)


def _event_or_404(event_id: int) -> Event:
    return found(events.listed_event(g.coalition.id, event_id))


def _closed(event: Event) -> str:
    if not event.is_scheduled:
        return "This event was cancelled: it takes no RSVPs"
    return "This event is over: it takes no RSVPs"
