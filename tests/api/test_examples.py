"""docs/api/ holds an example request and response for each resource; they are what the API
answers, with the fixed data below. `UPDATE_API_EXAMPLES=1` writes them again after a change.

A request is (path, scope of its key or None) for a GET, or (path, scope, JSON body) for a POST."""

import json
import os
from pathlib import Path

import pytest

from campaign.api.models import Scope
from campaign.api.openapi import petitions as petitions_openapi
from tests.api.events_world import RECORD_ATTENDANCE, event_examples  # noqa: F401 - its world
from tests.api.records import SIGNUP, SIGNUP_WITHOUT_CONSENT, add_records
from tests.api.test_petitions import example_petition

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "api"
TOKEN = "cdk_your-api-key"  # in the examples, in place of the real one made for the test
REQUESTS = {
    "entry_point": ("/api/v1/", Scope.READ_PEOPLE),
    "people": ("/api/v1/people?per_page=2", Scope.READ_PEOPLE),
    "people_filtered": (
        "/api/v1/people?filter=modified_date+gt+%272026-03-01%27&page=2&per_page=1",
        Scope.READ_PEOPLE,
    ),
    "person": ("/api/v1/people/1", Scope.READ_PEOPLE),
    "error_no_key": ("/api/v1/people", None),
    "error_scope": ("/api/v1/people", Scope.READ_COUNTS),
    "error_filter": ("/api/v1/people?filter=given_name+eq+%27Ana%27", Scope.READ_PEOPLE),
    "events": ("/api/v1/events?per_page=2", Scope.READ_COUNTS),
    "event": ("/api/v1/events/2", Scope.READ_COUNTS),
    "attendances": ("/api/v1/events/1/attendances", Scope.READ_PEOPLE),
    "record_attendance": ("/api/v1/events/2/attendances", Scope.WRITE, RECORD_ATTENDANCE),
    "tags": ("/api/v1/tags", Scope.READ_PEOPLE),
    "taggings": ("/api/v1/tags/1/taggings", Scope.READ_PEOPLE),
    "person_signup": ("/api/v1/people", Scope.WRITE, SIGNUP),
    "error_signup_consent": ("/api/v1/people", Scope.WRITE, SIGNUP_WITHOUT_CONSENT),
    "letters": ("/api/v1/letters", Scope.READ_COUNTS),
    "letter_signatories": ("/api/v1/letters/1/signatories", Scope.READ_COUNTS),
    "forms": ("/api/v1/forms", Scope.READ_COUNTS),
    "petitions": ("/api/v1/petitions", Scope.READ_COUNTS),
    "petition": ("/api/v1/petitions/2", Scope.READ_PEOPLE),
    "signatures": ("/api/v1/petitions/2/signatures", Scope.READ_PEOPLE),
    "record_signature": ("/api/v1/petitions/2/signatures", Scope.WRITE, petitions_openapi.EXAMPLE),
}


def example(path: str, token: str | None, response, body: dict | None = None) -> dict:
    request = {"method": "GET" if body is None else "POST", "path": path}
    request["headers"] = {"OSDI-API-Token": TOKEN} if token else {}
    if body is not None:
        request["headers"]["Content-Type"] = "application/json"
        request["body"] = body
    return {
        "request": request,
        "response": {
            "status": response.status_code,
            "headers": {"Content-Type": response.headers["Content-Type"]},
            "body": response.get_json(),
        },
    }


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_each_example_is_what_the_api_answers(coalition, add_people, make_key, client, name):
    assert add_people(coalition) == [1, 2], "the examples' people are the first two rows"
    add_records(coalition, [1, 2])
    example_petition(coalition)
    path, scope, *body = REQUESTS[name]
    body = body[0] if body else None
    token = make_key(coalition, scope) if scope else None
    headers = {"OSDI-API-Token": token} if token else {}
    if body is None:
        response = client.get(path, headers=headers)
    else:
        response = client.post(path, headers=headers, json=body)
    answered = example(path, token, response, body)
    file = EXAMPLES / f"{name}.json"
    if os.environ.get("UPDATE_API_EXAMPLES"):
        file.write_text(json.dumps(answered, indent=2, ensure_ascii=False) + "\n")
    assert json.loads(file.read_text()) == answered


def test_every_example_file_is_checked():
    assert {file.stem for file in EXAMPLES.glob("*.json")} == set(REQUESTS)
