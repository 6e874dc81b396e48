"""Asking organizations to sign a letter: member contacts, a pasted list, who signed, reminders."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from campaign.coalitions.models import Membership, MembershipStatus
from campaign.core.outbox import utcnow
from campaign.letters.models import LetterInvitation
from campaign.organizations.models import Organization
from campaign.organizations.services import create_organization
from tests.pages import text_of

LONG_NAME = "Coalición" + "X" * 60  # a name of 60+ characters with no spaces


@pytest.fixture
def add_member(db, coalition):
    """An organization in the directory and, unless told otherwise, an active member of `coalition`."""

    def add(name, email, locale=None, status=MembershipStatus.ACTIVE, state="AZ", city="Phoenix"):
        organization = create_organization(name, city=city, state=state)
        if status is not None:
            membership = Membership(
                coalition=coalition, organization=organization, status=status, invitation_locale=locale
            )
            membership.contact_email = email
            db.session.add(membership)
        db.session.commit()
        return organization

    return add


def outreach_url(coalition, letter, tail=""):
    return f"/coalitions/{coalition.slug}/letters/{letter.id}/outreach{tail}"


def invitations(db):
    return db.session.scalars(select(LetterInvitation).order_by(LetterInvitation.id)).all()


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def paste(client, coalition, letter, text, button="preview", language="en"):
    data = {"pasted": text, "language": language, button: "go"}
    return client.post(outreach_url(coalition, letter, "/paste"), data=data)


def test_invite_all_members_asks_each_contact_once_in_their_language(
    client, coalition, make_letter, add_member, mailbox, db
):
    letter = make_letter()
    add_member("Puente Human Rights Movement", "info@puente.example", locale="es")
    add_member(LONG_NAME, "hello@long.example")
    add_member("Still Thinking", "maybe@thinking.example", status=MembershipStatus.INVITED)
    add_member("Gone Away", "gone@away.example", status=MembershipStatus.LEFT)

    response = client.post(outreach_url(coalition, letter, "/members"))
    assert response.status_code == 302
    assert len(invitations(db)) == 2
    spanish, english = mailbox.to("info@puente.example"), mailbox.to("hello@long.example")
    assert len(spanish) == len(english) == 1
    assert not mailbox.to("maybe@thinking.example") and not mailbox.to("gone@away.example")
    assert f"/letters/sign/{letter.signon_key}" in body_of(spanish[0])
    assert "Ana Organizer" in body_of(spanish[0])  # the inviting organizer, named in the body
    assert "pide a Puente Human Rights Movement que firme" in body_of(spanish[0])
    assert "asks" in body_of(english[0]) and "Ana Organizer" in body_of(english[0])

    again = client.post(outreach_url(coalition, letter, "/members"), follow_redirects=True)
    assert "0 member contacts asked. 2 already asked or signed." in text_of(again)
    assert len(invitations(db)) == 2 and len(mailbox.to("info@puente.example")) == 1
    page = text_of(client.get(outreach_url(coalition, letter)))
    assert LONG_NAME in page and "Asked" in page and "by Ana Organizer" in page


def test_a_member_whose_organization_signed_is_not_asked(
    client, coalition, make_letter, add_member, sign, mailbox, db
):
    letter = make_letter()
    add_member("Juntos", "office@juntos.example", state="PA")
    sign(letter)  # erika@juntos.example signs for Juntos
    client.post(outreach_url(coalition, letter, "/members"))
    assert invitations(db) == [] and not mailbox.to("office@juntos.example")


PASTED = "\n".join(
    [
        "name, email, website, city, state, sector",
        "Puente Human Rights Movement, info@puente.example, puenteaz.org, Phoenix, AZ, Grassroots",
        "Mijente, hola@mijente.example, , , , ",
        "Brand New Collective, new@collective.example, , Tucson, Arizona, faith-based",
        ", nobody@nameless.example",
        "No Address Group, not-an-address",
        "Far Away Org, far@away.example, , Paris, Île-de-France",
        "Odd Sector, odd@sector.example, , , , knitting",
        "mijente, another@mijente.example",
        "Long " + "y" * 600 + ", long@line.example",
    ]
)


def test_paste_preview_shows_each_line_matched_or_with_its_error(
    client, coalition, make_letter, add_member, db, mailbox
):
    letter = make_letter()
    add_member("Puente Human Rights Movement", "info@puente.example")
    add_member("Mijente", "contact@mijente.example", status=None)  # in the directory, not a member
    organizations_before = db.session.scalar(select(func.count(Organization.id)))

    response = paste(client, coalition, letter, PASTED)
    page = text_of(response)
    assert response.status_code == 200
    assert "Line 2: Puente Human Rights Movement" in page and "Coalition member" in page
    assert "In the directory" in page
    assert "Added to the directory only if they sign." in page  # Brand New Collective
    assert "Line 5: , nobody@nameless.example Add the organization’s name first on the line." in page
    assert "“not-an-address” is not an email address we can send to." in page
    assert "We do not know the state “Île-de-France”" in page
    assert "We do not know the sector “knitting”" in page
    assert "This repeats line 3." in page  # "mijente" after "Mijente"
    assert "This line is longer than 500 characters" in page
    assert "3 of 9 lines can be invited." in page
    assert PASTED.splitlines()[1] in response.get_data(as_text=True)  # the paste box keeps it all
    # A preview asks nobody and names nothing in the shared directory.
    assert invitations(db) == [] and mailbox.messages() == []
    assert db.session.scalar(select(func.count(Organization.id))) == organizations_before


def test_paste_preview_errors_in_spanish(client, coalition, make_letter):
    letter = make_letter()
    client.get("/language/es")
    page = text_of(paste(client, coalition, letter, PASTED))
    assert "Línea 5" in page
    assert "Escribe primero el nombre de la organización en la línea." in page
    assert "“not-an-address” no es una dirección de correo a la que podamos escribir." in page
    assert "No conocemos el estado “Île-de-France”" in page
    assert "No conocemos el sector “knitting”" in page
    assert "Repite la línea 3." in page


def test_invite_all_sends_the_valid_lines_and_adds_no_directory_record(
    client, coalition, make_letter, add_member, db, mailbox
):
    letter = make_letter()
    puente = add_member("Puente Human Rights Movement", "info@puente.example")
    organizations_before = db.session.scalar(select(func.count(Organization.id)))

    response = paste(client, coalition, letter, PASTED, button="invite", language="es")
    assert response.status_code == 302
    asked = {invitation.contact_email: invitation for invitation in invitations(db)}
    assert set(asked) == {"info@puente.example", "hola@mijente.example", "new@collective.example"}
    assert asked["info@puente.example"].organization_id == puente.id
    assert asked["new@collective.example"].organization_id is None
    assert asked["new@collective.example"].organization_name == "Brand New Collective"
    assert asked["new@collective.example"].language == "es"
    assert "Ana Organizer" in body_of(mailbox.to("new@collective.example")[0])
    # Another coalition must not see an unconfirmed name appear in the shared directory.
    assert db.session.scalar(select(func.count(Organization.id))) == organizations_before

    again = paste(client, coalition, letter, PASTED, button="invite")
    assert again.status_code == 200  # nothing left to invite: the preview says why
    assert "Already asked" in text_of(again)
    assert len(invitations(db)) == 3 and len(mailbox.to("info@puente.example")) == 1


def make_old(db, hours=49):
    db.session.execute(update(LetterInvitation).values(asked_at=utcnow() - timedelta(hours=hours)))
    db.session.commit()


def test_remind_at_most_once_per_48_hours_even_when_clicked_twice(
    client, coalition, make_letter, db, mailbox
):
    letter = make_letter()
    paste(client, coalition, letter, "Mijente, hola@mijente.example", button="invite")
    remind = outreach_url(coalition, letter, "/remind")

    client.post(remind)  # asked a moment ago: too soon to remind
    assert len(mailbox.to("hola@mijente.example")) == 1

    make_old(db)
    first, second = client.post(remind, follow_redirects=True), client.post(remind, follow_redirects=True)
    assert "1 reminder sent." in text_of(first) and "0 reminders sent." in text_of(second)
    sent = mailbox.to("hola@mijente.example")
    assert len(sent) == 2 and sent[1]["Subject"].startswith("Reminder:")
    invitation = invitations(db)[0]
    assert invitation.reminders == 1 and invitation.reminded_at is not None
    assert "Reminded" in text_of(client.get(outreach_url(coalition, letter)))


def test_the_gap_is_claimed_in_the_database_not_the_page(app, coalition, make_letter, client, db, mailbox):
    """Two organizers whose pages both offered the reminder: the service itself sends one."""
    from campaign.accounts.models import User
    from campaign.letters import outreach

    letter = make_letter()
    paste(client, coalition, letter, "Mijente, hola@mijente.example", button="invite")
    make_old(db)
    organizer = db.session.scalar(select(User))
    now = utcnow()
    assert outreach.remind_unsigned(letter, organizer, now) == 1
    assert outreach.remind_unsigned(letter, organizer, now + timedelta(seconds=1)) == 0
    assert outreach.remind_unsigned(letter, organizer, now + timedelta(hours=49)) == 1


def test_who_signed_and_who_did_not(client, coalition, make_letter, add_member, sign, db, mailbox):
    letter = make_letter()
    add_member("Puente Human Rights Movement", "info@puente.example")
    paste(
        client,
        coalition,
        letter,
        "Puente Human Rights Movement, info@puente.example\n"
        "Brand New Collective, new@collective.example\n"
        "Quiet Group, quiet@group.example",
        button="invite",
    )
    # Puente signs from another address (matched by organization); the new collective's contact
    # signs herself (matched by the address asked), adding the name to the directory only now.
    sign(
        letter,
        organization_name="Puente Human Rights Movement",
        email="director@puente.example",
        city="Phoenix",
        us_state="AZ",
    )
    sign(
        letter,
        organization_name="Brand New Collective",
        email="new@collective.example",
        city="Tucson",
        us_state="AZ",
    )
    make_old(db)

    page = text_of(client.get(outreach_url(coalition, letter)))
    assert "3 asked 2 signed 1 not signed yet" in page
    assert "Quiet Group Not signed yet" in page and "Brand New Collective Signed" in page
    client.post(outreach_url(coalition, letter, "/remind"))
    assert len(mailbox.to("quiet@group.example")) == 2
    assert len(mailbox.to("info@puente.example")) == 1 and len(mailbox.to("new@collective.example")) == 2


def test_viewers_see_the_page_but_cannot_ask_or_remind(
    client, coalition, make_letter, add_teammate_login, db, mailbox
):
    letter = make_letter()
    paste(client, coalition, letter, "Mijente, hola@mijente.example", button="invite")
    make_old(db)
    add_teammate_login(coalition, "viewer")
    page = client.get(outreach_url(coalition, letter))
    assert page.status_code == 200 and "Mijente" in text_of(page)
    assert "Send the sign-on link to members" not in text_of(page)
    for tail in ("/members", "/remind", "/paste"):
        assert (
            client.post(outreach_url(coalition, letter, tail), data={"pasted": "A, a@b.example"}).status_code
            == 403
        )
    assert len(mailbox.to("hola@mijente.example")) == 1


def test_another_coalition_cannot_see_or_remind(
    client, coalition, make_letter, make_user, login, db, mailbox
):
    from campaign.coalitions import services as coalitions

    letter = make_letter()
    paste(client, coalition, letter, "Mijente, hola@mijente.example", button="invite")
    make_old(db)
    client.post("/accounts/logout")
    stranger = make_user(email="other@example.org", name="Other Organizer")
    coalitions.create_coalition(stranger, "Another Coalition")
    db.session.commit()
    login(email="other@example.org")
    assert client.get(outreach_url(coalition, letter)).status_code == 404
    for tail in ("/members", "/remind", "/paste"):
        assert client.post(outreach_url(coalition, letter, tail)).status_code == 404
    assert len(mailbox.to("hola@mijente.example")) == 1


def test_a_draft_letter_asks_nobody(client, coalition, make_letter, add_member, mailbox, db):
    letter = make_letter(open_it=False)
    add_member("Puente Human Rights Movement", "info@puente.example")
    response = client.post(outreach_url(coalition, letter, "/members"), follow_redirects=True)
    assert "the letter has moved on" in text_of(response)
    assert invitations(db) == [] and mailbox.messages() == []


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("Mijente\x00, hola@mijente.example", "invisible control characters"),
        ("Mijente, hola@mijente.example\rEvil\x1b[31m, evil@example.org", "invisible control characters"),
        ("M" * 10_000 + ", hola@mijente.example", "longer than 500 characters"),
        ("<script>alert(1)</script>, hola@mijente.example", "plain text"),
        (
            "Mijente, hola@mijente.example\r\nBcc: all@example.org",
            "Line 2: Bcc: all@example.org Add the contact’s",
        ),
        ('=HYPERLINK("http://evil.example"), hola@mijente.example, , , ZZ', "We do not know the state"),
    ],
)
def test_hostile_bytes_in_the_paste_box_are_refused_line_by_line(
    client, coalition, make_letter, db, mailbox, pasted, expected
):
    letter = make_letter()
    response = paste(client, coalition, letter, pasted)
    assert response.status_code in (200, 400)
    assert expected in text_of(response)
    assert "\x00" not in response.get_data(as_text=True)
    assert invitations(db) == [] and mailbox.messages() == []


def test_invite_all_with_a_control_character_asks_nobody_and_keeps_the_text(
    client, coalition, make_letter, db
):
    letter = make_letter()
    response = paste(client, coalition, letter, "Mijente\x00, hola@mijente.example", button="invite")
    assert response.status_code == 400
    assert "Mijente, hola@mijente.example</textarea>" in response.get_data(as_text=True)
    assert invitations(db) == []


def test_a_lone_surrogate_in_the_paste_box_is_no_500(client, coalition, make_letter, db):
    letter = make_letter()
    body = b"pasted=Mi%ED%A0%80jente%2C+hola%40mijente.example&language=en&preview=go"
    response = client.post(
        outreach_url(coalition, letter, "/paste"),
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 400)
    assert invitations(db) == []


def test_too_many_lines_are_refused_whole(client, coalition, make_letter, db):
    letter = make_letter()
    many = "\n".join(f"Group {n}, group{n}@example.org" for n in range(301))
    response = paste(client, coalition, letter, many, button="invite")
    assert response.status_code == 400
    assert "Paste at most 300 organizations at a time." in text_of(response)
    assert invitations(db) == []


def test_an_erased_contact_leaves_the_invitation_and_their_copy_lists_it(client, coalition, make_letter, db):
    from campaign.supporters import services as supporters
    from campaign.supporters.signals import supporter_erasing, supporter_exporting

    letter = make_letter()
    paste(client, coalition, letter, "Mijente, hola@mijente.example", button="invite")
    supporter = supporters.find_supporter(coalition.id, "hola@mijente.example")
    copies = [lines for _, lines in supporter_exporting.send(supporter)]
    assert any(
        "asked to sign · End 287(g) agreements now · Mijente" in line for lines in copies for line in lines
    )
    supporter_erasing.send(supporter)
    db.session.commit()
    invitation = invitations(db)[0]
    assert invitation.contact_email is None and invitation.supporter_id is None
    assert "Mijente" in text_of(client.get(outreach_url(coalition, letter)))


def test_a_pasted_address_meets_the_same_rule_as_every_form(client, coalition, make_letter):
    """An accented name before the @ is refused with the forms' own sentence, which says why."""
    letter = make_letter()
    page = text_of(
        paste(client, coalition, letter, "Puente, josé@puente.example\nMijente, ana@mijente.example")
    )
    assert "Use an address with no accents or special letters before the @" in page
    assert "1 of 2 lines can be invited." in page


def test_an_erased_member_contact_is_not_asked_by_a_later_letter(
    client, coalition, make_letter, add_member, mailbox, db
):
    """Erasure clears the membership's contact (the organizers see why) and the address's new
    record, which "invite all" would have made, is never made."""
    from campaign.supporters import services as supporters

    add_member("Mijente", "hola@mijente.example")
    add_member("Puente", "info@puente.example")
    first = make_letter()
    client.post(outreach_url(coalition, first, "/members"))
    assert len(mailbox.to("hola@mijente.example")) == 1
    supporters.erase_supporter_data("hola@mijente.example")
    db.session.commit()

    second = make_letter(title="Second letter")
    response = client.post(outreach_url(coalition, second, "/members"), follow_redirects=True)
    # (Erasure deleted the development mailbox's copies to the address too.)
    assert mailbox.to("hola@mijente.example") == [] and len(mailbox.to("info@puente.example")) == 2
    assert "1 asked not to be contacted." in text_of(response)
    assert "hola@mijente.example" not in response.get_data(as_text=True)
    assert supporters.find_supporter(coalition.id, "hola@mijente.example") is None  # no new record
    mijente = db.session.scalar(select(Membership).join(Organization).where(Organization.name == "Mijente"))
    assert mijente.contact_email is None and mijente.contact_erased_at is not None
    members = text_of(client.get(f"/coalitions/{coalition.slug}/members"))
    assert "Contact erased at their request" in members and "hola@mijente.example" not in members


def test_an_erased_contact_never_asked_by_outreach_is_not_asked_either(
    client, coalition, make_letter, add_member, mailbox, db
):
    """A member's contact with no supporter record yet (never emailed by this coalition)."""
    from campaign.supporters import services as supporters

    add_member("Mijente", "Hola@Mijente.example")
    supporters.erase_supporter_data("hola@mijente.example")  # as the person types it
    db.session.commit()
    letter = make_letter()
    client.post(outreach_url(coalition, letter, "/members"))
    page = text_of(paste(client, coalition, letter, "Mijente, hola@mijente.example", button="invite"))
    assert mailbox.to("hola@mijente.example") == [] and invitations(db) == []
    assert "This contact asked not to be contacted" in page


def test_a_repasted_erased_contact_is_not_asked_again(client, coalition, make_letter, mailbox, db):
    from campaign.supporters import services as supporters

    letter = make_letter()
    paste(client, coalition, letter, "Mijente, hola@mijente.example", button="invite")
    supporters.erase_supporter_data("hola@mijente.example")
    db.session.commit()
    # A teammate pastes the same spreadsheet again, with one new line.
    response = paste(
        client,
        coalition,
        letter,
        "Mijente, hola@mijente.example\nPuente, info@puente.example",
        button="invite",
    )
    assert response.status_code == 302
    assert mailbox.to("hola@mijente.example") == [] and len(mailbox.to("info@puente.example")) == 1
    assert supporters.find_supporter(coalition.id, "hola@mijente.example") is None
    preview = text_of(paste(client, coalition, letter, "Mijente, hola@mijente.example"))
    assert "This contact asked not to be contacted: we will not ask them." in preview
    assert "hola@mijente.example" in preview  # what was typed stays; nothing else is told


def test_the_mark_of_an_erasure_is_a_keyed_hash_in_its_coalition_alone(
    client, coalition, make_letter, make_user, db
):
    """Another coalition never had the person: nothing of them is written there."""
    from campaign.coalitions import services as coalitions
    from campaign.notifications import suppression
    from campaign.notifications.models import Suppression
    from campaign.supporters import services as supporters

    other = coalitions.create_coalition(make_user(email="other@example.org"), "Another Coalition")
    letter = make_letter()
    paste(client, coalition, letter, "Mijente, hola@mijente.example", button="invite")
    supporters.erase_supporter_data("hola@mijente.example")
    db.session.commit()
    assert suppression.was_erased(coalition.id, "HOLA@mijente.example ")
    assert not suppression.was_erased(other.id, "hola@mijente.example")
    [mark] = db.session.scalars(select(Suppression)).all()
    assert mark.coalition_id == coalition.id and mark.reason == suppression.ERASED
    assert "mijente" not in mark.email_index  # the hash only, never the address


def test_a_pasted_name_counts_as_signed_when_its_organization_signs_from_another_address(
    client, coalition, make_letter, sign, db, mailbox
):
    from tests.letters.conftest import approve_all

    letter = make_letter()
    # Typed otherwise than the signer will, and not in the directory yet.
    paste(client, coalition, letter, "JUNTOS., info@juntos.example\nMijente, hola@mijente.example", "invite")
    sign(letter)  # erika@juntos.example signs for "Juntos", which makes its directory record
    approve_all(client, coalition, letter)
    db.session.execute(update(LetterInvitation).values(asked_at=utcnow() - timedelta(hours=49)))
    db.session.commit()
    client.post(outreach_url(coalition, letter, "/remind"))
    assert len(mailbox.to("info@juntos.example")) == 1  # the ask; no reminder
    assert len(mailbox.to("hola@mijente.example")) == 2
    juntos = db.session.scalar(select(Organization).where(Organization.name == "Juntos"))
    [linked] = [i for i in invitations(db) if i.organization_name == "JUNTOS."]
    assert linked.organization_id == juntos.id


def test_a_long_paste_looks_up_members_and_invitations_once_not_once_a_line(
    client, coalition, make_letter, add_member, db
):
    letter = make_letter()
    names = [f"Collective {number}" for number in range(12)]
    for name in names:
        add_member(name, f"{name.split()[1]}@collective.example")
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = paste(
            client, coalition, letter, "\n".join(f"{n}, x{n.split()[1]}@c.example" for n in names)
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert text_of(response).count("Coalition member") >= len(names)
    per_paste = [s for s in statements if "FROM membership" in s or "FROM letter_invitation" in s]
    assert len(per_paste) <= 3, per_paste
