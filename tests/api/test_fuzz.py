"""The JSON API, fuzzed by its own test (tests/fuzz/ posts HTML forms): schemathesis generates
calls from /api/v1/openapi.json and checks every answer against it, and hypothesis sends
hostile query strings to the people endpoints. No answer may be a 5xx, and every one is JSON.
Generation only, with a fixed seed and no example database, as in tests/fuzz/."""

import copy
import json
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from campaign.api.models import Scope
from tests.api.events_world import RECORD_ATTENDANCE, world_for
from tests.api.records import SIGNUP, add_records
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
    assert sorted(tested) == [  # not the description itself
        "/",
        "/events",
        "/events/{id}",
        "/events/{id}/attendances",
        "/events/{id}/attendances",
        "/events/{id}/attendances/{attendance_id}",
        "/forms",
        "/forms/{form_id}",
        "/letters",
        "/letters/{letter_id}",
        "/letters/{letter_id}/signatories",
        "/letters/{letter_id}/signatories/{signatory_id}",
        "/people",
        "/people",
        "/people/{id}",
        "/petitions",
        "/petitions/{id}",
        "/petitions/{id}/signatures",  # GET
        "/petitions/{id}/signatures",  # POST
        "/petitions/{id}/signatures/{signature_id}",
        "/tags",
        "/tags/{tag_id}",
        "/tags/{tag_id}/taggings",
        "/tags/{tag_id}/taggings",
        "/tags/{tag_id}/taggings/{tagging_id}",
    ]


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
def _hostile_signature_bodies(client, token, path, body):
    response = client.post(
        path, headers={"OSDI-API-Token": token}, data=body, content_type="application/json"
    )
    assert response.status_code in (201, 400), body
    assert_json_not_5xx(response, body)


def test_hostile_signature_bodies_get_json_never_a_5xx(client, coalition, make_key, signed_ids):
    """json.dumps writes lone surrogates as escapes ("\\ud800"), which Python's parser reads back."""
    path = f"/api/v1/petitions/{signed_ids['petition_id']}/signatures"
    _hostile_signature_bodies(client, make_key(coalition, Scope.WRITE), path)


def test_hostile_query_strings_get_json_never_a_5xx(client, people_key):
    _hostile_query_strings(client, people_key)


def test_hostile_tokens_get_a_json_401(client, people_key):
    _hostile_tokens(client)


@pytest.fixture
def events_keys(request, coalition, make_key):
    """The events world (tests/api/events_world.py) and a key for each method: reading with
    read:people, the record attendance helper with write."""
    world_for(request)
    return {"GET": make_key(coalition, Scope.READ_PEOPLE), "POST": make_key(coalition, Scope.WRITE)}


def test_every_events_operation_answers_as_described_with_the_key_it_needs(app, events_keys):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tested = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/events"):
            tested[f"{operation.method.upper()} {operation.path}"] = operation
            method = operation.method.upper()
            _answers_as_described(operation, events_keys[method])
    assert len(tested) == 5
    # Generated bodies seldom hold a ZIP code that exists: a real one, to a full event (the
    # waitlist) and to one without a limit (a place), so that the 201 is checked too.
    helper = tested["POST /events/{id}/attendances"]
    for event_id in (1, 2):
        case = helper.Case(
            path_parameters={"id": event_id}, body=RECORD_ATTENDANCE, media_type="application/json"
        )
        assert case.call_and_validate(headers={"OSDI-API-Token": events_keys["POST"]}).status_code == 201


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | HOSTILE,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
HELPER_BODIES = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries(
        {"person": JSON_VALUES},
        optional={
            "add_tags": JSON_VALUES,
            "referrer_data": JSON_VALUES,
            "consent": JSON_VALUES,
            "status": JSON_VALUES,
        },
    ),
    st.builds(
        lambda given_name, email, postal_code, tags, source, consent: {
            "person": {
                "given_name": given_name,
                "email_addresses": [{"address": email}],
                "postal_addresses": [{"postal_code": postal_code}],
            },
            "add_tags": tags,
            "referrer_data": {"source": source},
            "consent": consent,
        },
        HOSTILE,
        st.emails() | HOSTILE,
        st.sampled_from(["60608", "19104-1234", "00000", "6060８"]) | HOSTILE,
        st.lists(HOSTILE, max_size=3),
        HOSTILE,
        HOSTILE | st.none(),
    ),
)


@pytest.fixture
def keys_with_records(coalition, add_people, make_key):
    """Keys of a coalition with tags, a letter and its signers, a petition and an event: a
    read:people key for the reads, a write key for the helpers."""
    add_records(coalition, add_people(coalition))
    return {"GET": make_key(coalition, Scope.READ_PEOPLE), "POST": make_key(coalition, Scope.WRITE)}


# A schema cannot say which ZIP codes exist, which addresses take mail or which links lead to
# our people: a helper answers some bodies the schema allows with a 400, as the forms would.
SCHEMA_CANNOT_SAY = [positive_data_acceptance]


def _answers_as_described(operation, token: str) -> None:
    excluded = SCHEMA_CANNOT_SAY if operation.method.upper() == "POST" else []

    @FUZZ_SETTINGS
    @seed(17)
    @given(case=operation.as_strategy())
    def answers_as_described(case):
        response = case.call_and_validate(headers={"OSDI-API-Token": token}, excluded_checks=excluded)
        assert response.status_code < 500

    answers_as_described()


def test_tags_letters_forms_and_the_helpers_answer_as_described_with_records_and_a_write_key(
    app, keys_with_records
):
    """A body can match the schema and still be refused (a ZIP code we do not know, a link to
    nobody of ours): a schema cannot say so, so a helper's 400 is no failure of it here."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        method = operation.method.upper()
        if not (
            operation.path.startswith(("/tags", "/letters", "/forms"))
            or (method, operation.path) == ("POST", "/people")
        ):
            continue
        tested.append((method, operation.path))
        _answers_as_described(operation, keys_with_records[method])
    assert ("POST", "/people") in tested and ("POST", "/tags/{tag_id}/taggings") in tested


PLAIN_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
HOSTILE_TEXT = st.one_of(HOSTILE, st.sampled_from(["\ud800", "<b>x</b>", "a\u202eb", "Ana\r\nBcc: x"]))
# A valid signup with one part of it hostile, so that every check is reached, and passed.
PARTS = [
    ("person",),
    ("person", "given_name"),
    ("person", "family_name"),
    ("person", "email_addresses"),
    ("person", "email_addresses", 0, "address"),
    ("person", "email_addresses", 0, "status"),
    ("person", "postal_addresses", 0, "postal_code"),
    ("person", "languages_spoken"),
    ("add_tags",),
    ("add_tags", 0),
    ("consent",),
    ("consent", "wording"),
    ("consent", "language"),
]


def _signup_with(part: tuple, value) -> dict:
    signup = copy.deepcopy(SIGNUP)
    *path, last = part
    parent = signup
    for key in path:
        parent = parent[key]
    parent[last] = value
    return signup


ODD_BUT_FINE = st.sampled_from(
    ["-1", "0", "1e3", "María José Ñúñez-O’Brien", "日本語", "Vecinos de Kensington"]
)
SIGNUPS = st.builds(
    _signup_with,
    st.sampled_from(PARTS),
    st.one_of(
        ODD_BUT_FINE,
        HOSTILE_TEXT,
        PLAIN_JSON_VALUES,
        st.lists(st.one_of(ODD_BUT_FINE, HOSTILE_TEXT), max_size=25),
    ),
)
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


def _post_json(client, token: str, path: str, body) -> None:
    headers = {"OSDI-API-Token": token}
    if isinstance(body, bytes):
        response = client.post(path, headers=headers, data=body, content_type="application/json")
    else:
        response = client.post(path, headers=headers, json=body)
    assert response.status_code in (200, 400), (path, body)
    assert_json_not_5xx(response, path, body)


@FUZZ_SETTINGS
@seed(17)
@given(body=HELPER_BODIES, raw=st.binary(max_size=200))
def _hostile_helper_bodies(client, token, event_path, body, raw):
    headers = {"OSDI-API-Token": token}
    response = client.post(event_path, headers=headers, json=body)
    assert response.status_code in (201, 400), (body, response.get_json())
    assert_json_not_5xx(response, body)
    response = client.post(event_path, headers=headers, data=raw, content_type="application/json")
    assert response.status_code == 400, raw
    assert_json_not_5xx(response, raw)


def test_hostile_record_attendance_bodies_get_json_never_a_5xx(client, events_keys):
    _hostile_helper_bodies(client, events_keys["POST"], "/api/v1/events/2/attendances")


@given(signup=SIGNUPS)
def _hostile_signups(client, token, signup):
    _post_json(client, token, "/api/v1/people", signup)


@FUZZ_SETTINGS
@seed(17)
@given(body=st.one_of(PLAIN_JSON_VALUES, HOSTILE_TEXT, RAW_BODIES))
def _hostile_bodies(client, token, tag_id, body):
    _post_json(client, token, "/api/v1/people", body)
    _post_json(client, token, f"/api/v1/tags/{tag_id}/taggings", body)
    if not isinstance(body, bytes):
        _post_json(
            client, token, f"/api/v1/tags/{tag_id}/taggings", {"_links": {"osdi:person": {"href": body}}}
        )


def test_hostile_json_bodies_get_a_json_400_never_a_5xx(client, coalition, add_people, make_key):
    tag_id = add_records(coalition, add_people(coalition))["tag_id"]
    token = make_key(coalition, Scope.WRITE)
    _hostile_signups(client, token)
    _hostile_bodies(client, token, tag_id)


@FUZZ_SETTINGS
@seed(17)
@given(
    path=st.sampled_from(
        [
            "/api/v1/tags",
            "/api/v1/tags/1/taggings",
            "/api/v1/letters",
            "/api/v1/letters/1/signatories",
            "/api/v1/forms",
        ]
    ),
    page=HOSTILE,
    per_page=HOSTILE,
)
def _hostile_paging(client, token, path, page, per_page):
    query = {"page": page, "per_page": per_page}
    response = client.get(path, headers={"OSDI-API-Token": token}, query_string=query)
    assert response.status_code in (200, 400), (path, query)
    assert_json_not_5xx(response, path, query)


@FUZZ_SETTINGS
@seed(17)
@given(form_id=HOSTILE)
def _hostile_form_ids(client, token, form_id):
    response = client.get(f"/api/v1/forms/{quote(form_id, safe='')}", headers={"OSDI-API-Token": token})
    assert response.status_code == 404, form_id
    assert_json_not_5xx(response, form_id)


def test_hostile_paging_and_form_ids_get_json_never_a_5xx(client, keys_with_records):
    _hostile_paging(client, keys_with_records["GET"])
    _hostile_form_ids(client, keys_with_records["GET"])
