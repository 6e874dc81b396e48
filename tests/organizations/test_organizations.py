"""Organization names: normalization, acronyms, finding likely duplicates, linking two records."""

import pytest
from sqlalchemy import select

from campaign.coalitions import services as coalition_services
from campaign.coalitions.models import Membership, MembershipStatus
from campaign.organizations.models import Organization, OrganizationAlias, Sector
from campaign.organizations.services import (
    LinkError,
    acronym_of,
    create_organization,
    find_matches,
    link_duplicate,
    normalize_name,
)


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("The American Civil Liberties Union", "american civil liberties union"),
        ("  CHIRLA  ", "chirla"),
        ("Coalición de Derechos Humanos", "coalicion de derechos humanos"),
        ("Faith & Justice Network", "faith and justice network"),
        ("A.C.L.U.", "aclu"),
        ("People's Action -- Los Angeles", "peoples action los angeles"),
        ("The", "the"),
        ("Theater of the Oppressed", "theater of the oppressed"),
        ("", ""),
    ],
)
def test_normalize_name(typed, normalized):
    assert normalize_name(typed) == normalized


def test_acronym_uses_initials_of_significant_words():
    assert acronym_of(normalize_name("The American Civil Liberties Union")) == "aclu"
    assert acronym_of(normalize_name("Coalition for Humane Immigrant Rights")) == "chir"
    assert acronym_of("chirla") is None


def test_find_matches_by_exact_name_and_acronym(db):
    aclu = create_organization("American Civil Liberties Union", sector=Sector.CIVIL_RIGHTS)
    create_organization("American Friends Service Committee")
    db.session.commit()
    assert find_matches("the american civil liberties union") == [aclu]
    assert find_matches("ACLU") == [aclu]
    assert find_matches("A.C.L.U.") == [aclu]
    assert find_matches("Unrelated Group") == []
    assert find_matches("   ") == []


def test_find_matches_long_name_finds_record_saved_as_acronym(db):
    chirla = create_organization("CHIRLA")
    db.session.commit()
    assert find_matches("Coalition for Humane Immigrant Rights of Los Angeles") == [chirla]


def test_linking_moves_memberships_and_matches_either_name(db, make_user):
    organizer = make_user()
    one = coalition_services.create_coalition(organizer, "ICE Out of LA")
    two = coalition_services.create_coalition(organizer, "Detention Watch")
    kept = create_organization("American Civil Liberties Union")
    duplicate = create_organization("ACLU", city="Los Angeles", state="CA")
    coalition_services.invite(one, organizer, contact_email="a@aclu.example", organization=kept)
    coalition_services.invite(one, organizer, contact_email="b@aclu.example", organization=duplicate)
    coalition_services.invite(two, organizer, contact_email="c@aclu.example", organization=duplicate)
    db.session.commit()
    first = db.session.scalar(select(Membership).where(Membership.organization_id == duplicate.id))
    coalition_services.accept(first)

    link_duplicate(kept, duplicate)
    db.session.commit()

    rows = db.session.scalars(select(Membership).order_by(Membership.coalition_id)).all()
    assert [(row.coalition_id, row.organization_id) for row in rows] == [(one.id, kept.id), (two.id, kept.id)]
    assert rows[0].status == MembershipStatus.ACTIVE  # the stronger of the two memberships wins
    assert duplicate.merged_into_id == kept.id
    assert kept.city == "Los Angeles"  # what only the duplicate knew is kept
    assert db.session.scalar(select(OrganizationAlias.normalized_name)) == "aclu"
    assert find_matches("ACLU") == [kept]
    assert find_matches("American Civil Liberties Union") == [kept]


def test_linking_a_record_to_itself_or_twice_is_refused(db):
    kept = create_organization("American Civil Liberties Union")
    duplicate = create_organization("ACLU")
    with pytest.raises(LinkError):
        link_duplicate(kept, kept)
    link_duplicate(kept, duplicate)
    with pytest.raises(LinkError):
        link_duplicate(kept, duplicate)
    assert db.session.scalar(select(Organization).where(Organization.merged_into_id.is_(None))) == kept


def test_linking_a_duplicate_cannot_take_the_alias_another_organization_is_known_by(db):
    aclu = create_organization("American Civil Liberties Union")
    link_duplicate(aclu, create_organization("ACLU Foundation"))
    other = create_organization("Another Group")
    link_duplicate(other, create_organization("ACLU Foundation"))
    assert find_matches("ACLU Foundation") == [aclu]
