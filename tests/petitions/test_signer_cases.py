"""The signing scenarios of tests/petitions/signer_cases.py on SQLite; the integration tier runs
the same ones on PostgreSQL (tests/integration/test_signer_cases.py)."""

import pytest

from tests.petitions import signer_cases


@pytest.mark.parametrize("case", signer_cases.CASES, ids=lambda case: case.__name__)
def test_signing_stores_what_the_scenario_says(app, db, case):
    case()
