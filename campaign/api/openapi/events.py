"""OSDI events, attendances and the record attendance helper in the OpenAPI description."""

from campaign.actions.models import EventKind, RsvpState
from campaign.api.events import ATTENDANCE_STATUS, DAY_FILTER, EVENT_STATUS, OWN_STATUS
from campaign.api.hal import NAMESPACE
from campaign.api.openapi.parts import (
    BAD_HELPER_BODY,
    BAD_PAGE,
    DATE_TIME,
    IDENTIFIERS,
    PAGING,
    PERSONAL,
    PUBLIC,
    STRING,
    WRITE,
    body,
    collection,
    error,
    helper_body,
    links,
    path_id,
)
from campaign.core.urls import MAX_ID

# A time with the event's own offset, e.g. 2027-05-29T10:00:00-04:00.
LOCAL_TIME = {"type": "string", "format": "date-time", "pattern": "[+-][0-9]{2}:[0-9]{2}$"}
LOCATION = {
    "type": "object",
    "required": ["locality", "region", "postal_code", "country"],
    "properties": {
        "venue": STRING,
        "address_lines": {"type": "array", "items": STRING},
        "locality": STRING,
        "region": STRING,
        "postal_code": STRING,
        "country": {"const": "US"},
        "location": {
            "type": "object",
            "properties": {
                "latitude": {"type": "number"},
                "longitude": {"type": "number"},
                "accuracy": {"const": "Approximate"},
            },
        },
    },
}
# What every event and attendance has.
_COMMON = {
    "identifiers": IDENTIFIERS,
    "origin_system": STRING,
    "created_date": DATE_TIME,
    "modified_date": DATE_TIME,
}
EVENT = {
    "type": "object",
    "required": [
        *_COMMON,
        "name",
        "title",
        "browser_url",
        "status",
        "start_date",
        "end_date",
        "total_accepted",
        "location",
        "_links",
    ],
    "properties": {
        **_COMMON,
        "name": STRING,
        "title": STRING,
        "description": {"type": "string", "description": "HTML, sanitized"},
        "browser_url": STRING,
        "type": {"const": "open"},
        "status": {"enum": sorted(set(EVENT_STATUS.values()))},
        "start_date": LOCAL_TIME,
        "end_date": LOCAL_TIME,
        f"{NAMESPACE}:time_zone": {"type": "string", "description": "IANA, e.g. America/Chicago"},
        f"{NAMESPACE}:kind": {"enum": [kind.value for kind in EventKind]},
        "capacity": {"type": "integer", "minimum": 1},
        "total_accepted": {"type": "integer", "minimum": 0},
        "location": LOCATION,
        f"{NAMESPACE}:day_of_action": {
            "type": "object",
            "required": ["slug", "title", "browser_url"],
            "properties": {"slug": STRING, "title": STRING, "browser_url": STRING},
        },
        "_links": links("self", "osdi:attendances", "osdi:record_attendance_helper"),
    },
}
_STATUSES = {
    "status": {"enum": sorted(set(ATTENDANCE_STATUS.values()))},
    OWN_STATUS: {"enum": [state.value for state in RsvpState]},
    "referrer_data": {"type": "object", "properties": {"source": STRING}},
}
ATTENDANCE = {
    "type": "object",
    "required": [
        *_COMMON,
        "action_date",
        "status",
        OWN_STATUS,
        "attended",
        "_links",
    ],
    "properties": {
        **_COMMON,
        "action_date": DATE_TIME,
        "attended": {"type": "boolean"},
        **_STATUSES,
        "_links": links("self", "osdi:event", "osdi:person"),
    },
}
# What the helper answers: no id, no person (see api/events.py, recorded_resource).
RECORDED = {
    "type": "object",
    "required": ["origin_system", "status", OWN_STATUS, "_links"],
    "properties": {
        "origin_system": STRING,
        **_STATUSES,
        "_links": links("osdi:event"),
    },
    "additionalProperties": False,
}
RECORD_ATTENDANCE = helper_body(True, status={"const": "accepted"})

# An RSVP the description's readers (and the fuzzer's explicit phase) can send as it is.
_EXAMPLE = {
    "person": {
        "given_name": "Rosa",
        "email_addresses": [{"address": "rosa@example.org", "primary": True}],
        "postal_addresses": [{"postal_code": "60608", "primary": True}],
    },
    "referrer_data": {"source": "newsletter-may"},
}
_DAY = {
    "name": DAY_FILTER,
    "in": "query",
    "description": "A day of action's slug: its events only",
    "schema": {"type": "string"},
}


def _id(name: str = "id") -> dict:
    """An id a route takes: a URL with another number is no route (404, or 405 to a POST)."""
    return path_id(name) | {"schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "example": 1}


_EVENT_404 = {"404": error("No such published event in this key's coalition")}

SCHEMAS = {
    "Events": collection("osdi:events", "Event"),
    "Event": EVENT,
    "Attendances": collection("osdi:attendances", "Attendance"),
    "Attendance": ATTENDANCE,
    "RecordAttendance": RECORD_ATTENDANCE,
    "RecordedAttendance": RECORDED,
}
PATHS = {
    "/events": {
        "get": {
            "summary": "The coalition's published events, a page at a time (public data and counts)",
            "parameters": [*PAGING, _DAY],
            "responses": {"200": {"description": "A page of events", **body("Events")}} | BAD_PAGE | PUBLIC,
        }
    },
    "/events/{id}": {
        "get": {
            "summary": "One event (public data and counts)",
            "parameters": [_id()],
            "responses": {"200": {"description": "The event", **body("Event")}} | _EVENT_404 | PUBLIC,
        }
    },
    "/events/{id}/attendances": {
        "get": {
            "summary": "The event's attendances of people on file (logged as an export)",
            "parameters": [_id(), *PAGING],
            "responses": {"200": {"description": "A page of attendances", **body("Attendances")}}
            | BAD_PAGE
            | _EVENT_404
            | PERSONAL,
        },
        "post": {
            "summary": "The record attendance helper: RSVP a person as the event's public form does",
            "parameters": [_id()],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/RecordAttendance"},
                        "example": _EXAMPLE,
                    }
                },
            },
            "responses": {
                "201": {
                    "description": "Recorded: what a newcomer gets now (a place, or the waitlist), the "
                    "same answer for a new person, one on file and one already going",
                    **body("RecordedAttendance"),
                },
                **BAD_HELPER_BODY,
                "409": error("The event was cancelled or is over: it takes no RSVPs"),
            }
            | _EVENT_404
            | WRITE,
        },
    },
    "/events/{id}/attendances/{attendance_id}": {
        "get": {
            "summary": "One attendance (logged as an export)",
            "parameters": [_id(), _id("attendance_id")],
            "responses": {"200": {"description": "The attendance", **body("Attendance")}}
            | {"404": error("No such attendance of a person on file, of this event")}
            | PERSONAL,
        }
    },
}
