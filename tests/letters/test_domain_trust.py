"""Automatic approval by domain: a member's domain is trusted only once an organizer says so,
and a free-mail provider's domain, in any country, is never offered for trust."""

import pytest
from sqlalchemy import select

from campaign.coalitions import services as coalitions
from campaign.coalitions.models import Membership
from campaign.extensions import db as _db
from campaign.letters.models import Signature, SignatureState
from tests.pages import text_of


def accepted_member(coalition, contact_email, name="Juntos"):
    membership = coalitions.invite(coalition, coalition.roles[0].user, contact_email=contact_email, name=name)
    coalitions.accept(membership)
    _db.session.commit()
    return membership


@pytest.mark.parametrize(
    "free_mail",
    ["hotmail.es", "yahoo.com.mx", "outlook.es", "hotmail.co.uk", "gmx.de", "web.de", "proton.me"],
)
def test_an_imposter_at_a_free_mail_domain_missing_from_the_list_is_approved_at_once(
    client, db, coalition, make_letter, sign, free_mail
):
    # A small group that uses a free-mail box accepts; even a one-click trust is never offered.
    membership = accepted_member(coalition, f"comite.juntos@{free_mail}")
    letter = make_letter(auto_approve_domains="y")
    # Anyone with a box at the same provider signs as Juntos: it waits for review.
    page = sign(letter, organization_name="Juntos", email=f"mallory@{free_mail}", signer_name="Mallory")
    assert "review each sign-on" in text_of(page)
    assert _db.session.scalar(select(Signature.state)) == SignatureState.PENDING
    assert (membership.proposed_domain, membership.verified_domain) == (None, None)


def test_accepting_from_a_domain_approves_no_one_until_an_organizer_trusts_it(
    client, db, coalition, make_letter, sign
):
    membership = accepted_member(coalition, "ana@maketheroad.example", name="Make the Road")
    assert (membership.proposed_domain, membership.verified_domain) == ("maketheroad.example", None)
    letter = make_letter(auto_approve_domains="y")
    assert "review each sign-on" in text_of(
        sign(letter, organization_name="Make the Road", email="jo@maketheroad.example")
    )
    members_page = text_of(client.get(f"/coalitions/{coalition.slug}/members"))
    assert "Trust addresses at maketheroad.example for Make the Road" in members_page
    response = client.post(
        f"/coalitions/{coalition.slug}/members/{membership.id}/domain", data={"trust": "1"}
    )
    assert response.status_code == 302
    _db.session.refresh(membership)
    assert (membership.proposed_domain, membership.verified_domain) == (None, "maketheroad.example")
    next_letter = make_letter(auto_approve_domains="y", title="Stop the raids")
    assert "you are on the letter" in text_of(
        sign(next_letter, organization_name="Make the Road", email="jo@maketheroad.example")
    )


def test_an_organizer_can_dismiss_a_proposed_domain(client, db, coalition):
    membership = accepted_member(coalition, "ana@maketheroad.example", name="Make the Road")
    client.post(f"/coalitions/{coalition.slug}/members/{membership.id}/domain", data={"dismiss": "1"})
    _db.session.refresh(membership)
    assert (membership.proposed_domain, membership.verified_domain) == (None, None)


def test_a_viewer_or_another_coalition_cannot_trust_a_members_domain(
    client,
    db,
    coalition,
    make_user,
    login,
    add_teammate,  # noqa: F811
):
    from campaign.coalitions.models import Role

    membership = accepted_member(coalition, "ana@maketheroad.example", name="Make the Road")
    add_teammate(coalition, Role.VIEWER, "viewer@example.org")
    client.post("/accounts/logout")
    login("viewer@example.org")
    path = f"/coalitions/{coalition.slug}/members/{membership.id}/domain"
    assert client.post(path, data={"trust": "1"}).status_code == 403
    stranger = make_user(email="b@example.org", name="Bea")
    other = coalitions.create_coalition(stranger, "Coalition B")
    _db.session.commit()
    client.post("/accounts/logout")
    login("b@example.org")
    assert (
        client.post(
            f"/coalitions/{other.slug}/members/{membership.id}/domain", data={"trust": "1"}
        ).status_code
        == 404
    )
    assert _db.session.scalar(select(Membership.verified_domain)) is None


@pytest.mark.parametrize(
    "domain",
    [
        "posteo.de",
        "mailbox.org",
        "riseup.net",
        "comcast.net",
        "naver.com",
        "rocketmail.com",
        "duck.com",
        "hey.com.",
        "GMAIL.COM",
        "mail.yahoo.co.jp",
        "us.mail.posteo.de",
    ],
)
def test_a_well_known_free_mail_provider_is_never_proposed_for_trust(domain):
    assert coalitions.is_free_mail(domain)


@pytest.mark.parametrize("domain", ["mail.aclu.example", "maketheroad.example", "live-oak-collective.org"])
def test_an_organizations_own_domain_is_proposed_even_when_it_looks_like_a_mail_host(domain):
    assert not coalitions.is_free_mail(domain)


def test_a_free_mail_domain_proposed_before_the_provider_was_known_cannot_be_trusted(client, db, coalition):
    membership = accepted_member(coalition, "comite.juntos@example-free-mail.example")
    membership.proposed_domain = "gmail.com"  # as an older list of providers would have left it
    _db.session.commit()
    response = client.post(
        f"/coalitions/{coalition.slug}/members/{membership.id}/domain",
        data={"trust": "1"},
        follow_redirects=True,
    )
    assert "Anyone can have an address at gmail.com: it cannot be trusted." in text_of(response)
    _db.session.refresh(membership)
    assert (membership.proposed_domain, membership.verified_domain) == (None, None)


@pytest.mark.parametrize("membership_id", ["2147483648", "9223372036854775808", "99999999999999999999"])
def test_an_id_beyond_the_integer_range_answers_404_not_500(client, db, coalition, membership_id):
    response = client.post(
        f"/coalitions/{coalition.slug}/members/{membership_id}/domain", data={"trust": "1"}
    )
    assert response.status_code == 404
    assert (
        client.post(f"/coalitions/{coalition.slug}/team/invitations/{membership_id}/revoke").status_code
        == 404
    )


def test_a_member_that_left_cannot_have_its_domain_trusted_by_a_crafted_post(client, db, coalition):
    membership = accepted_member(coalition, "ana@maketheroad.example", name="Make the Road")
    coalitions.leave(membership)
    _db.session.commit()
    response = client.post(
        f"/coalitions/{coalition.slug}/members/{membership.id}/domain", data={"trust": "1"}
    )
    assert response.status_code == 404
    _db.session.refresh(membership)
    assert membership.verified_domain is None
