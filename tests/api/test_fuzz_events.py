"""Events, attendances and the record attendance helper, fuzzed as described
(tests/api/fuzzing.py), in the events world (tests/api/events_world.py)."""

import pytest

from tests.api.events_world import RECORD_ATTENDANCE, world_for
from tests.api.fuzzing import answers_as_described, keys_by_method, operations

OPERATIONS = [
    "GET /events",
    "GET /events/{id}",
    "GET /events/{id}/attendances",
    "GET /events/{id}/attendances/{attendance_id}",
    "POST /events/{id}/attendances",
]
HELPER = "POST /events/{id}/attendances"


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_events_operation_answers_as_described(app, request, coalition, make_key, name):
    world = world_for(request)
    operation = operations(app, [name])[name]
    token = keys_by_method(coalition, make_key)[operation.method.upper()]
    answers_as_described(operation, token)
    if name != HELPER:
        return
    # Generated bodies seldom hold a ZIP code that exists: a real one, to a full event (the
    # waitlist) and to one without a limit (a place), so that the 201 is checked too.
    for event_id in (world.public, world.private):
        case = operation.Case(
            path_parameters={"id": event_id}, body=RECORD_ATTENDANCE, media_type="application/json"
        )
        assert case.call_and_validate(headers={"OSDI-API-Token": token}).status_code == 201
