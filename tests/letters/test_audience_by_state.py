"""Narrowing an alert to letter signers by state, though the sign-on asks no ZIP (defect 5)."""

from sqlalchemy import select

from campaign.letters.models import Signature
from campaign.notifications import audience
from campaign.notifications.models import Message, MessageKind
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
    assert "1 person in this audience has no ZIP code on file" in text_of(response)
    assert "Narrow by state instead" in text_of(response)
