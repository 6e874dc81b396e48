"""Team invitations tried as a removed admin, a spammer and an erased person would."""

from datetime import timedelta

from sqlalchemy import func, select

from campaign.coalitions.models import CoalitionRole, Role, TeamInvitation
from campaign.coalitions.tasks import delete_old_team_invitations
from campaign.core.outbox import utcnow
from tests.coalitions.conftest import through_a_mail_outage
from tests.pages import click_confirm, text_of
from tests.petitions.conftest import make_petition  # noqa: F401 (fixture)
from tests.petitions.conftest import sign_form as petition_sign_form

ROSA = "rosa@example.org"


def relative(link: str) -> str:
    return link.replace("http://localhost", "")


def team_size(db) -> int:
    return db.session.scalar(select(func.count()).select_from(CoalitionRole))


def rogue_admin_invites_a_sock(client, db, coalition, make_user, login, mailbox, role=Role.ADMIN):
    rogue = make_user(email="rogue@example.org", name="Rogue")
    db.session.add(CoalitionRole(coalition=coalition, user=rogue, role=Role.ADMIN))
    db.session.commit()
    client.post("/accounts/logout")
    login("rogue@example.org")
    client.post(f"/coalitions/{coalition.slug}/team", data={"email": "sock@example.org", "role": role.value})
    return rogue, relative(mailbox.last_link("sock@example.org", "/team-invitations/"))


def sock_accepts(client, make_user, login, link):
    make_user(email="sock@example.org", name="Sock")
    client.post("/accounts/logout")
    login("sock@example.org")
    return client.post(link + "/accept", follow_redirects=True)


def test_a_removed_admins_pending_invitation_no_longer_grants_a_role(
    client, db, coalition, make_user, login, mailbox
):
    rogue, link = rogue_admin_invites_a_sock(client, db, coalition, make_user, login, mailbox)
    # The owner removes the rogue admin, straight in the database as an outside change would...
    db.session.delete(db.session.scalar(select(CoalitionRole).where(CoalitionRole.user_id == rogue.id)))
    db.session.commit()
    # ...and the sock puppet's link, sent before, grants nothing.
    page = sock_accepts(client, make_user, login, link)
    assert "the person who sent it can no longer give this role" in text_of(page)
    assert team_size(db) == 1


def test_removing_or_demoting_an_admin_through_the_team_page_withdraws_their_invitations(
    client, db, coalition, make_user, login, mailbox
):
    rogue, link = rogue_admin_invites_a_sock(client, db, coalition, make_user, login, mailbox)
    client.post(f"/coalitions/{coalition.slug}/team", data={"email": "viewer@example.org", "role": "10"})
    client.post("/accounts/logout")
    login()  # the owner
    rogue_row = db.session.scalar(select(CoalitionRole).where(CoalitionRole.user_id == rogue.id))
    client.post(
        f"/coalitions/{coalition.slug}/team/{rogue_row.id}/role", data={f"t{rogue_row.id}-role": "20"}
    )
    db.session.expire_all()
    assert rogue_row.role == Role.ORGANIZER
    assert db.session.scalar(select(func.count()).select_from(TeamInvitation)) == 0
    assert "This invitation link is invalid" in text_of(sock_accepts(client, make_user, login, link))
    assert team_size(db) == 2


def test_an_accepted_team_invitation_keeps_no_address(client, db, coalition, make_user, login, mailbox):
    client.post(f"/coalitions/{coalition.slug}/team", data={"email": "sock@example.org", "role": "20"})
    link = relative(mailbox.last_link("sock@example.org", "/team-invitations/"))
    sock_accepts(client, make_user, login, link)
    assert team_size(db) == 2
    assert db.session.scalar(select(func.count()).select_from(TeamInvitation)) == 0


def test_an_unanswered_team_invitation_is_deleted_once_its_link_has_expired(client, db, coalition):
    for email in ("old@example.org", "new@example.org"):
        client.post(f"/coalitions/{coalition.slug}/team", data={"email": email, "role": "10"})
    old = db.session.scalars(select(TeamInvitation).order_by(TeamInvitation.id)).first()
    old.created_at = utcnow() - timedelta(days=15)
    db.session.commit()
    assert delete_old_team_invitations() == 1  # the daily beat job, INVITATION_MAX_AGE_DAYS = 14
    assert [i.email for i in db.session.scalars(select(TeamInvitation))] == ["new@example.org"]


def test_an_erased_persons_address_leaves_the_team_invitations_too(
    app,
    client,
    coalition,
    make_petition,  # noqa: F811
    db,
    mailbox,
):
    from tests.traces import traces

    petition = make_petition()
    client.post(f"/coalitions/{coalition.slug}/team", data={"email": ROSA, "role": "10"})
    signer = app.test_client()
    signer.post(f"/petitions/{petition.slug}/sign", data=petition_sign_form(signer, petition, email=ROSA))
    click_confirm(signer, relative(mailbox.last_link(ROSA, "/petitions/confirm/")))
    signer.post("/privacy/request", data={"email": ROSA, "kind": "erasure"}).close()
    signer.post(relative(mailbox.last_link(ROSA, "/privacy/confirm/")))
    db.session.expire_all()
    assert traces(db, {"email": ROSA}) == []


def test_an_admin_cannot_flood_any_inbox_with_team_invitations(client, db, coalition, mailbox):
    """Anyone can sign up, create a coalition named as they like and 'invite' any address."""
    for _ in range(10):
        client.post(f"/coalitions/{coalition.slug}/team", data={"email": "victim@example.org", "role": "10"})
    assert len(mailbox.to("victim@example.org")) <= 3


def test_team_invitation_links_of_many_coalitions_flood_one_inbox(client, db, owner, make_coalition, mailbox):
    for number in range(12):
        made = make_coalition(owner, name=f"Spam {number}")
        client.post(f"/coalitions/{made.slug}/team", data={"email": "victim@example.org", "role": "10"})
    assert len(mailbox.to("victim@example.org")) == 10  # EMAILS_PER_RECIPIENT


def test_a_coalition_cannot_invite_half_the_internet_in_a_day(app, client, db, coalition, mailbox):
    app.config["TEAM_INVITATIONS_PER_COALITION"] = "2 per day"
    for number in range(2):
        response = client.post(
            f"/coalitions/{coalition.slug}/team", data={"email": f"person{number}@example.org", "role": "10"}
        )
        assert response.status_code == 302
    refused = client.post(
        f"/coalitions/{coalition.slug}/team", data={"email": "third@example.org", "role": "10"}
    )
    assert refused.status_code == 200
    assert "as many team invitations as it may today" in text_of(refused)
    assert 'value="third@example.org"' in refused.get_data(as_text=True)
    assert mailbox.to("third@example.org") == []


def test_a_team_invitation_sent_while_the_mail_server_is_down_arrives_once_it_is_back(
    app, client, db, coalition, mailbox
):
    # More failed attempts than the address may receive invitations from one coalition a day:
    # a failed send must not count towards that cap, or the retry is refused and the mail lost.
    invite = lambda: client.post(  # noqa: E731
        f"/coalitions/{coalition.slug}/team", data={"email": "sock@example.org", "role": "20"}
    )
    through_a_mail_outage(app, db, invite, failed_sends=4)
    assert len(mailbox.to("sock@example.org")) == 1


def test_with_redis_down_an_admin_still_invites_and_the_invitation_arrives(
    limits_storage_down, client, db, coalition, make_user, login, mailbox
):
    response = client.post(
        f"/coalitions/{coalition.slug}/team", data={"email": "sock@example.org", "role": "20"}
    )
    assert response.status_code == 302  # the coalition's and the recipient's caps count in this process
    link = relative(mailbox.last_link("sock@example.org", "/team-invitations/"))
    sock_accepts(client, make_user, login, link)
    assert team_size(db) == 2
