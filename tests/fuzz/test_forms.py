"""Fuzz: every form of the site, public and organizer, on PostgreSQL, with hostile input.

Every POST rule of app.url_map is posted generated submissions (submissions.py) at URLs built
from real objects (site.py): 200 per form (each field spoiled alone first, then generated),
30 per button. No answer may be a 5xx or carry a header a proxy refuses, no work may fail
after the answer (a task run in-process logs its error), the pages and emailed links showing
what was stored must open, and no column may hold what it must not (stored.py).

The submissions are drawn from a fixed seed per endpoint, so a run is repeatable and its cost
known. Failures are collected rather than raised at the first,
so one run lists each distinct one with the inputs it had in common. One test per feature,
each on the same world put back (snapshot.py), so pytest-xdist can spread them over cores;
test-artifacts/fuzz-<feature>.txt has the answers and time per endpoint, and every failure.
"""

from pathlib import Path

import pytest

from campaign import FEATURES
from campaign.extensions import csrf
from tests.fuzz.conftest import fuzz_app_on
from tests.fuzz.findings import describe_error
from tests.fuzz.fuzzer import Fuzzer, examples
from tests.fuzz.site import post_rules

pytestmark = [pytest.mark.integration, pytest.mark.fuzz]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# POST rules not fuzzed here, each with why (and where it is fuzzed instead).
# The API's helpers take JSON with an API key, not a form: each is fuzzed against its OpenAPI
# description (tests/api/test_fuzz_<resource>.py) and with hostile bodies (test_fuzz_helpers.py).
API_HELPER = "JSON with an API key, not a form: fuzzed in tests/api/ (test_fuzz_helpers.py)"
EXCLUDED: dict[str, str] = {
    "api.petitions.record_signature": API_HELPER,
    "api.events.record_attendance": API_HELPER,
    "api.people.signup": API_HELPER,
    "api.tags.add_tagging": API_HELPER,
}


@pytest.fixture(scope="module")
def fuzzer(site):
    return Fuzzer(site, EXCLUDED)


def test_every_post_rule_is_fuzzed_or_excluded(site):
    """A new form is fuzzed without editing this file; one whose URL cannot be built from what
    the site shows fails here (make its object in world.py, or exclude it above, saying why).
    test-artifacts/fuzz-coverage.txt lists each rule, its URLs, fields and where its form is."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "fuzz-coverage.txt").write_text(site.coverage() + "\n")
    endpoints = {rule.endpoint for rule in post_rules(site.app)}
    assert set(EXCLUDED) <= endpoints, "an exclusion names no rule of the app"
    unbuilt = set(site.unbuilt) - set(EXCLUDED)
    assert not unbuilt, f"no URL could be built for {sorted(unbuilt)}: add its object to world.py"
    assert set(site.forms) | set(EXCLUDED) == endpoints
    assert {endpoint.split(".")[0] for endpoint in endpoints} <= set(FEATURES)


@pytest.mark.parametrize("feature", FEATURES)
def test_no_form_answers_5xx_fails_later_or_stores_invalid_values(site, fuzzer, feature):
    found = fuzzer.run(feature)
    ARTIFACTS.mkdir(exist_ok=True)
    report = "\n\n".join([found.table(), found.report(), found.stored_report()])
    (ARTIFACTS / f"fuzz-{feature}.txt").write_text(report + "\n")
    forms = {e: form for e, form in site.forms.items() if e.startswith(f"{feature}.") and e not in EXCLUDED}
    assert not {e: found.submitted[e] for e, form in forms.items() if found.submitted[e] < examples(form)}
    assert not found.failures and not found.invalid_rows, report


def test_a_missing_or_forged_csrf_token_is_refused_with_400(site, fuzz_database):
    """With CSRF on, as in production: no token, or a forged one, never reaches a view."""
    app = fuzz_app_on(fuzz_database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    exempt = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if f"{view.__module__}.{view.__name__}" in csrf._exempt_views
    }
    wrong = {}
    for endpoint, form in sorted(site.forms.items()):
        if endpoint in EXCLUDED:
            continue
        data = {name: (each.values or [""])[0] for name, each in form.fields.items() if name != "csrf_token"}
        for token in (None, "", "forged.token\x00", "x" * 10_000):
            try:
                status = client.post(
                    form.urls[0], data=data | ({} if token is None else {"csrf_token": token})
                ).status_code
            except Exception as error:  # noqa: BLE001 - an exception escaping the app is its 500
                status = describe_error(error)
            if status != 400 and not (endpoint in exempt and isinstance(status, int) and status < 500):
                wrong[(endpoint, token)] = status
    assert not wrong
