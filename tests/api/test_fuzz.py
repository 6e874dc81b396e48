"""The JSON API, fuzzed (tests/api/fuzzing.py says how): every described operation is run by
its resource's file, the entry point here; hostile query strings, tokens and form ids here, and
hostile bodies to every helper in test_fuzz_helpers.py. No answer may be a 5xx, and every one
is JSON."""

from urllib.parse import quote

from hypothesis import given, seed
from hypothesis import strategies as st

from tests.api import test_fuzz_events, test_fuzz_people, test_fuzz_petitions, test_fuzz_tags_letters_forms
from tests.api.fuzzing import (
    FUZZ_SETTINGS,
    HOSTILE,
    all_operations,
    answers_as_described,
    assert_json_not_5xx,
    keys_by_method,
    operations,
)
from tests.api.records import add_records

ENTRY_POINT = "GET /"
EVERY_OPERATION = [  # not the description itself
    "GET /",
    "GET /events",
    "GET /events/{id}",
    "GET /events/{id}/attendances",
    "GET /events/{id}/attendances/{attendance_id}",
    "GET /forms",
    "GET /forms/{form_id}",
    "GET /letters",
    "GET /letters/{letter_id}",
    "GET /letters/{letter_id}/signatories",
    "GET /letters/{letter_id}/signatories/{signatory_id}",
    "GET /people",
    "GET /people/{id}",
    "GET /petitions",
    "GET /petitions/{id}",
    "GET /petitions/{id}/signatures",
    "GET /petitions/{id}/signatures/{signature_id}",
    "GET /tags",
    "GET /tags/{tag_id}",
    "GET /tags/{tag_id}/taggings",
    "GET /tags/{tag_id}/taggings/{tagging_id}",
    "POST /events/{id}/attendances",
    "POST /people",
    "POST /petitions/{id}/signatures",
    "POST /tags/{tag_id}/taggings",
]


def test_every_operation_is_fuzzed_once_by_its_resource(app):
    described = sorted(f"{op.method.upper()} {op.path}" for op in all_operations(app))
    fuzzed = [ENTRY_POINT]
    for resource in (test_fuzz_people, test_fuzz_petitions, test_fuzz_events, test_fuzz_tags_letters_forms):
        fuzzed += resource.OPERATIONS
    assert described == sorted(fuzzed) == EVERY_OPERATION


def test_the_entry_point_answers_as_described(app, coalition, make_key):
    answers_as_described(
        operations(app, [ENTRY_POINT])[ENTRY_POINT], keys_by_method(coalition, make_key)["GET"]
    )


PATHS = st.sampled_from(
    [
        "/api/v1/",
        "/api/v1/people",
        "/api/v1/people/1",
        "/api/v1/petitions",
        "/api/v1/petitions/1/signatures",
        "/api/v1/events",
        "/api/v1/events/1/attendances",
        "/api/v1/tags",
        "/api/v1/tags/1/taggings",
        "/api/v1/letters",
        "/api/v1/letters/1/signatories",
        "/api/v1/forms",
    ]
)


@FUZZ_SETTINGS
@seed(17)
@given(path=PATHS, filter_=HOSTILE, page=HOSTILE, per_page=HOSTILE)
def _hostile_query_strings(client, token, path, filter_, page, per_page):
    query = {"filter": filter_, "page": page, "per_page": per_page}
    response = client.get(path, headers={"OSDI-API-Token": token}, query_string=query)
    assert response.status_code in (200, 400, 404), (path, query)
    assert_json_not_5xx(response, path, query)


@FUZZ_SETTINGS
@seed(17)
@given(path=PATHS, token=HOSTILE)
def _hostile_tokens(client, path, token):
    # A header cannot carry a line break (the test client refuses to build one): that case is
    # tests/api/test_people.py's, through the WSGI environ.
    response = client.get(path, headers={"OSDI-API-Token": token.replace("\r", "").replace("\n", "")})
    assert response.status_code == 401, (path, token)
    assert_json_not_5xx(response, path, token)


@FUZZ_SETTINGS
@seed(17)
@given(form_id=HOSTILE)
def _hostile_form_ids(client, token, form_id):
    response = client.get(f"/api/v1/forms/{quote(form_id, safe='')}", headers={"OSDI-API-Token": token})
    assert response.status_code == 404, form_id
    assert_json_not_5xx(response, form_id)


def test_hostile_query_strings_tokens_and_form_ids_get_json_never_a_5xx(
    client, coalition, add_people, make_key
):
    add_records(coalition, add_people(coalition))
    token = keys_by_method(coalition, make_key)["GET"]
    _hostile_query_strings(client, token)
    _hostile_tokens(client)
    _hostile_form_ids(client, token)
