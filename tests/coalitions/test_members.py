"""Member organizations: invite by email, accept, decline, leave, remove, duplicates, profiles."""

import re

from sqlalchemy import select, text

from campaign.coalitions import services
from campaign.coalitions.models import Membership, MembershipStatus
from campaign.coalitions.tokens import invitation_token
from campaign.core.outbox import dispatch_committed
from campaign.organizations.models import Organization
from campaign.organizations.services import create_organization

INVITE = "/coalitions/ice-out-of-la/members/invite"


def invite_form(**values):
    data = {"organization_name": "CHIRLA", "contact_email": "angelica@chirla.example", "sector": "grassroots"}
    data.update(values)
    return data


def link_path(mailbox, address):
    return mailbox.last_link(address, "/invitations/").replace("http://localhost", "")


def test_invite_accept_and_public_listing(client, db, owner, make_coalition, mailbox):
    make_coalition(owner)
    form = client.get(INVITE).get_data(as_text=True)
    assert ">Organization name<" in form and ">Contact email<" in form and 'value="Send invitation"' in form
    response = client.post(
        INVITE,
        data=invite_form(city="Los Angeles", state="california", website="chirla.org", message="Join us!"),
    )
    assert response.status_code == 302
    organization = db.session.scalar(select(Organization))
    assert (organization.state, organization.website) == ("CA", "https://chirla.org")

    message = mailbox.to("angelica@chirla.example")[-1]
    assert "CHIRLA" in message["Subject"] and "ICE Out of LA" in message["Subject"]
    assert "Join us!" in message.get_body(preferencelist=("plain",)).get_content()
    path = link_path(mailbox, "angelica@chirla.example")

    client.post("/accounts/logout")
    page = client.get(path).get_data(as_text=True)
    assert "ICE Out of LA" in page and "Ending deportations." in page
    assert "Accept" in page and "Decline" in page and 'name="csrf_token"' in page
    client.post(path + "/accept")
    assert db.session.scalar(select(Membership.status)) == MembershipStatus.ACTIVE
    public = client.get("/c/ice-out-of-la").get_data(as_text=True)
    assert "Grassroots" in public and "CHIRLA" in public and "Los Angeles, CA" in public

    assert "Leave the coalition" in client.get(path).get_data(as_text=True)
    client.post(path + "/leave", follow_redirects=True)
    assert db.session.scalar(select(Membership.status)) == MembershipStatus.LEFT
    assert "CHIRLA" not in client.get("/c/ice-out-of-la").get_data(as_text=True)


def test_contact_email_is_encrypted_at_rest(client, db, owner, make_coalition):
    make_coalition(owner)
    client.post(INVITE, data=invite_form())
    stored = db.session.execute(text("SELECT contact_email FROM membership")).scalar()
    assert b"angelica" not in bytes(stored)


def test_decline(client, db, owner, make_coalition, mailbox):
    make_coalition(owner)
    client.post(INVITE, data=invite_form())
    path = link_path(mailbox, "angelica@chirla.example")
    client.post(path + "/decline")
    assert db.session.scalar(select(Membership.status)) == MembershipStatus.DECLINED
    assert "declined this invitation" in client.get(path).get_data(as_text=True)
    assert "CHIRLA" not in client.get("/c/ice-out-of-la").get_data(as_text=True)


def test_forged_expired_or_superseded_links_fail(app, client, db, owner, make_coalition, mailbox):
    make_coalition(owner)
    client.post(INVITE, data=invite_form())
    first = link_path(mailbox, "angelica@chirla.example")
    assert client.get("/invitations/forged-token").status_code == 404
    client.post(
        INVITE, data=invite_form(existing_organization=str(db.session.scalar(select(Organization.id))))
    )
    second = link_path(mailbox, "angelica@chirla.example")
    assert first != second
    assert client.get(first).status_code == 404  # a new invitation replaces the old link
    assert client.post(first + "/accept").status_code == 404
    app.config["INVITATION_MAX_AGE_DAYS"] = -1
    assert client.get(second).status_code == 404


def test_duplicate_invite_reuses_the_membership(client, db, owner, make_coalition, mailbox):
    make_coalition(owner)
    client.post(INVITE, data=invite_form())
    chirla = db.session.scalar(select(Organization))
    # The same name again: the organizer is offered the existing record instead of a new one.
    page = client.post(INVITE, data=invite_form(organization_name="the Chirla")).get_data(as_text=True)
    assert "We already know organizations with a similar name" in page
    assert 'value="the Chirla"' in page and 'value="angelica@chirla.example"' in page
    client.post(INVITE, data=invite_form(existing_organization=str(chirla.id)))
    assert db.session.scalar(select(Organization.id).where(Organization.id != chirla.id)) is None
    assert len(db.session.scalars(select(Membership)).all()) == 1
    assert len(mailbox.to("angelica@chirla.example")) == 2

    client.post(link_path(mailbox, "angelica@chirla.example") + "/accept")
    response = client.post(
        INVITE, data=invite_form(existing_organization=str(chirla.id)), follow_redirects=True
    )
    assert "already a member" in response.get_data(as_text=True)
    assert len(mailbox.to("angelica@chirla.example")) == 2
    assert db.session.scalar(select(Membership.status)) == MembershipStatus.ACTIVE


def test_invite_can_pick_a_match_by_acronym(client, db, owner, make_coalition):
    make_coalition(owner)
    aclu = create_organization("American Civil Liberties Union")
    db.session.commit()
    page = client.post(INVITE, data=invite_form(organization_name="ACLU")).get_data(as_text=True)
    assert "American Civil Liberties Union" in page
    client.post(INVITE, data=invite_form(organization_name="ACLU", existing_organization=str(aclu.id)))
    assert db.session.scalar(select(Membership.organization_id)) == aclu.id


def test_invite_bad_input_keeps_what_was_typed(client, db, owner, make_coalition, mailbox):
    make_coalition(owner)
    response = client.post(
        INVITE,
        data=invite_form(
            organization_name="", contact_email="nope", state="Narnia", website="not a url", city="Fresno"
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in (
        "Enter the organization",
        "Enter an email address like",
        "Enter a US state",
        "web address",
    ):
        assert message in page
    assert 'value="nope"' in page and 'value="Narnia"' in page and 'value="Fresno"' in page
    assert db.session.scalar(select(Membership)) is None and mailbox.messages() == []


def test_resend_and_remove_member(client, db, owner, make_coalition, invite_org, mailbox):
    coalition = make_coalition(owner)
    membership = invite_org(coalition, owner)
    base = f"/coalitions/ice-out-of-la/members/{membership.id}"
    client.post(base + "/resend")
    assert len(mailbox.to("contact@chirla.example")) == 2
    confirm = client.get(base + "/remove").get_data(as_text=True)
    assert "Remove CHIRLA from the coalition?" in confirm and 'name="csrf_token"' in confirm
    assert client.post(base + "/remove").status_code == 302
    assert db.session.get(Membership, membership.id).status == MembershipStatus.REMOVED
    assert client.get(base + "/remove").status_code == 404
    accept = client.post(link_path(mailbox, "contact@chirla.example") + "/accept")
    assert accept.status_code == 302
    assert db.session.get(Membership, membership.id).status == MembershipStatus.REMOVED


def test_edit_organization_profile(client, db, owner, make_coalition, invite_org):
    coalition = make_coalition(owner)
    membership = invite_org(coalition, owner)
    path = f"/coalitions/ice-out-of-la/organizations/{membership.organization_id}/edit"
    bad = client.post(
        path, data={"name": "CHIRLA LA", "founded_year": "1500", "state": "XX", "city": "Los Angeles"}
    )
    page = bad.get_data(as_text=True)
    assert "Enter a year between 1800 and" in page and "Enter a US state" in page
    assert 'value="CHIRLA LA"' in page and 'value="Los Angeles"' in page
    assert db.session.get(Organization, membership.organization_id).name == "CHIRLA"
    good = client.post(
        path, data={"name": "CHIRLA", "founded_year": "1986", "state": "ca", "sector": "grassroots"}
    )
    assert good.status_code == 302
    organization = db.session.get(Organization, membership.organization_id)
    assert (organization.founded_year, organization.state) == (1986, "CA")


def test_link_duplicate_from_the_members_page(client, db, owner, make_coalition, invite_org):
    coalition = make_coalition(owner)
    kept = invite_org(coalition, owner, "American Civil Liberties Union", email="a@aclu.example")
    duplicate = invite_org(coalition, owner, "ACLU", email="b@aclu.example")
    path = f"/coalitions/ice-out-of-la/organizations/{kept.organization_id}/link"
    page = client.get(path).get_data(as_text=True)
    assert re.search(rf'<option value="{duplicate.organization_id}">ACLU', page)
    assert client.post(path, data={"duplicate": "99999"}).status_code == 200  # not a candidate
    assert client.post(path, data={"duplicate": str(duplicate.organization_id)}).status_code == 302
    assert [m.organization_id for m in db.session.scalars(select(Membership))] == [kept.organization_id]


def test_an_invitation_link_found_in_an_old_email_no_longer_lets_anyone_join(
    client, db, owner, make_coalition, invite_org, mailbox, signed_ago
):
    membership = invite_org(make_coalition(owner), owner)
    assert (
        "The link works for 14 days"
        in mailbox.to("contact@chirla.example")[-1].get_body(("plain",)).get_content()
    )
    with signed_ago(days=15):
        old = f"/invitations/{invitation_token(membership)}"
    with signed_ago(days=13):
        recent = f"/invitations/{invitation_token(membership)}"
    assert client.get(old).status_code == 404
    assert client.post(old + "/accept").status_code == 404
    assert client.get(recent).status_code == 200


def test_an_invitation_sent_again_names_the_member_as_this_coalition_shows_it(
    db, owner, make_coalition, invite_org, mailbox
):
    """Another coalition may have renamed the shared record: the invitation says what this one says."""
    coalition = make_coalition(owner)
    membership = invite_org(coalition, owner)
    services.rename_member(membership, "Coalition for Humane Immigrant Rights (CHIRLA)")
    services.send_invitation(membership)
    db.session.commit()
    dispatch_committed()
    latest = mailbox.to("contact@chirla.example")[-1]
    assert "Coalition for Humane Immigrant Rights (CHIRLA)" in latest["Subject"]
    assert "Coalition for Humane Immigrant Rights (CHIRLA)" in latest.get_body(("plain",)).get_content()
