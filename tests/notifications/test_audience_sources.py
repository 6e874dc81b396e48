"""Audience sources placed by state without a ZIP (defect 5), and member organizations' contacts."""

from sqlalchemy import select

from campaign.coalitions.models import Membership, MembershipStatus
from campaign.letters.models import Signature
from campaign.notifications import audience
from campaign.notifications.models import Message, MessageKind
from campaign.organizations.services import create_organization
from campaign.supporters import services as supporters
from tests.letters.conftest import make_letter, sign  # noqa: F401 - fixtures
from tests.notifications.conftest import alert_form
from tests.pages import text_of

PUENTE = {
    "organization_name": "Puente Human Rights Movement",
    "signer_name": "Carlos Garcia",
    "email": "carlos@puente.example",
    "city": "Phoenix",
    "us_state": "AZ",
    "subscribe": "y",  # agreed to the coalition's email
}


def test_narrowing_letter_signers_to_a_state_keeps_those_who_signed_from_it(
    client, coalition, make_letter, sign, db
):
    letter = make_letter()
    sign(letter, **PUENTE)
    sign(letter, subscribe="y")  # Juntos, from Philadelphia, PA
    assert db.session.scalar(select(Signature.supporter_id).limit(1)) is not None

    in_arizona = {"source": "letter", "source_id": letter.id, "state": "AZ"}
    assert audience.count(coalition.id, in_arizona) == 1  # Puente gave no ZIP: 0 before
    assert audience.count(coalition.id, in_arizona | {"state": "PA"}) == 1
    assert audience.count(coalition.id, in_arizona | {"state": "TX"}) == 0

    response = client.post(
        f"/coalitions/{coalition.slug}/alerts/new",
        data=alert_form(source=f"letter:{letter.id}", state="AZ"),
    )
    assert response.status_code == 302, text_of(response)
    assert db.session.scalar(select(Message.audience).where(Message.kind == MessageKind.ALERT)) == in_arizona


def test_a_signer_without_a_state_is_placed_by_the_organization(client, coalition, make_letter, sign, db):
    letter = make_letter()
    sign(letter, **PUENTE)
    signature = db.session.scalar(select(Signature))
    signature.us_state = ""  # saved before the form asked for a state
    signature.organization.state = "AZ"
    db.session.commit()
    assert audience.count(coalition.id, {"source": "letter", "source_id": letter.id, "state": "AZ"}) == 1


def test_distance_still_needs_a_zip_and_the_page_says_so(client, coalition, make_letter, sign, db):
    letter = make_letter()
    sign(letter, **PUENTE)
    response = client.post(
        f"/coalitions/{coalition.slug}/alerts/new",
        data=alert_form(source=f"letter:{letter.id}", zip_code="85004", miles="50"),
    )
    assert response.status_code == 200
    assert "1 people in this audience have no ZIP code on file" in text_of(response)
    assert "Narrow by state instead" in text_of(response)


def add_member(db, coalition, name, email, status=MembershipStatus.ACTIVE, state="AZ"):
    organization = create_organization(name, state=state)
    membership = Membership(coalition=coalition, organization=organization, status=status)
    membership.contact_email = email
    db.session.add(membership)
    db.session.commit()


def test_member_contacts_are_a_source_that_reaches_only_those_who_consented(
    client, coalition, db, add_supporter
):
    add_member(db, coalition, "Puente", "info@puente.example")
    add_member(db, coalition, "Mijente", "hola@mijente.example", state="NM")
    add_member(db, coalition, "Quiet Group", "quiet@group.example")
    add_member(db, coalition, "Gone Away", "gone@away.example", status=MembershipStatus.LEFT)
    add_supporter("INFO@puente.example")  # consented (another spelling of the address)
    add_supporter("hola@mijente.example")  # consented
    add_supporter("quiet@group.example", subscribed=False)  # asked to sign a letter, no consent
    add_supporter("gone@away.example")  # consented, but the organization left
    add_supporter("someone@else.example")  # consented, not a member's contact
    unsubscribed = add_supporter("later@mijente.example")
    add_member(db, coalition, "Mijente Youth", "later@mijente.example")
    supporters.unsubscribe(unsubscribed)
    db.session.commit()

    assert ("members", "Member organizations' contacts (those who agreed to the coalition's email)") in (
        audience.options(coalition.id)
    )
    assert audience.count(coalition.id, {"source": "members"}) == 2
    assert audience.count(coalition.id, {"source": "members", "state": "NM"}) == 1  # the organization's state

    response = client.post(f"/coalitions/{coalition.slug}/alerts/new", data=alert_form(source="members"))
    assert response.status_code == 302


def test_member_contacts_without_consent_make_an_empty_audience(client, coalition, db, add_supporter):
    add_member(db, coalition, "Quiet Group", "quiet@group.example")
    add_supporter("quiet@group.example", subscribed=False)
    response = client.post(f"/coalitions/{coalition.slug}/alerts/new", data=alert_form(source="members"))
    assert "Nobody in this audience can receive email" in text_of(response)


def test_another_coalitions_member_contacts_are_not_in_the_audience(
    client, coalition, db, add_supporter, make_user
):
    from campaign.coalitions import services as coalitions

    other = coalitions.create_coalition(make_user(email="other@example.org"), "Another Coalition")
    db.session.commit()
    add_member(db, other, "Puente", "info@puente.example")
    add_supporter("info@puente.example")  # subscribed to *our* coalition, but a member of theirs
    assert audience.count(coalition.id, {"source": "members"}) == 0
