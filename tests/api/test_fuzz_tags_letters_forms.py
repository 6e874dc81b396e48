"""Tags and taggings, letters and their signatories, and forms, fuzzed as described
(tests/api/fuzzing.py), with the examples' records (tests/api/records.py)."""

import pytest

from tests.api.fuzzing import answers_as_described, keys_by_method, operations
from tests.api.records import add_records

OPERATIONS = [
    "GET /tags",
    "GET /tags/{tag_id}",
    "GET /tags/{tag_id}/taggings",
    "GET /tags/{tag_id}/taggings/{tagging_id}",
    "POST /tags/{tag_id}/taggings",
    "GET /letters",
    "GET /letters/{letter_id}",
    "GET /letters/{letter_id}/signatories",
    "GET /letters/{letter_id}/signatories/{signatory_id}",
    "GET /forms",
    "GET /forms/{form_id}",
]


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_answers_as_described(app, coalition, add_people, make_key, name):
    add_records(coalition, add_people(coalition))
    operation = operations(app, [name])[name]
    answers_as_described(operation, keys_by_method(coalition, make_key)[operation.method.upper()])
