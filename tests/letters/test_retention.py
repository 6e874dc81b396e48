"""Retention: a letter delivered long ago no longer names its individual signers; organizations stay."""

from datetime import timedelta

from sqlalchemy import select

from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.letters import services, signatories
from campaign.letters.models import Signature, SignerKind
from campaign.letters.tasks import forget_individual_signers
from campaign.notifications.models import Message
from tests.letters.conftest import approve_all
from tests.pages import text_of


def delivered(client, coalition, make_letter, sign, days_ago):
    letter = make_letter(allow_individuals="y")
    sign(letter)  # Juntos, signed by Erika Almirón
    sign(letter, kind="individual", signer_name="Rosa Quintero", email="rosa@example.org", show_name="y")
    sign(letter, kind="individual", signer_name="Luis Ortiz", email="luis@example.org")
    approve_all(client, coalition, letter)
    services.record_delivery(letter, (utcnow() - timedelta(days=days_ago)).date(), "By hand", "The Secretary")
    db.session.commit()
    return letter


def test_individual_signers_of_a_letter_delivered_long_ago_are_forgotten_and_organizations_stay(
    client, coalition, make_letter, sign
):
    letter = delivered(client, coalition, make_letter, sign, days_ago=181)
    listed = signatories.public_list(letter)
    assert [s.name for s in listed.individuals] == ["Rosa Quintero"] and listed.individual_count == 2

    letter_notices = select(Message.id).where(Message.dedupe_key.startswith(f"letter:{letter.id}:"))
    assert db.session.scalars(letter_notices).all()  # "delivered", to every signatory
    forget_individual_signers()  # the daily beat job, with LETTER_SIGNERS_KEPT_DAYS = 180
    db.session.expire_all()

    by_kind = {
        kind: db.session.scalars(select(Signature).where(Signature.kind == kind)).all() for kind in SignerKind
    }
    for person in by_kind[SignerKind.INDIVIDUAL]:
        assert (person.supporter_id, person.signer_name, person.signer_title, person.show_name) == (
            None,
            None,
            None,
            False,
        )
        assert person.signer_key == f"forgotten:{person.id}"
    [organization] = by_kind[SignerKind.ORGANIZATION]
    assert organization.supporter_id is not None and organization.signer_name == "Erika Almirón"
    assert db.session.scalars(letter_notices).all() == []
    listed = signatories.public_list(letter)
    assert listed.individuals == [] and listed.individual_count == 2
    page = text_of(client.get(f"/letters/{letter.slug}"))
    assert "Juntos" in page and "Rosa Quintero" not in page and "2 individuals" in page
    export = client.get(f"/coalitions/{coalition.slug}/letters/{letter.id}/signatories.csv")
    assert export.status_code == 200 and len(export.get_data(as_text=True).splitlines()) == 4
    assert "rosa@example.org" not in export.get_data(as_text=True)


def test_individual_signers_are_kept_until_the_retention_period_has_passed(
    client, coalition, make_letter, sign
):
    letter = delivered(client, coalition, make_letter, sign, days_ago=179)
    forget_individual_signers()
    db.session.expire_all()
    assert [s.name for s in signatories.public_list(letter).individuals] == ["Rosa Quintero"]
    assert None not in db.session.scalars(select(Signature.supporter_id)).all()
