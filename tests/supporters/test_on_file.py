"""Anyone can type an address into a public form: the record it makes is on file (listed,
tagged, counted, handed to the API) only once the address's owner confirms something."""

from sqlalchemy import func, select

from campaign.api.models import Scope
from campaign.extensions import db
from campaign.supporters import services
from campaign.supporters.models import Supporter
from campaign.tags import services as tags
from campaign.tags.models import Tagging
from tests.api.conftest import _room_for_many_calls, call, make_key  # noqa: F401 - fixtures
from tests.pages import click_confirm
from tests.petitions.conftest import make_petition, sign  # noqa: F401 - fixtures

VICTIM = "victim@example.org"


def victim(coalition) -> Supporter:
    db.session.expire_all()
    return services.find_supporter(coalition.id, VICTIM)


def api_addresses(get, token) -> list[str]:
    body = get("/api/v1/people", token).get_json()
    return [person["email_addresses"][0]["address"] for person in body["_embedded"]["osdi:people"]]


def test_a_stranger_typing_an_address_into_a_petition_puts_nobody_on_file_until_its_owner_confirms(
    client,
    coalition,
    make_petition,  # noqa: F811
    sign,  # noqa: F811
    make_key,  # noqa: F811
    call,  # noqa: F811
    mailbox,
):
    petition = make_petition()
    sign(petition, confirm=False, email=VICTIM, first_name="Typedby", last_name="Stranger")
    record = victim(coalition)
    assert record is not None and record.confirmed_at is None
    token = make_key(coalition, Scope.READ_PEOPLE)
    tag = tags.create_tag(coalition.id, "Volunteers", None)
    db.session.commit()

    assert VICTIM not in api_addresses(call, token)
    assert call(f"/api/v1/people/{record.id}", token).status_code == 404
    page = client.get(f"/coalitions/{coalition.slug}/supporters").get_data(as_text=True)
    assert "Typedby" not in page and "<strong>0</strong> supporters" in page
    client.post(
        f"/coalitions/{coalition.slug}/supporters/tagging",
        data={"supporters": [str(record.id)], "tag": str(tag.id), "add": "1"},
    )
    assert db.session.scalar(select(func.count()).select_from(Tagging)) == 0

    # The owner clicks the link in the email: the record is theirs, with what was signed.
    click_confirm(client, mailbox.last_link(VICTIM, "/petitions/confirm/"))
    assert victim(coalition).confirmed_at is not None
    assert VICTIM in api_addresses(call, token)
    assert call(f"/api/v1/people/{record.id}", token).status_code == 200
    page = client.get(f"/coalitions/{coalition.slug}/supporters").get_data(as_text=True)
    assert "Typedby" in page and "<strong>1</strong> supporters" in page


def test_using_the_preferences_link_is_the_owners_hand(client, coalition):
    saved = services.upsert_supporter(coalition.id, email=VICTIM, first_name="Rosa", language="es")
    db.session.commit()
    client.post(f"/u/{saved.preferences_token}", data={"language": "es"})
    assert victim(coalition).confirmed_at is not None


def test_one_click_unsubscribe_is_the_owners_hand(client, coalition):
    saved = services.upsert_supporter(coalition.id, email=VICTIM, first_name="Rosa", language="es")
    db.session.commit()
    client.post(f"/u/{saved.preferences_token}/one-click")
    assert victim(coalition).confirmed_at is not None


def test_a_record_brought_in_confirmed_stays_as_it_was_if_the_address_was_on_file(coalition):
    """An import (or a walk-in) puts a new address on file; one a stranger typed before stays
    off it, with the stranger's name, until its owner confirms."""
    typed = services.save_supporter(coalition.id, email=VICTIM, first_name="Typedby", language="en")
    again = services.save_supporter(
        coalition.id, email=VICTIM, first_name="Rosa", language="en", confirmed=True
    )
    new = services.save_supporter(
        coalition.id, email="new@example.org", first_name="Nu", language="en", confirmed=True
    )
    assert again.id == typed.id and victim(coalition).confirmed_at is None
    on_file = db.session.scalars(services.on_file(coalition.id, Supporter.id)).all()
    assert on_file == [new.id]


def test_an_erased_person_is_no_longer_on_file_but_still_counted(coalition):
    saved = services.upsert_supporter(
        coalition.id, email=VICTIM, first_name="Rosa", language="en", confirmed=True
    )
    services.erase_supporter_data(VICTIM)
    assert db.session.scalars(services.on_file(coalition.id)).all() == []
    counts = services.supporter_counts(services.counted(coalition.id))
    assert (counts.total, counts.erased) == (1, 1) and saved.is_erased
