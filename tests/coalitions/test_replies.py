"""Defect 7: every email can be answered. Reply-To is the coalition's contact address (an owner
sets it; by default its first owner's email) or, for mail of no coalition, MAIL_REPLY_TO; From
stays the site's sender, and an invitation names the inviting organizer in its body."""

import html
from email.utils import parseaddr

import pytest
from sqlalchemy import select, update

from campaign.coalitions.models import Coalition, CoalitionRole, Role
from campaign.core.outbox import dispatch_committed
from campaign.extensions import db as _db
from tests.accounts.test_accounts import sign_up
from tests.fuzz import world
from tests.pages import text_of

SETTINGS = "/coalitions/ice-out-of-la/settings"
INVITE = "/coalitions/ice-out-of-la/members/invite"


def _reply_address(message) -> str:
    return parseaddr(str(message["Reply-To"]))[1]


def _invite(client, email="contact@chirla.example", name="CHIRLA"):
    response = client.post(INVITE, data={"organization_name": name, "contact_email": email})
    assert response.status_code == 302, text_of(response)
    dispatch_committed()


def test_every_kind_of_email_carries_a_reply_to(app, client, mailbox):
    """The world of the fuzz sends one of each: invitations, a team invitation, sign-on and
    signature confirmations, a host link, an RSVP, a data request, a password reset; and a
    sign-up here. Coalition mail answers to its first owner, the rest to MAIL_REPLY_TO."""
    world.build()
    sign_up(client, email="newcomer@example.net")
    messages = mailbox.messages()
    assert len(messages) >= 8
    site = app.config["MAIL_REPLY_TO"]
    of_no_coalition = {"Reset your password", "Confirm your email address", "Confirm: erase your data"}
    replies = {str(m["Subject"]): _reply_address(m) for m in messages}
    assert all(m["Reply-To"] is not None for m in messages)
    assert {subject: replies[subject] for subject in of_no_coalition} == dict.fromkeys(of_no_coalition, site)
    others = {subject: address for subject, address in replies.items() if subject not in of_no_coalition}
    assert set(others.values()) == {world.ORGANIZER}, others


def test_the_default_follows_the_owners(client, db, owner, make_coalition, add_teammate, mailbox):
    coalition = make_coalition(owner)
    second = add_teammate(coalition, Role.OWNER, "second@example.org")
    _invite(client)
    assert _reply_address(mailbox.messages()[-1]) == owner.email
    db.session.execute(update(CoalitionRole).where(CoalitionRole.user_id == owner.id).values(role=Role.ADMIN))
    db.session.commit()
    _invite(client, "contact@puente.example", "Puente Human Rights Movement")
    assert _reply_address(mailbox.messages()[-1]) == second.email


def test_an_owner_sets_the_contact_address_and_every_email_then_answers_to_it(
    client, db, owner, make_coalition, mailbox
):
    coalition = make_coalition(owner)
    assert owner.email in text_of(client.get(SETTINGS))
    response = client.post(SETTINGS, data={"contact_email": "  Coalicion@Exämple.org "})
    assert response.status_code == 302
    assert db.session.get(Coalition, coalition.id).contact_email == "Coalicion@xn--exmple-cua.org"
    _invite(client)
    message = mailbox.messages()[-1]
    assert message["Reply-To"] == "ICE Out of LA <Coalicion@xn--exmple-cua.org>"
    # Emptied, replies go back to the first owner.
    assert client.post(SETTINGS, data={"contact_email": ""}).status_code == 302
    assert db.session.get(Coalition, coalition.id).contact_email is None


def test_alerts_and_notices_answer_to_the_coalition(client, db, owner, make_coalition, mailbox):
    """The bulk path (notifications/rendering.py) writes its headers by hand."""
    from campaign.notifications.models import Message, MessageKind
    from campaign.notifications.rendering import prepare

    coalition = make_coalition(owner, name="Coalición «Unidos»")
    client.post("/coalitions/coalicion-unidos/settings", data={"contact_email": "hola@unidos.example"})
    message = Message(coalition=coalition, kind=MessageKind.ALERT, subject="Hi", body="Hello", body_es="")
    headers = prepare(message, "es").headers
    assert headers.isascii()
    reply = next(line for line in headers.split("\r\n") if line.startswith("Reply-To: "))
    assert reply.endswith(" <hola@unidos.example>") and "=?utf-8?" in reply


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ORGANIZER, Role.VIEWER])
def test_only_an_owner_sets_the_contact_address(
    client, db, make_user, login, make_coalition, add_teammate, role
):
    coalition = make_coalition(make_user(email="founder@example.org"))
    add_teammate(coalition, role, "teammate@example.org")
    login("teammate@example.org")
    assert client.get(SETTINGS).status_code == 403
    assert client.post(SETTINGS, data={"contact_email": "mine@example.org"}).status_code == 403
    assert db.session.get(Coalition, coalition.id).contact_email is None
    assert "/settings" not in client.get("/coalitions/ice-out-of-la").get_data(as_text=True)


def test_another_coalitions_owner_cannot_see_or_set_it(client, db, make_user, login, make_coalition):
    coalition = make_coalition(make_user(email="founder@example.org"))
    make_coalition(make_user(email="other@example.org"), name="Another coalition")
    login("other@example.org")
    assert client.get(SETTINGS).status_code == 404
    assert client.post(SETTINGS, data={"contact_email": "mine@example.org"}).status_code == 404
    assert db.session.get(Coalition, coalition.id).contact_email is None


@pytest.mark.parametrize(
    "typed",
    [
        "replies@example.org\r\nBcc: everyone@evil.example",
        "replies@example.org\nBcc: everyone@evil.example",
        "replies@example.org\x00",
        "replies@example.org, everyone@evil.example",
        "Replies <replies@example.org>",
        "not an address",
        "josé@example.org",
        "r" * 10_000 + "@example.org",
    ],
    ids=repr,
)
def test_hostile_contact_addresses_are_refused_and_kept_as_typed(client, db, owner, make_coalition, typed):
    coalition = make_coalition(owner)
    response = client.post(SETTINGS, data={"contact_email": typed})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error"' in page and 'aria-invalid="true"' in page
    shown_again = typed.replace("\r\n", " ").replace("\n", " ").replace("\x00", "")
    assert f'value="{html.escape(shown_again)}"' in page
    assert db.session.get(Coalition, coalition.id).contact_email is None


def test_a_stored_address_with_a_line_break_never_reaches_a_header(
    client, db, owner, make_coalition, mailbox
):
    """Written around the form (an old row, a script): the header falls back to the owner."""
    coalition = make_coalition(owner)
    coalition.contact_email = "replies@example.org\r\nBcc: everyone@evil.example"
    db.session.commit()
    _invite(client)
    message = mailbox.messages()[-1]
    assert message["Bcc"] is None
    assert _reply_address(message) == owner.email


def test_invitations_come_from_the_site_and_name_the_organizer_in_the_body(
    app, client, db, owner, make_coalition, add_teammate, mailbox
):
    make_coalition(owner)
    _invite(client)
    response = client.post(
        "/coalitions/ice-out-of-la/team", data={"email": "new@example.org", "role": Role.ORGANIZER.value}
    )
    assert response.status_code in (200, 302)
    dispatch_committed()
    invitations = mailbox.messages()
    assert len(invitations) == 2, [m["Subject"] for m in invitations]
    for message in invitations:
        assert message["From"] == app.config["MAIL_FROM"]
        assert owner.name not in str(message["From"])
        assert owner.name in message.get_body(preferencelist=("plain",)).get_content()
        assert _reply_address(message) == owner.email
    assert _db.session.scalar(select(Coalition.contact_email)) is None
