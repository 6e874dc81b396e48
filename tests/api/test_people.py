"""People through the API: fields, paging, the filter, scopes, coalitions, and the export log."""

from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import select, update

from campaign.api import keys
from campaign.api.entry_point import LINKS
from campaign.api.models import ApiKey, Scope
from campaign.core.exports import ExportLog
from campaign.core.outbox import utcnow
from campaign.notifications import suppression
from campaign.supporters import services as supporters
from campaign.supporters.models import Supporter
from tests.api import events_world
from tests.api.conftest import MODIFIED
from tests.api.records import add_records
from tests.api.test_petitions import confirmed_signature


def test_people_are_listed_with_osdi_fields_and_decrypted(coalition, add_people, make_key, call):
    ana, ben = add_people(coalition)
    response = call("/api/v1/people", make_key(coalition))
    assert response.status_code == 200
    assert response.mimetype == "application/hal+json"
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total_pages"], body["total_records"]) == (1, 25, 1, 2)
    first, second = body["_embedded"]["osdi:people"]
    assert first["identifiers"] == [f"campaign_desk:{ana}"]
    assert (first["given_name"], first["family_name"]) == ("Ana", "Reyes")
    assert first["email_addresses"] == [
        {"primary": True, "address": "ana@example.org", "status": "subscribed"}
    ]
    assert first["postal_addresses"] == [
        {"primary": True, "postal_code": "90012", "country": "US", "locality": "Los Angeles", "region": "CA"}
    ]
    assert first["languages_spoken"] == ["es"]
    assert first["modified_date"] == "2026-03-02T09:00:00Z"
    assert "family_name" not in second  # unknown fields are left out
    assert second["email_addresses"][0]["status"] == "unsubscribed"  # never asked
    assert [link["href"] for link in body["_links"]["osdi:people"]] == [
        f"http://localhost/api/v1/people/{ana}",
        f"http://localhost/api/v1/people/{ben}",
    ]
    assert "next" not in body["_links"] and "prev" not in body["_links"]


def test_a_bounced_subscribed_address_is_bouncing(db, coalition, add_people, make_key, call):
    ana, _ = add_people(coalition)
    suppression.suppress(coalition.id, "ana@example.org", "bounced: 550")
    db.session.commit()
    body = call(f"/api/v1/people/{ana}", make_key(coalition)).get_json()
    assert body["email_addresses"][0]["status"] == "bouncing"


def test_erased_people_are_never_returned(db, coalition, add_people, make_key, call):
    ana, ben = add_people(coalition)
    supporters.erase_supporter_data("ana@example.org")
    db.session.commit()
    token = make_key(coalition)
    body = call("/api/v1/people", token).get_json()
    assert [p["identifiers"] for p in body["_embedded"]["osdi:people"]] == [[f"campaign_desk:{ben}"]]
    assert body["total_records"] == 1
    assert call(f"/api/v1/people/{ana}", token).status_code == 404


def test_paging_walks_every_person_once_and_its_edges(db, coalition, add_people, make_key, call):
    people = [{"email": f"p{n}@example.org", "first_name": f"P{n}", "language": "en"} for n in range(7)]
    ids = add_people(coalition, people)
    token = make_key(coalition)
    seen, path, params = [], "/api/v1/people", {"per_page": 3}
    while path:
        body = call(path, token, **params).get_json()
        assert "_embedded" in body, (path, body)
        seen += [p["identifiers"][0] for p in body["_embedded"]["osdi:people"]]
        assert body["total_pages"] == 3 and body["total_records"] == 7
        path, params = body["_links"].get("next", {}).get("href", "").removeprefix("http://localhost"), {}
    assert seen == [f"campaign_desk:{each}" for each in ids]
    last = call("/api/v1/people", token, page=3, per_page=3).get_json()
    assert "next" not in last["_links"]
    assert last["_links"]["prev"]["href"] == "http://localhost/api/v1/people?page=2&per_page=3"
    past = call("/api/v1/people", token, page=10**40, per_page=3).get_json()
    assert past["_embedded"]["osdi:people"] == [] and past["_links"]["prev"]["href"].endswith(
        "page=3&per_page=3"
    )
    assert call("/api/v1/people", token, per_page=500).get_json()["per_page"] == 25
    for bad in ({"page": 0}, {"page": -1}, {"per_page": 0}, {"page": "two"}, {"per_page": "9" * 5000}):
        response = call("/api/v1/people", token, **bad)
        assert response.status_code == 400 and "error" in response.get_json(), bad


def test_an_empty_coalition_has_no_pages(coalition, make_key, call):
    body = call("/api/v1/people", make_key(coalition)).get_json()
    assert (body["total_pages"], body["total_records"], body["_embedded"]["osdi:people"]) == (0, 0, [])


@pytest.mark.parametrize(
    ("condition", "found"),
    [
        ("modified_date gt '2026-03-01'", 1),
        ("modified_date gt '2026-03-02T09:00:00Z'", 0),
        ("modified_date lt '2026-03-02T10:00:00+01:00'", 0),  # 09:00 UTC: not before it
        ("modified_date lt '2026-03-02T10:00:01+01:00'", 1),
        ("modified_date lt '2026-03-03'", 1),
        ("modified_date eq '2026-03-02'", 1),
        ("modified_date eq '2026-03-02T09:00:00'", 1),
        ("modified_date eq '2026-03-01'", 0),
        ("  modified_date   gt   '2014-03-25'  ", 1),
        ("modified_date eq '9999-12-31'", 0),
    ],
)
def test_the_modified_date_filter(coalition, add_people, make_key, call, condition, found):
    add_people(coalition, [{"email": "a@example.org", "first_name": "A", "language": "en"}])
    response = call("/api/v1/people", make_key(coalition), filter=condition)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total_records"] == found
    assert body["_links"]["self"]["href"].startswith("http://localhost/api/v1/people?filter=")


@pytest.mark.parametrize(
    "condition",
    [
        "given_name eq 'Ana'",
        "modified_date ge '2026-03-01'",
        "modified_date gt 2026-03-01",
        "modified_date gt 'yesterday'",
        "modified_date gt '0001-01-01T00:00:00+01:00'",
        "modified_date gt '2026-03-01' or 1 eq 1",
        "modified_date gt '2026-03-01\x00'",
        "modified_date gt '2026-03-01'\r\nX-Injected: 1",
        "modified_date gt '" + "9" * 10_000 + "'",
        "",
    ],
)
def test_other_filters_are_refused_with_a_json_400(coalition, make_key, call, condition):
    response = call("/api/v1/people", make_key(coalition), filter=condition)
    assert response.status_code == 400
    assert response.is_json and set(response.get_json()) == {"error"}
    assert "X-Injected" not in response.headers


def test_a_read_counts_or_write_key_gets_no_personal_data(coalition, add_people, make_key, call):
    ana, _ = add_people(coalition)
    for scope in (Scope.READ_COUNTS, Scope.WRITE):
        token = make_key(coalition, scope)
        for path in ("/api/v1/people", f"/api/v1/people/{ana}"):
            response = call(path, token)
            assert response.status_code == 403 and response.is_json, (scope, path)
            assert "ana" not in response.get_data(as_text=True).lower()
        entry = call("/api/v1/", token).get_json()
        assert "osdi:people" not in entry["_links"]


def test_a_key_reaches_its_own_coalition_only(db, coalition, add_people, make_key, call, make_user, client):
    from campaign.coalitions import services as coalitions

    ana, ben = add_people(coalition)
    other = coalitions.create_coalition(make_user(email="b@example.org"), "Coalition B", "", "Fresno")
    db.session.commit()
    (own,) = add_people(other, [{"email": "cy@example.org", "first_name": "Cy", "language": "en"}])
    token_b = make_key(other)
    for person_id in (ana, ben):
        response = call(f"/api/v1/people/{person_id}", token_b)
        assert response.status_code == 404 and response.get_json() == {"error": "Not found"}
    body = call("/api/v1/people", token_b).get_json()
    assert [p["identifiers"] for p in body["_embedded"]["osdi:people"]] == [[f"campaign_desk:{own}"]]
    assert call(f"/api/v1/people/{own}", token_b).status_code == 200
    assert call("/api/v1/people/99999999999", token_b).status_code == 404  # beyond an INTEGER


def test_every_personal_data_call_is_logged_with_its_key(db, coalition, add_people, make_key, call):
    ana, _ = add_people(coalition)
    token = make_key(coalition)
    key_id = db.session.scalar(select(ApiKey.id))
    call("/api/v1/people", token)
    call(f"/api/v1/people/{ana}", token)
    call("/api/v1/people", token, filter="nonsense")  # refused: nothing handed out
    call("/api/v1/", token)  # no personal data
    logged = db.session.execute(
        select(
            ExportLog.coalition_id,
            ExportLog.user_id,
            ExportLog.api_key_id,
            ExportLog.what,
            ExportLog.row_count,
        ).order_by(ExportLog.id)
    ).all()
    assert logged == [
        (coalition.id, None, key_id, "api:people", 2),
        (coalition.id, None, key_id, f"api:people:{ana}", 1),
    ]
    assert db.session.get(ApiKey, key_id).last_used_at is not None


def test_revoked_expired_unknown_and_missing_keys_get_a_json_401(db, coalition, add_people, make_key, call):
    add_people(coalition)
    revoked, expired, fine = make_key(coalition), make_key(coalition), make_key(coalition)
    keys.revoke(keys.usable_key(revoked, utcnow()), utcnow())
    db.session.execute(
        update(ApiKey).where(ApiKey.token_hash == keys.token_hash(expired)).values(expires_at=utcnow())
    )
    db.session.commit()
    for token in (None, "", revoked, expired, fine + "x", fine[:-1], "x" * 10_000, fine + "\x00"):
        for path in ("/api/v1/", "/api/v1/people", "/api/v1/people/1"):
            response = call(path, token)
            assert response.status_code == 401, (token[:20] if token else token, path)
            assert response.get_json() == {"error": "API Key invalid or not present"}
    assert call("/api/v1/people", fine).status_code == 200


def test_a_key_works_through_its_last_day(db, coalition, make_key, call):
    token = make_key(coalition, last_day=date.today() + timedelta(days=1))
    assert call("/api/v1/", token).status_code == 200


def test_a_header_split_by_crlf_is_refused_not_obeyed(app, coalition, make_key):
    token = make_key(coalition)
    environ = {"HTTP_OSDI_API_TOKEN": token + "\r\nX-Injected: 1"}
    with app.test_client() as client:
        response = client.get("/api/v1/people", environ_base=environ)
    assert response.status_code == 401 and "X-Injected" not in response.headers


def test_the_rate_limit_answers_429_with_retry_after(app, coalition, make_key, call, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    token, other = make_key(coalition), make_key(coalition, name="Other")
    assert [call("/api/v1/", token).status_code for _ in range(3)] == [200] * 3
    response = call("/api/v1/people", token)
    assert response.status_code == 429 and response.is_json
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert call("/api/v1/", other).status_code == 200  # per key


def test_calls_without_a_usable_key_are_limited_per_address(app, coalition, make_key, call, monkeypatch):
    """Someone trying tokens is slowed down; a good key from the same address still works."""
    monkeypatch.setitem(app.config, "API_REFUSED_LIMIT", "5 per minute")
    token = make_key(coalition)
    answers = [call("/api/v1/people", f"cdk_guess{n}").status_code for n in range(7)]
    assert answers == [401] * 5 + [429] * 2
    refused = call("/api/v1/people", "cdk_guess")
    assert refused.is_json and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert call("/api/v1/people", token).status_code == 200


def test_the_rate_limit_still_counts_while_redis_is_down(
    limits_storage_down, app, coalition, make_key, call, monkeypatch
):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    token = make_key(coalition)
    assert [call("/api/v1/", token).status_code for _ in range(3)] == [200, 200, 429]


def test_the_entry_point_links_people_for_a_people_key(coalition, make_key, call):
    response = call("/api/v1/", make_key(coalition))
    body = response.get_json()
    assert response.mimetype == "application/hal+json"
    assert body["max_page_size"] == 25 and body["osdi_version"] == "1.1.1"
    assert body["_links"]["osdi:people"]["href"] == "http://localhost/api/v1/people"
    readable = {rel for rel, _, _, scope in LINKS if scope in Scope.READ_PEOPLE.grants}
    assert set(body["_links"]) == {"curies", "self", "docs"} | readable


def test_api_answers_set_no_cookie_and_are_never_cached(coalition, add_people, make_key, call, client):
    token = make_key(coalition)
    client.delete_cookie("session")
    for path in ("/api/v1/", "/api/v1/people", "/api/v1/people/1", "/api/v1/nowhere", "/api/v1/openapi.json"):
        response = call(path, token)
        assert "Set-Cookie" not in response.headers, path
        assert response.headers["Cache-Control"] == "no-store", path


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/api/v1/nowhere", 404),
        ("GET", "/api/v1/people/abc", 404),
        ("POST", "/api/v1/people/1", 405),
        ("DELETE", "/api/v1/", 405),
        ("PUT", "/api/v1/openapi.json", 405),
    ],
)
def test_errors_under_the_api_are_json(coalition, make_key, client, method, path, code):
    response = client.open(path, method=method, headers={"OSDI-API-Token": make_key(coalition)})
    assert response.status_code == code
    assert response.is_json and set(response.get_json()) == {"error"}
    if code == 405:
        assert "GET" in response.headers["Allow"]


def test_a_crash_under_the_api_is_a_json_500(app, coalition, make_key, client, monkeypatch):
    from campaign.api import people

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(people, "page_of_people", lambda *a: 1 / 0)
    response = client.get("/api/v1/people", headers={"OSDI-API-Token": make_key(coalition)})
    assert response.status_code == 500
    assert response.get_json() == {"error": "Internal server error"}


def test_pages_elsewhere_keep_their_html_errors(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert client.delete("/accounts/login").mimetype == "text/html"


def test_modified_date_follows_changes_to_the_record(db, coalition, add_people, make_key, call):
    ana, _ = add_people(coalition)
    db.session.get(Supporter, ana).first_name = "Ana María"
    db.session.commit()
    body = call(
        "/api/v1/people", make_key(coalition), filter=f"modified_date gt '{MODIFIED.isoformat()}'"
    ).get_json()
    assert [p["given_name"] for p in body["_embedded"]["osdi:people"]] == ["Ana María"]


def test_every_api_route_taking_an_id_answers_404_to_another_coalitions_key(
    app, db, coalition, add_people, make_key, call, make_user, make_coalition
):
    """The access walk of the API: read from app.url_map, so later resources are walked too
    (give their ids below)."""
    ana, _ = add_people(coalition)
    ids_of_a = {"person_id": ana}
    ids_of_a |= events_world.walk_ids(coalition)
    ids_of_a |= add_records(coalition, [ana])
    ids_of_a |= confirmed_signature(coalition)
    other = make_coalition(make_user(email="b@example.org"), name="Coalition B")
    token_b = make_key(other, Scope.READ_PEOPLE)
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/") and r.arguments]
    assert rules
    for rule in rules:
        assert rule.arguments <= set(ids_of_a), f"give an id of coalition A for {rule.rule}"
        with app.test_request_context():
            path = url_for(rule.endpoint, **{name: ids_of_a[name] for name in rule.arguments})
        response = call(path, token_b)
        assert response.status_code == 404 and response.is_json, path
