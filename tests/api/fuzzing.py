"""What the API's fuzz tests share (tests/fuzz/ posts HTML forms; these send JSON): hypothesis's
settings, the hostile values, one JSON strategy, the check every answer passes, and one
schemathesis pass of an operation.

schemathesis generates calls from /api/v1/openapi.json and checks every answer against it:
each operation is run once, by the file of its resource (test_fuzz_<resource>.py), with the
key and the records it needs; test_fuzz.py checks that every operation is. Generation only,
with a fixed seed and no example database, as in tests/fuzz/."""

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from campaign.api.models import Scope

FUZZ_SETTINGS = settings(
    max_examples=60,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
# Text that may go anywhere: a query string, a header, a JSON string.
HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "\x00",
            "\r\n",
            "x" * 10_000,
            "9" * 5000,
            "-1",
            "0",
            "1e3",
            "modified_date gt '\x00'",
            "<b>x</b>",
            "a\u202eb",
            "Ana\r\nBcc: x",
            "María José Ñúñez-O’Brien",
            "日本語",
        ]
    ),
    st.builds(lambda value: f"modified_date gt '{value}'", st.text(max_size=40)),
    st.builds(
        lambda op, value: f"modified_date {op} '{value}'",
        st.sampled_from(["gt", "lt", "eq", "ne"]),
        st.dates().map(str),
    ),
)
# Any JSON value, NaN and infinities as Python writes them, and a lone surrogate, which only a
# JSON escape ("\ud800") can carry.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | HOSTILE | st.just("\ud800"),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE, inner, max_size=4),
    max_leaves=12,
)
# A schema cannot say which ZIP codes exist, which addresses take mail or which links lead to
# our people: a helper answers some bodies the schema allows with a 400, as the forms would.
SCHEMA_CANNOT_SAY = [positive_data_acceptance]


def assert_json_not_5xx(response, *inputs) -> None:
    assert response.status_code < 500, inputs
    assert response.is_json and isinstance(response.get_json(), dict), inputs
    assert "Set-Cookie" not in response.headers


def keys_by_method(coalition, make_key) -> dict[str, str]:
    """A key for each method: reading with read:people, the helpers with write."""
    return {"GET": make_key(coalition, Scope.READ_PEOPLE), "POST": make_key(coalition, Scope.WRITE)}


def operations(app, names: list[str]) -> dict:
    """The described operations of these names ("GET /people/{id}"); each must exist."""
    found = {f"{op.method.upper()} {op.path}": op for op in all_operations(app)}
    return {name: found[name] for name in names}


def all_operations(app) -> list:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def answers_as_described(operation, token: str, **path_parameters) -> set[int]:
    """Fuzz one operation with this key: no 5xx, and every answer as the description says.
    `path_parameters` fix the path's ids (to an open petition, so that bodies are read).
    Returns the statuses seen."""
    excluded = SCHEMA_CANNOT_SAY if operation.method.upper() == "POST" else []
    statuses = set()

    @FUZZ_SETTINGS
    @seed(17)
    @given(case=operation.as_strategy())
    def answers(case):
        if path_parameters:
            case.path_parameters = path_parameters
        response = case.call_and_validate(headers={"OSDI-API-Token": token}, excluded_checks=excluded)
        statuses.add(response.status_code)
        assert response.status_code < 500

    answers()
    return statuses
