"""Hostile input on a letter's sign-on: choices that are not choices, control characters, addresses."""

import pytest
from sqlalchemy import select

from campaign.letters.models import Signature
from campaign.organizations.models import Organization
from tests.letters.conftest import sign_form
from tests.pages import text_of

SECTOR_MESSAGE = "Choose the sector closest to your organization’s work."


def post_sign(client, letter, **overrides):
    return client.post(f"/letters/sign/{letter.signon_key}", data=sign_form(**overrides))


def test_choose_a_sector_left_as_it_is_is_refused_not_saved_for_a_500_later(client, make_letter, db):
    letter = make_letter()
    response = post_sign(client, letter, sector="")
    assert response.status_code == 400
    assert SECTOR_MESSAGE in text_of(response)
    assert 'value="Erika Almirón"' in response.get_data(as_text=True)
    assert db.session.query(Signature).count() == 0


def test_choose_a_sector_left_as_it_is_is_refused_in_spanish(client, make_letter):
    letter = make_letter()
    client.get("/language/es")
    assert "Elige el sector más cercano" in text_of(post_sign(client, letter, sector=""))


@pytest.mark.parametrize(
    ("sector", "scope"),
    [("bogus", "local"), ("grassroots", "planetary"), ("  ", "local"), ("grassroots", " ")],
)
def test_a_crafted_sector_or_scope_is_refused(client, make_letter, db, sector, scope):
    response = post_sign(client, make_letter(), sector=sector, scope=scope)
    assert response.status_code == 400
    assert db.session.query(Signature).count() == 0
    assert db.session.query(Organization).count() == 0


def test_an_individual_leaves_the_sector_as_it_is(client, make_letter, sign, db):
    letter = make_letter(allow_individuals="y")
    sign(letter, kind="individual", organization_name="", sector="", scope="", authorized="")
    assert db.session.scalar(select(Signature.sector)) is None


@pytest.mark.parametrize("field", ["organization_name", "city", "signer_name", "signer_title", "website"])
def test_a_nul_in_the_sign_on_is_refused_with_what_was_typed_kept(client, make_letter, db, field):
    response = post_sign(client, make_letter(), **{field: "Juntos\x00 Phila"})
    assert response.status_code == 400
    assert "This field had invisible control characters" in text_of(response)
    assert 'value="Juntos Phila"' in response.get_data(as_text=True)
    assert db.session.query(Signature).count() == 0


def test_an_accented_local_part_is_refused_and_an_international_domain_signs(
    client, make_letter, mailbox, db
):
    letter = make_letter()
    refused = post_sign(client, letter, email="erika.almirón@juntos.example")
    assert "Use an address with no accents" in text_of(refused)
    assert post_sign(client, letter, email="erika@juntos-filadelfía.example").status_code == 302
    assert [message["To"] for message in mailbox.messages()] == ["erika@xn--juntos-filadelfa-nsb.example"]


def test_a_decision_on_an_id_no_column_holds_is_no_error(client, coalition, make_letter, sign):
    letter = make_letter()
    sign(letter)
    response = client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures?show=" + "x" * 10_000,
        data={"signature_id": ["9" * 30, "٣", "-1"], "approve": "Approve selected"},
    )
    assert response.status_code == 302
    assert len(response.headers["Location"]) < 200


def test_an_organization_name_whose_compared_form_grows_still_fits_its_columns(client, make_letter, db):
    """ "&" is compared as " and ", and a ligature as its letters: PostgreSQL refuses a value
    longer than its column (SQLite here does not, so the lengths are checked)."""
    letter = make_letter()
    for name in ("&" * 200, " ".join("abcdefghijklmnopqrstuvwxyz" * 4)[:199], "\ufdfa" * 200):
        assert post_sign(client, letter, organization_name=name, email="x@example.org").status_code == 302
    organizations = db.session.scalars(select(Organization)).all()
    assert len(organizations) == 3
    for organization in organizations:
        assert len(organization.normalized_name) <= 200
        assert organization.acronym is None or len(organization.acronym) <= 40
