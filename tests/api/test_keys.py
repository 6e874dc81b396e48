"""The API keys page: owners and admins create, list and revoke keys; a key is shown once."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from campaign.api.models import ApiKey, Scope
from campaign.coalitions.models import Role

TOKEN = re.compile(r'id="new-key-token"[^>]*>(cdk_[A-Za-z0-9_-]{43})<')


def page(coalition):
    return f"/coalitions/{coalition.slug}/api-keys"


def test_an_owner_creates_a_key_seen_once_and_stored_only_as_a_hash(db, client, coalition):
    response = client.post(page(coalition), data={"name": "Action Network sync", "scope": "read:people"})
    assert response.status_code == 201
    token = TOKEN.search(response.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/people", headers={"OSDI-API-Token": token}).status_code == 200
    listed = client.get(page(coalition)).get_data(as_text=True)
    assert "Action Network sync" in listed and token not in listed and token[:10] in listed
    assert "Set-Cookie" not in response.headers or token not in response.headers["Set-Cookie"]
    key = db.session.scalar(select(ApiKey))
    assert (key.scope, key.expires_at, key.created_by.email) == (
        Scope.READ_PEOPLE,
        None,
        "organizer@example.org",
    )
    # No column of any table holds the token, whole or in part beyond its shown prefix.
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            assert not any(token[10:] in str(value) for value in row), table.name


def test_a_key_with_a_last_day_expires_after_it(db, client, coalition):
    tomorrow = date.today() + timedelta(days=1)
    client.post(
        page(coalition), data={"name": "Short", "scope": "read:counts", "expires_on": tomorrow.isoformat()}
    )
    key = db.session.scalar(select(ApiKey))
    assert key.last_day == tomorrow
    assert f"Works until {tomorrow.isoformat()}" in client.get(page(coalition)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "scope": "read:people"}, "Name the key after what will use it."),
        ({"name": "x" * 10_000, "scope": "read:people"}, "x" * 200),
        ({"name": "Sync", "scope": "admin"}, "Sync"),
        ({"name": "Sync"}, "Choose what the key may do."),
        (
            {"name": "Sync", "scope": "write", "expires_on": date.today().isoformat()},
            "Choose a day after today",
        ),
        ({"name": "Sync", "scope": "write", "expires_on": "tomorrow"}, "Sync"),
        ({"name": "<b>Sync</b>", "scope": "write"}, "Use plain text here"),
        ({"name": "Sync\x00\r\n", "scope": "read:counts\x00"}, "Sync"),
    ],
)
def test_bad_input_is_refused_keeping_what_was_typed(db, client, coalition, data, error):
    response = client.post(page(coalition), data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert error in body and 'class="error-summary"' in body
    assert db.session.scalar(select(ApiKey)) is None


ONCE = re.compile(r'name="once" type="hidden" value="([^"]+)"')


def test_a_double_click_on_create_makes_one_key_and_says_so_without_the_token(db, client, coalition):
    """The same form sent twice (a double click, a reload) carries the same one-time key."""
    form = {
        "name": "Sync",
        "scope": "read:people",
        "once": ONCE.search(client.get(page(coalition)).text).group(1),
    }
    first = client.post(page(coalition), data=form)
    assert first.status_code == 201 and TOKEN.search(first.text)
    again = client.post(page(coalition), data=form)
    assert again.status_code == 200 and not TOKEN.search(again.text)
    assert "The key “Sync” was already made by your first click" in again.text
    (key,) = db.session.scalars(select(ApiKey)).all()
    assert key.prefix in again.text  # listed, to revoke if it was not copied
    # The empty form under a new key carries a key of its own: a second key on purpose is made.
    assert ONCE.search(first.text).group(1) != form["once"]
    another = client.post(page(coalition), data=form | {"once": ONCE.search(first.text).group(1)})
    assert another.status_code == 201 and len(db.session.scalars(select(ApiKey)).all()) == 2


def test_revoking_stops_the_key_and_a_second_click_changes_nothing(db, client, coalition):
    created = client.post(page(coalition), data={"name": "Sync", "scope": "read:people"})
    token = TOKEN.search(created.get_data(as_text=True)).group(1)
    key = db.session.scalar(select(ApiKey))
    revoke = f"{page(coalition)}/{key.id}/revoke"
    assert client.post(revoke).status_code == 302
    first = db.session.get(ApiKey, key.id).revoked_at
    assert client.post(revoke).status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiKey, key.id).revoked_at == first is not None
    assert client.get("/api/v1/", headers={"OSDI-API-Token": token}).status_code == 401
    assert "Revoked" in client.get(page(coalition)).get_data(as_text=True)


def test_an_admin_manages_keys_and_organizers_and_viewers_get_403(client, coalition, add_teammate, login):
    for role, status in ((Role.ADMIN, 200), (Role.ORGANIZER, 403), (Role.VIEWER, 403)):
        email = f"{role.name.lower()}-mate@example.org"
        add_teammate(coalition, role, email)
        login(email)
        assert client.get(page(coalition)).status_code == status, role
        posted = client.post(page(coalition), data={"name": "Mine", "scope": "read:people"})
        assert posted.status_code == (201 if status == 200 else 403), role


def test_another_coalition_gets_404_and_cannot_revoke_its_keys(
    db, client, coalition, make_key, make_user, login, make_coalition
):
    make_key(coalition)
    key = db.session.scalar(select(ApiKey))
    outsider = make_user(email="b@example.org")
    own = make_coalition(outsider, name="Coalition B")
    login("b@example.org")
    assert client.get(page(coalition)).status_code == 404
    assert client.post(f"{page(coalition)}/{key.id}/revoke").status_code == 404
    assert client.post(f"{page(own)}/{key.id}/revoke").status_code == 404
    assert db.session.get(ApiKey, key.id).revoked_at is None


def test_the_page_is_linked_from_the_coalition_nav_for_admins(client, coalition):
    overview = client.get(f"/coalitions/{coalition.slug}").get_data(as_text=True)
    assert f'href="{page(coalition)}"' in overview


def test_the_page_speaks_spanish(client, coalition):
    client.get("/language/es")
    body = client.get(page(coalition)).get_data(as_text=True)
    assert "Claves de la API" in body and "Crear la clave" in body


@pytest.mark.parametrize("change", ["demoted", "removed"])
def test_a_key_stops_when_its_maker_is_no_longer_an_admin(db, client, coalition, add_teammate, login, change):
    """The second actor here is the coalition itself: it removes an admin, who kept a copy of
    the key they made. The key stops at once, says why on the page, and a current admin's works."""
    from campaign.coalitions.models import CoalitionRole

    maker = add_teammate(coalition, Role.ADMIN, "maker@example.org")
    login("maker@example.org")
    token = TOKEN.search(
        client.post(page(coalition), data={"name": "Maker's sync", "scope": "read:people"}).get_data(
            as_text=True
        )
    ).group(1)
    assert client.get("/api/v1/people", headers={"OSDI-API-Token": token}).status_code == 200
    role = db.session.scalar(select(CoalitionRole).where(CoalitionRole.user_id == maker.id))
    if change == "demoted":
        role.role = Role.ORGANIZER
    else:
        db.session.delete(role)
    db.session.commit()
    assert client.get("/api/v1/people", headers={"OSDI-API-Token": token}).status_code == 401
    login("organizer@example.org")  # the owner
    listed = client.get(page(coalition)).get_data(as_text=True)
    assert "Stopped" in listed and "stopped being an admin" in listed
    owners = TOKEN.search(
        client.post(page(coalition), data={"name": "Owner's sync", "scope": "read:people"}).get_data(
            as_text=True
        )
    ).group(1)
    assert client.get("/api/v1/people", headers={"OSDI-API-Token": owners}).status_code == 200


def test_a_reading_view_keeps_the_keys_last_use_and_a_refused_scope_does_not(db, coalition, make_key, call):
    """key_required commits the last use itself: a view that writes nothing (the letters list)
    still leaves it saved; a key its scope refuses (a write key reading) is not marked used."""
    reader, writer = make_key(coalition, Scope.READ_COUNTS), make_key(coalition, Scope.WRITE)
    assert call("/api/v1/letters", reader).status_code == 200
    assert call("/api/v1/letters", writer).status_code == 403
    db.session.rollback()
    used = dict(db.session.execute(select(ApiKey.scope, ApiKey.last_used_at)).all())
    assert used[Scope.READ_COUNTS] is not None
    assert used[Scope.WRITE] is None
