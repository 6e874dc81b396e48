"""The name of whoever said yes for an organization added by hand is a person's: it goes when its
contact is erased, and with the letter's individual signers when retention forgets them."""

from datetime import timedelta

from sqlalchemy import select

from campaign.core.outbox import utcnow
from campaign.letters import services
from campaign.letters.models import Signature
from campaign.letters.tasks import forget_individual_signers
from campaign.supporters.services import erase_supporter_data
from tests.letters.test_by_hand import _add
from tests.pages import text_of


def queue_of(client, coalition, letter) -> str:
    return text_of(client.get(f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures?show=approved"))


def authorizers(db) -> dict[str, str | None]:
    db.session.expire_all()
    return {s.organization_name: s.authorized_by for s in db.session.scalars(select(Signature))}


def test_erasing_the_contact_erases_who_said_yes_and_the_entry_stays_listed(
    client, coalition, make_letter, db
):
    letter = make_letter()
    _add(client, coalition, letter, contact_email="carlos@puenteaz.example")
    # Another organization, another contact: untouched.
    _add(
        client,
        coalition,
        letter,
        organization_name="Mijente",
        display_name="",
        authorized_by="Marisa Franco",
        contact_email="marisa@mijente.example",
    )
    erase_supporter_data("carlos@puenteaz.example")
    db.session.commit()
    assert authorizers(db) == {"Puente": None, "Mijente": "Marisa Franco"}
    queue = queue_of(client, coalition, letter)
    assert "Said yes: By phone, (name erased)" in queue and "Carlos García" not in queue
    assert "Said yes: By phone, Marisa Franco" in queue
    assert "Puente" in text_of(client.get(f"/letters/{letter.slug}"))  # still listed


def deliver(db, letter, days_ago):
    services.record_delivery(letter, (utcnow() - timedelta(days=days_ago)).date(), "By hand", "The Secretary")
    db.session.commit()


def test_retention_forgets_who_said_yes_on_a_letter_done_with_long_ago(client, coalition, make_letter, db):
    old, recent = make_letter(), make_letter(title="A recent letter")
    _add(client, coalition, old)  # no contact: nobody to erase it for, so retention must
    _add(
        client, coalition, recent, organization_name="Mijente", display_name="", authorized_by="Marisa Franco"
    )
    deliver(db, old, days_ago=181)
    deliver(db, recent, days_ago=179)
    forget_individual_signers()  # the daily job, with LETTER_SIGNERS_KEPT_DAYS = 180
    assert authorizers(db) == {"Puente": None, "Mijente": "Marisa Franco"}
    assert "Said yes: By phone, (name erased)" in queue_of(client, coalition, old)
    export = client.get(f"/coalitions/{coalition.slug}/letters/{old.id}/signatories.csv")
    assert "Carlos" not in export.get_data(as_text=True) and "Puente" in export.get_data(as_text=True)
