"""Petitions, their signatures and the record signature helper, fuzzed as described
(tests/api/fuzzing.py), with an open petition signed once."""

import pytest

from tests.api.fuzzing import answers_as_described, keys_by_method, operations
from tests.api.test_petitions import confirmed_signature

OPERATIONS = [
    "GET /petitions",
    "GET /petitions/{id}",
    "GET /petitions/{id}/signatures",
    "GET /petitions/{id}/signatures/{signature_id}",
    "POST /petitions/{id}/signatures",
]
HELPER = "POST /petitions/{id}/signatures"


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_petitions_operation_answers_as_described(app, coalition, make_key, name):
    petition_id = confirmed_signature(coalition)["petition_id"]
    operation = operations(app, [name])[name]
    keys = keys_by_method(coalition, make_key)
    if name != HELPER:
        answers_as_described(operation, keys["GET"])
        return
    # To the open petition, so that the bodies are really read: the description's example is
    # recorded, and a body the schema allows may well be refused (an unknown ZIP code).
    assert answers_as_described(operation, keys["POST"], id=petition_id) == {201, 400}
