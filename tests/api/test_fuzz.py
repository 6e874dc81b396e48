"""The JSON API, fuzzed by its own test (tests/fuzz/ posts HTML forms): schemathesis generates
calls from /api/v1/openapi.json and checks every answer against it, and hypothesis sends
hostile query strings to the people endpoints. No answer may be a 5xx, and every one is JSON.
Generation only, with a fixed seed and no example database, as in tests/fuzz/."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from campaign.api.models import Scope
from tests.api.test_petitions import confirmed_signature

FUZZ_SETTINGS = settings(
    max_examples=60,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["\x00", "\r\n", "x" * 10_000, "9" * 5000, "-1", "0", "1e3", "modified_date gt '\x00'"]),
    st.builds(lambda value: f"modified_date gt '{value}'", st.text(max_size=40)),
    st.builds(
        lambda op, value: f"modified_date {op} '{value}'",
        st.sampled_from(["gt", "lt", "eq", "ne"]),
        st.dates().map(str),
    ),
)


@pytest.fixture
def people_key(coalition, add_people, make_key):
    add_people(coalition)
    return make_key(coalition, Scope.READ_PEOPLE)


@pytest.fixture
def signed_ids(coalition):
    return confirmed_signature(coalition)


def test_every_operation_answers_as_its_openapi_description_says(app, people_key, signed_ids):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        tested.append(operation.path)

        @FUZZ_SETTINGS
        @seed(17)
        @given(case=operation.as_strategy())
        def answers_as_described(case):
            response = case.call_and_validate(headers={"OSDI-API-Token": people_key})
            assert response.status_code < 500

        answers_as_described()
    assert sorted(tested) == [
        "/",
        "/people",
        "/people/{id}",
        "/petitions",
        "/petitions/{id}",
        "/petitions/{id}/signatures",  # GET
        "/petitions/{id}/signatures",  # POST
        "/petitions/{id}/signatures/{signature_id}",
    ]  # not the description itself


def test_the_record_signature_helper_answers_a_write_key_as_described(app, coalition, make_key, signed_ids):
    """The first pass's key may not record (403): this one may, on an open petition, so the
    bodies are really read. The schema cannot say which addresses are deliverable, which ZIP
    codes exist or which tags the coalition has, so a schema-valid body may well get a 400."""
    token = make_key(coalition, Scope.WRITE)
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)["/petitions/{id}/signatures"][
        "POST"
    ]
    statuses = set()

    @FUZZ_SETTINGS
    @seed(17)
    @given(case=operation.as_strategy())
    def recorded_as_described(case):
        case.path_parameters = {"id": signed_ids["petition_id"]}
        response = case.call_and_validate(
            headers={"OSDI-API-Token": token}, excluded_checks=[positive_data_acceptance]
        )
        statuses.add(response.status_code)
        assert response.status_code in (201, 400)

    recorded_as_described()
    assert statuses == {201, 400}  # the description's example is recorded


PATHS = st.sampled_from(
    ["/api/v1/people", "/api/v1/people/1", "/api/v1/", "/api/v1/petitions", "/api/v1/petitions/1/signatures"]
)


def assert_json_not_5xx(response, *inputs) -> None:
    assert response.status_code < 500, inputs
    assert response.is_json and isinstance(response.get_json(), dict), inputs
    assert "Set-Cookie" not in response.headers


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


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE, inner, max_size=4),
    max_leaves=12,
)
# Near a body the helper takes, so that each hostile value meets the check of its own field.
SIGNATURE_BODIES = st.fixed_dictionaries(
    {
        "person": st.fixed_dictionaries(
            {
                "given_name": HOSTILE | JSON,
                "email_addresses": st.just([{"address": "rosa@example.org"}]) | JSON,
                "postal_addresses": st.just([{"postal_code": "19104"}]) | JSON,
            },
            optional={"family_name": HOSTILE, "languages_spoken": JSON},
        )
    },
    optional={
        "comments": HOSTILE | JSON,
        "referrer_data": st.fixed_dictionaries({"source": HOSTILE}) | JSON,
        "consent": st.fixed_dictionaries({"wording": HOSTILE}) | JSON,
        "add_tags": st.lists(HOSTILE, max_size=60) | JSON,
    },
)


@FUZZ_SETTINGS
@seed(17)
@given(body=st.one_of(SIGNATURE_BODIES.map(json.dumps), JSON.map(json.dumps), st.binary(max_size=200)))
def _hostile_bodies(client, token, path, body):
    response = client.post(
        path, headers={"OSDI-API-Token": token}, data=body, content_type="application/json"
    )
    assert response.status_code in (201, 400), body
    assert_json_not_5xx(response, body)


def test_hostile_signature_bodies_get_json_never_a_5xx(client, coalition, make_key, signed_ids):
    """json.dumps writes lone surrogates as escapes ("\\ud800"), which Python's parser reads back."""
    path = f"/api/v1/petitions/{signed_ids['petition_id']}/signatures"
    _hostile_bodies(client, make_key(coalition, Scope.WRITE), path)


def test_hostile_query_strings_get_json_never_a_5xx(client, people_key):
    _hostile_query_strings(client, people_key)


def test_hostile_tokens_get_a_json_401(client, people_key):
    _hostile_tokens(client)
