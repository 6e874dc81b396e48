"""The organizer team: invitations, changing roles, removing, and the owner rules."""

import re
from datetime import timedelta

from sqlalchemy import select

from campaign.accounts.models import User
from campaign.coalitions.models import CoalitionRole, Role, TeamInvitation

TEAM = "/coalitions/ice-out-of-la/team"


def role_of(db, user):
    return db.session.scalar(select(CoalitionRole.role).where(CoalitionRole.user_id == user.id))


def teammate_id(db, user):
    return db.session.scalar(select(CoalitionRole.id).where(CoalitionRole.user_id == user.id))


def invite(client, email, role=Role.ADMIN):
    return client.post(TEAM, data={"email": email, "role": role.value})


def invitation_path(mailbox, email):
    return mailbox.last_link(email, "/team-invitations/").replace("http://localhost", "")


def test_an_invited_account_joins_with_its_role_once_it_accepts(
    client, db, owner, make_coalition, make_user, login, mailbox
):
    make_coalition(owner)
    rosa = make_user(email="rosa@example.org", name="Rosa")
    assert invite(client, "Rosa@Example.org").status_code == 302
    assert role_of(db, rosa) is None  # nothing is granted before Rosa accepts
    page = client.get(TEAM).get_data(as_text=True)
    assert "Invitations not yet accepted" in page and "rosa@example.org" in page

    path = invitation_path(mailbox, "rosa@example.org")
    client.post("/accounts/logout")
    page = client.get(path).get_data(as_text=True)
    assert "log in with the email address this invitation was sent to" in page
    login("rosa@example.org")
    assert "Join the team" in client.get(path).get_data(as_text=True)
    response = client.post(f"{path}/accept")
    assert response.headers["Location"] == "/coalitions/ice-out-of-la"
    assert role_of(db, rosa) == Role.ADMIN
    assert client.get(path).status_code == 404  # used once

    client.post("/accounts/logout")
    login()
    assert "already on this coalition" in invite(client, "rosa@example.org").get_data(as_text=True)


def test_the_team_form_does_not_tell_whether_an_address_has_an_account(
    client, db, owner, make_coalition, make_user, mailbox
):
    make_coalition(owner)
    make_user(email="has-account@example.org")
    answers = []
    for email in ("has-account@example.org", "no-account@example.org"):
        response = invite(client, email)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        [flashed] = re.findall(r'<p class="flash flash-\w+">[^<]*</p>', page)
        answers.append(
            (response.status_code, response.headers["Location"], flashed.replace(email, "ADDRESS"))
        )
        assert len(mailbox.to(email)) == 1
    assert answers[0] == answers[1]
    # Both wait alike in the list of pending invitations.
    assert page.count("Withdraw the invitation") == 2


def test_bad_address_on_the_team_form_keeps_what_was_typed(client, db, owner, make_coalition):
    make_coalition(owner)
    bad = client.post(TEAM, data={"email": "not an email", "role": Role.ADMIN.value}).get_data(as_text=True)
    assert "Enter an email address like" in bad and 'value="not an email"' in bad
    assert f'<option selected value="{Role.ADMIN.value}">' in bad


def test_someone_else_cannot_use_a_teammates_invitation_link(
    client, db, owner, make_coalition, make_user, login, mailbox
):
    make_coalition(owner)
    invite(client, "rosa@example.org")
    path = invitation_path(mailbox, "rosa@example.org")
    mallory = make_user(email="mallory@example.org")
    client.post("/accounts/logout")
    login("mallory@example.org")
    assert "sent to another email address" in client.get(path).get_data(as_text=True)
    page = client.post(f"{path}/accept", follow_redirects=True).get_data(as_text=True)
    assert "sent to another email address" in page
    assert role_of(db, mallory) is None


def test_a_new_person_signs_up_then_accepts(client, db, owner, make_coalition, login, mailbox):
    make_coalition(owner)
    invite(client, "nuevo@example.org", Role.VIEWER)
    path = invitation_path(mailbox, "nuevo@example.org")
    client.post("/accounts/logout")
    client.post(
        "/accounts/signup",
        data={
            "name": "Nuevo",
            "email": "nuevo@example.org",
            "password": "a long password",
            "confirm": "a long password",
        },
    ).close()
    client.get(mailbox.last_link("nuevo@example.org", "/accounts/verify/").replace("http://localhost", ""))
    login("nuevo@example.org", "a long password")
    client.post(f"{path}/accept")
    nuevo = db.session.scalar(select(User).where(User.email == "nuevo@example.org"))
    assert role_of(db, nuevo) == Role.VIEWER


def test_a_withdrawn_or_old_invitation_link_no_longer_works(
    app, client, db, owner, make_coalition, make_user, login, mailbox
):
    make_coalition(owner)
    rosa = make_user(email="rosa@example.org")
    invite(client, "rosa@example.org")
    path = invitation_path(mailbox, "rosa@example.org")
    invitation = db.session.scalar(select(TeamInvitation))
    client.post(f"{TEAM}/invitations/{invitation.id}/revoke")
    assert "Invitations not yet accepted" not in client.get(TEAM).get_data(as_text=True)
    invite(client, "rosa@example.org")
    fresh = invitation_path(mailbox, "rosa@example.org")
    db.session.scalar(select(TeamInvitation)).created_at -= timedelta(days=15)
    db.session.commit()
    client.post("/accounts/logout")
    login("rosa@example.org")
    for link in (path, fresh):
        assert client.get(link).status_code == 404
        assert client.post(f"{link}/accept").status_code == 404
    assert role_of(db, rosa) is None


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


def test_removing_a_teammate_says_who_left_the_team(client, db, owner, make_coalition, add_teammate):
    """As in production, the request loads the teammate afresh: its user is not loaded yet when
    the row is deleted (the fuzz found this answering 500)."""
    coalition = make_coalition(owner)
    rosa_id = teammate_id(db, add_teammate(coalition, Role.ADMIN, "rosa@example.org"))
    db.session.expire_all()  # the test's session is the request's: forget what it loaded
    page = client.post(f"{TEAM}/{rosa_id}/remove", follow_redirects=True)
    assert page.status_code == 200
    assert "Rosa is no longer on the team." in page.get_data(as_text=True)


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
