"""The shared organization directory seen from two coalitions: nothing coalition B does to a record
changes what coalition A shows, signs or trusts."""

import re

import pytest
from sqlalchemy import select

from campaign.coalitions import services as coalitions
from campaign.coalitions.models import Membership, MembershipStatus
from campaign.core.outbox import utcnow
from campaign.extensions import db as _db
from campaign.letters import services as letters
from campaign.letters import signatories
from campaign.letters.models import Signature, SignatureState
from campaign.organizations.models import Organization
from campaign.organizations.services import LinkError
from tests.letters.conftest import approve_all
from tests.pages import text_of

ACLU = "American Civil Liberties Union"


@pytest.fixture
def member_of_a(db, coalition):
    """ACLU, an active member of coalition A that A added, having accepted from contact@aclu.example,
    a domain A's organizers trust."""
    owner = coalition.roles[0].user
    membership = coalitions.invite(
        coalition, owner, contact_email="contact@aclu.example", name=ACLU, profile={"city": "New York"}
    )
    coalitions.accept(membership)
    coalitions.trust_domain(membership)
    db.session.commit()
    return membership.organization


@pytest.fixture
def coalition_b(client, db, make_user, login):
    """Log in as the owner of a second coalition, B, made by anyone who signed up."""

    def become_b():
        user = make_user(email="owner-b@example.org", name="Bea")
        coalition = coalitions.create_coalition(user, "Coalition B")
        db.session.commit()
        client.post("/accounts/logout")
        login("owner-b@example.org")
        return coalition

    return become_b


def invite_as_b(client, coalition_b, organization, contact_email="boss@b-owned.example"):
    """B invites an existing record through its invitation page (status: invited)."""
    response = client.post(
        f"/coalitions/{coalition_b.slug}/members/invite",
        data={
            "organization_name": organization.name,
            "existing_organization": str(organization.id),
            "contact_email": contact_email,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def members_list(client, coalition) -> str:
    return text_of(client.get(f"/coalitions/{coalition.slug}/members")).partition("Member organizations")[2]


def published_state(client, coalition, letter):
    """Everything coalition A shows about its members and its letter, to compare before and after."""
    listed = signatories.public_list(letter)
    return (
        text_of(client.get(f"/c/{coalition.slug}")),
        text_of(client.get(f"/letters/{letter.slug}")),
        signatories.fingerprint(letter, listed),
        [m.name for m in coalitions.member_organizations(coalition.id)],
    )


def test_another_coalition_cannot_rename_a_shared_organization(
    client, db, coalition, member_of_a, make_letter, sign, coalition_b
):
    letter = make_letter()
    sign(letter, organization_name=ACLU, email="director@aclu.example", city="New York", us_state="NY")
    approve_all(client, coalition, letter)
    members_of_a = members_list(client, coalition)
    before = published_state(client, coalition, letter)
    assert ACLU in before[0] and ACLU in before[1]

    b = coalition_b()
    invite_as_b(client, b, member_of_a)
    path = f"/coalitions/{b.slug}/organizations/{member_of_a.id}/edit"
    assert "your changes show only in Coalition B" in text_of(client.get(path))
    response = client.post(path, data={"name": "Renamed by B", "website": "https://b-owned.example"})
    assert response.status_code == 302

    _db.session.expire_all()
    assert (member_of_a.name, member_of_a.website) == (ACLU, "")
    assert "Renamed by B" in text_of(client.get(f"/coalitions/{b.slug}/members"))  # B's own copy
    assert published_state(client, coalition, letter) == before
    client.post("/accounts/logout")
    client.post(
        "/accounts/login", data={"email": "organizer@example.org", "password": "correct horse battery"}
    )
    assert members_list(client, coalition) == members_of_a


def test_a_later_profile_change_leaves_a_signed_letter_and_its_fingerprint_as_signed(
    client, db, coalition, member_of_a, make_letter, sign
):
    letter = make_letter()
    sign(letter, organization_name=ACLU, email="director@aclu.example", city="New York", us_state="NY")
    approve_all(client, coalition, letter)
    before = published_state(client, coalition, letter)

    # A alone uses the record it created: it may rename it, and its member list follows.
    path = f"/coalitions/{coalition.slug}/organizations/{member_of_a.id}/edit"
    assert client.post(path, data={"name": "ACLU of New York", "city": "Albany"}).status_code == 302
    _db.session.expire_all()
    assert member_of_a.name == "ACLU of New York"

    page, letter_page, fingerprint, _ = published_state(client, coalition, letter)
    assert "ACLU of New York" in page
    assert (letter_page, fingerprint) == before[1:3]
    packet = text_of(client.get(f"/coalitions/{coalition.slug}/letters/{letter.id}/packet"))
    assert fingerprint in packet and ACLU in packet and "ACLU of New York" not in packet
    csv = client.get(f"/coalitions/{coalition.slug}/letters/{letter.id}/signatories.csv").get_data(
        as_text=True
    )
    assert ACLU in csv and "ACLU of New York" not in csv


def test_a_signer_at_a_website_another_coalition_typed_is_not_approved_at_once(
    client, db, coalition, member_of_a, make_letter, sign, mailbox, coalition_b
):
    letter = make_letter(auto_approve_domains="y")
    b = coalition_b()
    invite_as_b(client, b, member_of_a, contact_email="boss@b-owned.example")
    # B accepts its own invitation from its own domain, and the website ends up pointing there.
    link = mailbox.last_link("boss@b-owned.example", "/invitations/").replace("http://localhost", "")
    client.post(link + "/accept")
    member_of_a.website = "https://b-owned.example"
    _db.session.commit()

    page = sign(letter, organization_name=ACLU, email="forger@b-owned.example", signer_name="Forger")
    assert "review each sign-on" in text_of(page)
    assert _db.session.scalar(select(Signature.state)) == SignatureState.PENDING
    assert "Forger" not in text_of(client.get(f"/letters/{letter.slug}"))
    assert "1 organization" not in text_of(client.get(f"/letters/{letter.slug}"))


def test_a_member_that_accepted_from_its_own_domain_is_approved_at_once_on_its_coalitions_letter(
    client, db, coalition, member_of_a, make_letter, sign
):
    letter = make_letter(auto_approve_domains="y")
    assert _db.session.scalar(select(Membership.verified_domain)) == "aclu.example"
    assert "trusted domain: aclu.example" in text_of(client.get(f"/coalitions/{coalition.slug}/members"))
    page = sign(letter, organization_name="ACLU", email="director@ny.aclu.example", city="New York")
    assert "you are on the letter" in text_of(page)
    assert ACLU in text_of(client.get(f"/letters/{letter.slug}"))


def test_an_invitation_accepted_from_free_mail_verifies_no_domain(client, db, coalition, make_letter, sign):
    owner = coalition.roles[0].user
    membership = coalitions.invite(coalition, owner, contact_email="juntos.pa@gmail.com", name="Juntos")
    coalitions.accept(membership)
    db.session.commit()
    assert (membership.proposed_domain, membership.verified_domain) == (None, None)
    letter = make_letter(auto_approve_domains="y")
    assert "review each sign-on" in text_of(sign(letter, email="someone@gmail.com"))


def test_another_coalition_cannot_link_away_a_members_record(client, db, coalition, member_of_a, coalition_b):
    b = coalition_b()
    response = client.post(
        f"/coalitions/{b.slug}/members/invite",
        data={
            "organization_name": ACLU,
            "existing_organization": "new",
            "contact_email": "boss@b-owned.example",
        },
    )
    assert response.status_code == 302
    copy = _db.session.scalar(select(Organization).where(Organization.id != member_of_a.id))
    path = f"/coalitions/{b.slug}/organizations/{copy.id}/link"
    page = client.get(path).get_data(as_text=True)
    assert not re.search(rf'<option value="{member_of_a.id}"', page)

    crafted = client.post(path, data={"duplicate": str(member_of_a.id)})
    assert crafted.status_code == 200
    with pytest.raises(LinkError):
        coalitions.link_records(b.id, copy, member_of_a)
    _db.session.rollback()
    membership_of_a = _db.session.scalar(select(Membership).where(Membership.coalition_id == coalition.id))
    assert (membership_of_a.organization_id, membership_of_a.status) == (
        member_of_a.id,
        MembershipStatus.ACTIVE,
    )
    assert member_of_a.merged_into_id is None


def test_another_coalition_can_alias_a_name_onto_as_member_so_as_signers_are_listed_as_it(
    client, db, coalition, member_of_a, make_letter, coalition_b
):
    """B invites A's ACLU (never accepted), creates its own record 'Make the Road' and tries to
    link it into ACLU, so that a signer of A's letter who types 'Make the Road' is matched to ACLU."""
    from tests.letters.conftest import sign_form

    letter = make_letter()
    b = coalition_b()
    invite_as_b(client, b, member_of_a)
    client.post(
        f"/coalitions/{b.slug}/members/invite",
        data={
            "organization_name": "Make the Road",
            "existing_organization": "new",
            "contact_email": "x@b.example",
        },
    )
    decoy = _db.session.scalar(select(Organization).where(Organization.name == "Make the Road"))
    path = f"/coalitions/{b.slug}/organizations/{member_of_a.id}/link"
    assert "Another coalition uses the record" in text_of(client.get(path))
    assert client.post(path, data={"duplicate": str(decoy.id)}).status_code == 200
    with pytest.raises(LinkError):
        coalitions.link_records(b.id, member_of_a, decoy)
    _db.session.rollback()
    assert decoy.merged_into_id is None
    client.application.test_client().post(
        f"/letters/sign/{letter.signon_key}",
        data=sign_form(organization_name="Make the Road", email="ed@maketheroad.example"),
    )
    signature = _db.session.scalar(select(Signature))
    assert signature.organization_name == "Make the Road"
    assert signature.organization_id != member_of_a.id


def test_the_creator_coalition_alone_edits_its_new_records_profile(client, db, coalition, sign, coalition_b):
    b = coalition_b()
    client.post(
        f"/coalitions/{b.slug}/members/invite",
        data={"organization_name": "Brand New Group", "contact_email": "hi@brandnew.example"},
    )
    record = _db.session.scalar(select(Organization))
    assert record.owner_coalition_id == b.id
    path = f"/coalitions/{b.slug}/organizations/{record.id}/edit"
    assert "your changes show only" not in text_of(client.get(path))
    assert (
        client.post(path, data={"name": "Brand New Group", "city": "Fresno", "state": "CA"}).status_code
        == 302
    )
    _db.session.expire_all()
    assert record.city == "Fresno"

    # Once someone signs coalition A's letter for it, the profile is shared: B's changes stay B's.
    letter = letters.create_letter(
        coalition.id, None, {"title": "End 287(g)", "body": "Dear Secretary,"}, [{"name": "Jeh Johnson"}]
    )
    letters.open_letter(letter, utcnow())
    _db.session.commit()
    sign(letter, confirm=False, organization_name="Brand New Group", email="hi@brandnew.example")
    assert "your changes show only in Coalition B" in text_of(client.get(path))
    assert client.post(path, data={"name": "B's name for it", "city": "Oakland"}).status_code == 302
    _db.session.expire_all()
    assert (record.name, record.city) == ("Brand New Group", "Fresno")
    assert _db.session.scalar(select(Signature.organization_name)) == "Brand New Group"
