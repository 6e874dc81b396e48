"""One consent rule, applied alike by the three helpers (docs/api/README.md, "The helpers: what
they share"): the words subscribe, a status alone does not; someone unsubscribed stays
unsubscribed; an address that bounced or was erased is never subscribed. Each case runs on every
helper, and on the signature helper with and without trusted source; `settle` does what makes
the action count (the signer's click), so that the rule is judged on what finally lands."""

import pytest
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.notifications import suppression
from campaign.supporters import services as supporters
from campaign.supporters.models import Consent, Subscription, Supporter
from campaign.tags.models import Tag
from tests.api.helper_table import WORDING, person


def consents(coalition, email: str) -> list[tuple[str, str]]:
    found = person(coalition, email)
    return [(each.wording, each.language) for each in found.consents] if found else []


def on_file(coalition, email: str, subscribed: bool) -> Supporter:
    supporter = supporters.upsert_supporter(
        coalition.id, email=email, first_name="Ana", language="en", confirmed=True
    )
    if subscribed:
        supporters.record_consent(supporter, "Old words.", "en", "test")
    db.session.commit()
    return supporter


def test_the_words_subscribe_in_their_own_language(coalition, helper):
    assert helper.send("new@example.org", consent=WORDING).status_code in (200, 201)
    helper.settle("new@example.org")
    assert person(coalition, "new@example.org").subscription == Subscription.SUBSCRIBED
    assert consents(coalition, "new@example.org") == [(WORDING["wording"], "es")]


def test_without_words_nobody_is_subscribed(coalition, helper):
    assert helper.send("new@example.org").status_code in (200, 201)
    helper.settle("new@example.org")
    assert person(coalition, "new@example.org").subscription == Subscription.NOT_ASKED


def test_status_subscribed_without_words_is_a_400_and_nothing_is_recorded(coalition, helper):
    response = helper.send("new@example.org", status="subscribed")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("person.email_addresses[0].status: to subscribe")
    assert person(coalition, "new@example.org") is None
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 0  # not even its tags


def test_words_with_status_unsubscribed_are_a_400(coalition, helper):
    response = helper.send("new@example.org", status="unsubscribed", consent=WORDING)
    assert response.status_code == 400 and "person.email_addresses[0].status" in response.get_json()["error"]
    assert person(coalition, "new@example.org") is None


def test_status_unsubscribed_unsubscribes_the_person_on_file(coalition, helper):
    on_file(coalition, "ana@example.org", subscribed=True)
    assert helper.send("ana@example.org", status="unsubscribed").status_code in (200, 201)
    ana = person(coalition, "ana@example.org")
    assert ana.subscription == Subscription.UNSUBSCRIBED
    assert all(consent.withdrawn_at is not None for consent in ana.consents)


def test_someone_who_unsubscribed_stays_unsubscribed(coalition, helper):
    supporters.unsubscribe(on_file(coalition, "ana@example.org", subscribed=True))
    db.session.commit()
    assert helper.send("ana@example.org", status="subscribed", consent=WORDING).status_code in (200, 201)
    helper.settle("ana@example.org")
    assert person(coalition, "ana@example.org").subscription == Subscription.UNSUBSCRIBED
    assert consents(coalition, "ana@example.org") == [("Old words.", "en")]  # no new one


def test_an_address_that_bounced_is_never_subscribed(coalition, helper):
    suppression.suppress(coalition.id, "bounced@example.org", "bounced: 550")
    db.session.commit()
    assert helper.send("bounced@example.org", consent=WORDING).status_code in (200, 201)
    helper.settle("bounced@example.org")
    bounced = person(coalition, "bounced@example.org")
    assert bounced is None or bounced.subscription == Subscription.NOT_ASKED
    assert consents(coalition, "bounced@example.org") == []


def test_an_erased_address_is_never_subscribed_nor_put_on_file_by_a_key(coalition, helper):
    on_file(coalition, "gone@example.org", subscribed=True)
    supporters.erase_supporter_data("gone@example.org")
    db.session.commit()
    assert helper.send("gone@example.org", consent=WORDING).status_code in (200, 201)
    again = person(coalition, "gone@example.org")  # only typed in, waiting for its owner, if at all
    assert again is None or (again.confirmed_at is None and again.subscription == Subscription.NOT_ASKED)
    # Not back on file either, not even with trusted source (the attacker's first find).
    assert db.session.scalar(supporters.on_file(coalition.id, func.count())) == 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(Consent).where(Consent.wording == WORDING["wording"])
        )
        == 0
    )


@pytest.mark.parametrize(
    ("consent", "error"),
    [
        ("yes", "consent is an object of strings"),
        ({"wording": ["yes"]}, "consent is an object of strings"),
        ({"wording": ""}, "consent.wording is the words the person agreed to"),
        ({"wording": "x" * 2001}, "consent.wording: Keep the wording under 2,000 characters."),
        ({"wording": "<b>Sí</b>"}, "consent.wording: Use plain text here"),
        ({"wording": "Sí\x00"}, "consent.wording: "),
        ({"wording": "Sí", "language": "fr"}, "consent.language: "),
    ],
)
def test_consent_in_another_shape_is_a_400_naming_its_path(coalition, helper, consent, error):
    response = helper.send("new@example.org", consent=consent)
    assert response.status_code == 400 and response.get_json()["error"].startswith(error)
    assert person(coalition, "new@example.org") is None
