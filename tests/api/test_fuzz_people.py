"""People and the person signup helper, fuzzed as described (tests/api/fuzzing.py)."""

import pytest

from tests.api.fuzzing import answers_as_described, keys_by_method, operations

OPERATIONS = ["GET /people", "GET /people/{id}", "POST /people"]


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_people_operation_answers_as_described(app, coalition, add_people, make_key, name):
    add_people(coalition)
    operation = operations(app, [name])[name]
    answers_as_described(operation, keys_by_method(coalition, make_key)[operation.method.upper()])
