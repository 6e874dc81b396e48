"""The organizer team: adding accounts, changing roles, removing, and the owner rules."""

from sqlalchemy import select

from campaign.coalitions.models import CoalitionRole, Role

TEAM = "/coalitions/ice-out-of-la/team"


def role_of(db, user):
    return db.session.scalar(select(CoalitionRole.role).where(CoalitionRole.user_id == user.id))


def teammate_id(db, user):
    return db.session.scalar(select(CoalitionRole.id).where(CoalitionRole.user_id == user.id))


def test_add_existing_account_with_a_role(client, db, owner, make_coalition, make_user):
    make_coalition(owner)
    rosa = make_user(email="rosa@example.org", name="Rosa")
    response = client.post(TEAM, data={"email": "Rosa@Example.org", "role": Role.ADMIN.value})
    assert response.status_code == 302
    assert role_of(db, rosa) == Role.ADMIN
    page = client.post(TEAM, data={"email": "rosa@example.org", "role": Role.VIEWER.value}).get_data(
        as_text=True
    )
    assert "already on this coalition" in page


def test_add_unknown_account_is_explained_and_keeps_input(client, db, owner, make_coalition):
    make_coalition(owner)
    page = client.post(TEAM, data={"email": "nobody@example.org", "role": Role.ADMIN.value}).get_data(
        as_text=True
    )
    assert "No organizer account uses nobody@example.org" in page
    assert 'value="nobody@example.org"' in page
    assert f'<option selected value="{Role.ADMIN.value}">' in page
    bad = client.post(TEAM, data={"email": "not an email", "role": Role.ADMIN.value}).get_data(as_text=True)
    assert "Enter an email address like" in bad and 'value="not an email"' in bad


def test_last_owner_cannot_be_demoted_or_removed(client, db, owner, make_coalition):
    make_coalition(owner)
    mine = teammate_id(db, owner)
    page = client.post(f"{TEAM}/{mine}/role", data={f"t{mine}-role": Role.ADMIN.value}, follow_redirects=True)
    assert "needs at least one owner" in page.get_data(as_text=True)
    page = client.post(f"{TEAM}/{mine}/remove", follow_redirects=True)
    assert "needs at least one owner" in page.get_data(as_text=True)
    assert role_of(db, owner) == Role.OWNER


def test_owner_can_hand_over_then_step_down(client, db, owner, make_coalition, add_teammate):
    coalition = make_coalition(owner)
    rosa = add_teammate(coalition, Role.ADMIN, "rosa@example.org")
    rosa_id, mine = teammate_id(db, rosa), teammate_id(db, owner)
    client.post(f"{TEAM}/{rosa_id}/role", data={f"t{rosa_id}-role": Role.OWNER.value})
    assert role_of(db, rosa) == Role.OWNER
    response = client.post(f"{TEAM}/{mine}/role", data={f"t{mine}-role": Role.VIEWER.value})
    assert response.headers["Location"] == "/coalitions/ice-out-of-la"  # no longer sees the team page
    assert role_of(db, owner) == Role.VIEWER


def test_only_owners_grant_or_change_the_owner_role(
    client, db, make_user, login, make_coalition, add_teammate
):
    founder = make_user(email="founder@example.org")
    coalition = make_coalition(founder)
    add_teammate(coalition, Role.ADMIN, "admin@example.org")
    viewer = add_teammate(coalition, Role.VIEWER, "viewer@example.org")
    login("admin@example.org")
    viewer_id, founder_id = teammate_id(db, viewer), teammate_id(db, founder)
    page = client.post(
        f"{TEAM}/{viewer_id}/role", data={f"t{viewer_id}-role": Role.OWNER.value}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Only an owner can" in page
    client.post(f"{TEAM}/{founder_id}/role", data={f"t{founder_id}-role": Role.VIEWER.value})
    client.post(f"{TEAM}/{founder_id}/remove")
    assert role_of(db, founder) == Role.OWNER
    client.post(TEAM, data={"email": "new@example.org", "role": Role.OWNER.value})
    make_user(email="new@example.org")
    page = client.post(TEAM, data={"email": "new@example.org", "role": Role.OWNER.value}).get_data(
        as_text=True
    )
    assert "Only an owner can" in page
    client.post(f"{TEAM}/{viewer_id}/role", data={f"t{viewer_id}-role": Role.ORGANIZER.value})
    assert role_of(db, viewer) == Role.ORGANIZER
    client.post(f"{TEAM}/{viewer_id}/remove")
    assert role_of(db, viewer) is None


def test_viewer_cannot_invite_and_organizer_cannot_manage_team(
    client, db, make_user, login, make_coalition, add_teammate
):
    coalition = make_coalition(make_user(email="founder@example.org"))
    add_teammate(coalition, Role.VIEWER, "viewer@example.org")
    organizer = add_teammate(coalition, Role.ORGANIZER, "organizer@example.org")
    login("viewer@example.org")
    assert client.get("/coalitions/ice-out-of-la").status_code == 200
    assert client.get("/coalitions/ice-out-of-la/members").status_code == 200
    assert client.get("/coalitions/ice-out-of-la/members/invite").status_code == 403
    assert client.post("/coalitions/ice-out-of-la/members/invite", data={}).status_code == 403
    client.post("/accounts/logout")
    login("organizer@example.org")
    assert client.get("/coalitions/ice-out-of-la/members/invite").status_code == 200
    assert client.get(TEAM).status_code == 403
    assert client.post(TEAM, data={"email": "x@example.org", "role": Role.OWNER.value}).status_code == 403
    mine = teammate_id(db, organizer)
    assert client.post(f"{TEAM}/{mine}/role", data={f"t{mine}-role": Role.OWNER.value}).status_code == 403
    assert role_of(db, organizer) == Role.ORGANIZER
