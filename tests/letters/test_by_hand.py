"""Signatories added by hand, their contact's confirmation, and the signatories CSV."""

import csv
import io

import pytest
from sqlalchemy import select

from campaign.letters.models import Authorization, Signature, SignatureState
from campaign.organizations.models import Organization
from campaign.organizations.services import create_organization
from tests.pages import click_confirm, text_of


def by_hand_form(**overrides) -> dict:
    return {
        "organization_name": "Puente Human Rights Movement",
        "display_name": "Puente",
        "city": "Phoenix",
        "us_state": "AZ",
        "sector": "grassroots",
        "scope": "state",
        "authorization": "phone",
        "authorized_by": "Carlos García",
        "contact_email": "",
    } | overrides


def _add(client, coalition, letter, **overrides):
    return client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures/add", data=by_hand_form(**overrides)
    )


def test_an_organization_added_by_hand_is_listed_and_makes_no_directory_record(
    client, coalition, make_letter, db
):
    letter = make_letter()
    assert _add(client, coalition, letter).status_code == 302
    signature = db.session.scalar(select(Signature))
    assert signature.state == SignatureState.APPROVED and signature.added_by_hand
    assert signature.authorization == Authorization.PHONE and signature.authorized_by == "Carlos García"
    assert signature.organization_id is None and db.session.scalar(select(Organization)) is None
    # The person's name is sealed at rest.
    raw = db.session.execute(select(Signature.authorized_by)).scalar()
    assert b"Carlos" not in raw
    assert "Puente" in text_of(client.get(f"/coalitions/{coalition.slug}/letters/{letter.id}"))
    queue = text_of(client.get(f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures?show=approved"))
    assert "Added by the coalition" in queue and "Said yes: By phone, Carlos García" in queue
    again = _add(client, coalition, letter)
    assert again.status_code == 400 and "already on the letter" in text_of(again)


def test_a_name_the_directory_knows_is_linked_to_its_record(client, coalition, make_letter, db):
    puente = create_organization("Puente Human Rights Movement")
    db.session.commit()
    letter = make_letter()
    _add(client, coalition, letter, display_name="")
    signature = db.session.scalar(select(Signature))
    assert signature.organization_id == puente.id and signature.organization_name == puente.name


def test_the_contact_confirms_from_the_emailed_link(client, coalition, make_letter, mailbox, db):
    letter = make_letter()
    _add(client, coalition, letter, contact_email="carlos@puenteaz.example", send_link="y")
    link = mailbox.last_link("carlos@puenteaz.example", "/letters/confirm/")
    assert "The coalition added Puente" in text_of(client.get(link))
    page = click_confirm(client, link)
    assert "confirmed by you" in text_of(page)
    signature = db.session.scalar(select(Signature))
    assert signature.confirmed_at is not None and signature.state == SignatureState.APPROVED
    queue = text_of(client.get(f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures?show=approved"))
    assert "Confirmed by its contact" in queue


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("organization_name", "", "Enter the organization’s name."),
        ("authorized_by", "", "Enter the name of the person who said yes."),
        ("authorization", "fax", "Choose one of the options offered."),
        ("authorized_by", "Carlos\x00García", "control"),
        ("organization_name", "x" * 10_000, "200"),
        ("send_link", "y", "Enter the contact’s email address to send the link"),
    ],
)
def test_bad_input_is_answered_next_to_its_field_and_keeps_what_was_typed(
    client, coalition, make_letter, db, field, value, message
):
    letter = make_letter()
    response = _add(client, coalition, letter, **{field: value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'value="Phoenix"' in page
    assert db.session.scalar(select(Signature)) is None


def test_signatories_csv_in_spanish_with_words_not_codes(client, coalition, make_letter, sign, db):
    letter = make_letter()
    _add(client, coalition, letter)
    with client.session_transaction() as session:
        session["lang"] = "es"
    body = client.get(f"/coalitions/{coalition.slug}/letters/{letter.id}/signatories.csv").get_data(
        as_text=True
    )
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert "Nombre en esta carta" in header and "Sitio web" in header and "Cómo se autorizó" in header
    assert row["Nombre en esta carta"] == "Puente" and row["Sector"] == "Base comunitaria"
    assert row["Alcance"] not in ("", "state") and row["Idioma"] == "Inglés" and row["Estado"] == "AZ"
    assert row["Cómo se autorizó"] == "Agregada por la coalición: Por teléfono, Carlos García"
