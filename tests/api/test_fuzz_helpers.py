"""Hostile bodies to every helper that takes one (the person signup, record signature and record
attendance helpers, and tagging): a JSON 400, never a 5xx, and a body they take is recorded.

Each body goes to all four: a valid one with one part of it hostile (so that every check is
reached, and passed), any JSON value, and bytes that are not JSON or nest too deep to parse.
json.dumps writes lone surrogates as escapes ("\\ud800"), which Python's parser reads back."""

import copy
import json

from hypothesis import given, seed
from hypothesis import strategies as st

from tests.api.fuzzing import FUZZ_SETTINGS, HOSTILE, JSON, assert_json_not_5xx, keys_by_method
from tests.api.records import SIGNUP, add_records

# What all four take at once: a signup with what the others read besides (Action Network's names).
VALID = SIGNUP | {
    "comments": "Por mis hijos.",
    "referrer_data": {"source": "juntos"},
    "status": "accepted",
    "_links": {"osdi:person": {"href": "http://localhost/api/v1/people/1"}},
}
PARTS = [
    ("person",),
    ("person", "given_name"),
    ("person", "family_name"),
    ("person", "email_addresses"),
    ("person", "email_addresses", 0, "address"),
    ("person", "email_addresses", 0, "status"),
    ("person", "postal_addresses", 0, "postal_code"),
    ("person", "languages_spoken"),
    ("comments",),
    ("referrer_data",),
    ("referrer_data", "source"),
    ("add_tags",),
    ("add_tags", 0),
    ("consent",),
    ("consent", "wording"),
    ("consent", "language"),
    ("status",),
    ("_links", "osdi:person", "href"),
]


def _with_part(part: tuple, value) -> dict:
    body = copy.deepcopy(VALID)
    *path, last = part
    parent = body
    for key in path:
        parent = parent[key]
    parent[last] = value
    return body


RAW_BODIES = st.sampled_from(
    [
        b"[" * 100_000,
        b'{"person": ' * 50_000,
        b"\xff\xfe\x00",
        b'{"person": NaN}',
        b'{"person": {"email_addresses": [{"address": 1e999999}]}}',
        b"9" * 5000,
        b"",
        b'"\\ud800"',
    ]
)
# JSON bodies: most of them a valid body with one part hostile, some any JSON value at all.
BODIES = st.one_of(
    st.builds(_with_part, st.sampled_from(PARTS), st.one_of(HOSTILE, JSON, st.lists(HOSTILE, max_size=25))),
    JSON,
)
NOT_JSON = st.one_of(RAW_BODIES, st.binary(max_size=200))


@FUZZ_SETTINGS
@seed(17)
@given(body=BODIES, raw=NOT_JSON)
def _hostile_bodies(client, token, answers, body, raw):
    headers = {"OSDI-API-Token": token}
    for path, taken in answers.items():
        response = client.post(path, headers=headers, data=json.dumps(body), content_type="application/json")
        assert response.status_code in (taken, 400), (path, body)
        assert_json_not_5xx(response, path, body)
        response = client.post(path, headers=headers, data=raw, content_type="application/json")
        assert response.status_code == 400, (path, raw)
        assert_json_not_5xx(response, path, raw)


def test_hostile_bodies_get_a_json_400_never_a_5xx(client, coalition, add_people, make_key):
    ids = add_records(coalition, add_people(coalition))
    answers = {  # each path and its answer to a body it takes
        "/api/v1/people": 200,
        f"/api/v1/petitions/{ids['petition_id']}/signatures": 201,
        f"/api/v1/events/{ids['event_id']}/attendances": 201,
        f"/api/v1/tags/{ids['tag_id']}/taggings": 200,
    }
    token = keys_by_method(coalition, make_key)["POST"]
    _hostile_bodies(client, token, answers)
    for path, taken in answers.items():  # and the valid body is taken by each
        response = client.post(path, headers={"OSDI-API-Token": token}, json=VALID)
        assert response.status_code == taken, (path, response.get_json())
