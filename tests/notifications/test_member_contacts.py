"""Member organizations' contacts as an alert audience, and the consent it respects."""

from campaign.coalitions.models import Membership, MembershipStatus
from campaign.notifications import audience
from campaign.organizations.services import create_organization
from campaign.supporters import services as supporters
from tests.notifications.conftest import alert_form
from tests.pages import text_of


def add_member(db, coalition, name, email, status=MembershipStatus.ACTIVE, state="AZ"):
    organization = create_organization(name, state=state)
    membership = Membership(coalition=coalition, organization=organization, status=status)
    membership.contact_email = email
    db.session.add(membership)
    db.session.commit()


def test_member_contacts_are_a_source_that_reaches_only_those_who_consented(
    app, client, coalition, db, add_supporter
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

    with app.test_request_context():  # the labels are in the page's language
        offered = audience.options(coalition.id)
    label = "Member organizations’ contacts (those who agreed to the coalition’s email)"
    assert ("members", label) in offered
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
