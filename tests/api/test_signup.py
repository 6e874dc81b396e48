"""The person signup helper (POST /api/v1/people): consent only from the words sent, the record on
file never overwritten, erased and bounced addresses screened, and one answer for everyone."""

import copy

import pytest
from sqlalchemy import func, select

from campaign.api.models import Scope
from campaign.api.signup_helper import RECEIVED
from campaign.extensions import db
from campaign.notifications import suppression
from campaign.supporters import services as supporters
from campaign.supporters.models import Consent, Subscription, Supporter
from campaign.tags.models import Tag, Tagging
from tests.api.records import SIGNUP, SIGNUP_WITHOUT_CONSENT, add_tag

WORDING = SIGNUP["consent"]["wording"]


@pytest.fixture
def sign_up(client, coalition, make_key):
    """POST a signup (SIGNUP, changed by `person` and the other keyword arguments) with a write key."""
    token = make_key(coalition, Scope.WRITE, name="Juntos website")

    def post(body=None, token=token, **changes):
        body = copy.deepcopy(SIGNUP if body is None else body)
        if "person" in changes:
            body["person"] |= changes.pop("person")
        body |= changes
        return client.post("/api/v1/people", headers={"OSDI-API-Token": token}, json=body)

    return post


def record(coalition, email="luz@example.org") -> Supporter | None:
    db.session.expire_all()
    return supporters.find_supporter(coalition.id, email)


def address(email, status=None) -> list[dict]:
    return [{"address": email} | ({"status": status} if status else {})]


def test_a_new_person_is_on_file_subscribed_with_the_words_sent_and_tagged(coalition, sign_up):
    for name in ("Volunteers", "Vecinos de Kensington"):
        add_tag(coalition, name, [])
    response = sign_up()
    assert response.status_code == 200 and response.get_json() == RECEIVED
    luz = record(coalition)
    assert (luz.first_name, luz.last_name, luz.zip_code, luz.language) == ("Luz", "Morales", "19104", "es")
    assert luz.confirmed_at is not None  # the coalition's key brought them in, as an import does
    assert luz.subscription == Subscription.SUBSCRIBED
    (consent,) = luz.consents
    assert (consent.wording, consent.language, consent.source) == (WORDING, "es", "API key Juntos website")
    names = db.session.scalars(
        select(Tag.name).join(Tagging, Tagging.tag_id == Tag.id).where(Tagging.supporter_id == luz.id)
    ).all()
    assert sorted(names) == ["Vecinos de Kensington", "Volunteers"]


def test_the_answer_is_the_same_for_a_new_person_one_on_file_an_erased_and_a_bounced_one(
    db, coalition, add_people, sign_up
):
    """A write key learns nothing of who is on file: not even the headers differ."""
    add_people(coalition)
    erased = supporters.upsert_supporter(
        coalition.id, email="gone@example.org", first_name="G", language="en"
    )
    supporters.erase_supporter_data("gone@example.org")
    suppression.suppress(coalition.id, "bounced@example.org", "bounced: 550")
    db.session.commit()
    answers = set()
    for email in ("new@example.org", "ana@example.org", "gone@example.org", "bounced@example.org"):
        response = sign_up(person={"email_addresses": address(email)})
        answers.add((response.status_code, response.get_data(), tuple(sorted(response.headers.items()))))
    assert len(answers) == 1
    assert erased.erased_at is not None and record(coalition, "gone@example.org") is None  # not brought back
    bounced = record(coalition, "bounced@example.org")
    assert (
        bounced.subscription == Subscription.NOT_ASKED and not bounced.consents
    )  # never subscribed by a list


def test_status_subscribed_without_the_words_is_refused_and_nothing_is_saved(coalition, sign_up):
    response = sign_up(SIGNUP_WITHOUT_CONSENT)
    assert response.status_code == 400
    assert "send the words they agreed to" in response.get_json()["error"]
    assert record(coalition) is None
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 0


def test_without_a_status_or_words_a_new_person_is_on_file_but_not_subscribed(coalition, sign_up):
    body = {"person": {"email_addresses": address("luz@example.org")}}
    assert sign_up(body).status_code == 200
    luz = record(coalition)
    assert luz.subscription == Subscription.NOT_ASKED and not luz.consents and luz.first_name == ""


def test_someone_who_unsubscribed_stays_unsubscribed(coalition, add_people, sign_up):
    ana, _ = add_people(coalition)
    supporters.unsubscribe(db.session.get(Supporter, ana))
    db.session.commit()
    assert sign_up(person={"email_addresses": address("ana@example.org", "subscribed")}).status_code == 200
    again = record(coalition, "ana@example.org")
    assert again.subscription == Subscription.UNSUBSCRIBED
    assert all(consent.withdrawn_at is not None for consent in again.consents)
    assert len(again.consents) == 1  # the first one, withdrawn: no new consent recorded


def test_status_unsubscribed_is_honoured_and_withdraws_the_consent(coalition, add_people, sign_up):
    add_people(coalition)  # Ana subscribed
    response = sign_up(
        SIGNUP_WITHOUT_CONSENT, person={"email_addresses": address("ana@example.org", "unsubscribed")}
    )
    assert response.status_code == 200
    ana = record(coalition, "ana@example.org")
    assert ana.subscription == Subscription.UNSUBSCRIBED and ana.consents[0].withdrawn_at is not None


def test_words_with_status_unsubscribed_contradict_each_other(coalition, sign_up):
    response = sign_up(person={"email_addresses": address("luz@example.org", "unsubscribed")})
    assert response.status_code == 400 and record(coalition) is None


def test_a_record_on_file_is_never_overwritten_its_blanks_are_filled(coalition, add_people, sign_up):
    """Ben is on file without a last name; whoever posts his address cannot rename him."""
    _, ben = add_people(coalition)
    before = db.session.get(Supporter, ben).subscription
    person = {
        "given_name": "Benjamin",
        "family_name": "Okafor",
        "email_addresses": address("ben@example.org"),
        "postal_addresses": [{"postal_code": "90012"}],
        "languages_spoken": ["es"],
    }
    assert sign_up(SIGNUP_WITHOUT_CONSENT, person=person).status_code == 200
    again = record(coalition, "ben@example.org")
    assert (again.first_name, again.last_name, again.zip_code, again.language) == (
        "Ben",
        "Okafor",
        "19104",
        "en",
    )
    assert again.subscription == before


def test_a_subscriber_is_not_asked_again(coalition, add_people, sign_up):
    add_people(coalition)
    assert sign_up(person={"email_addresses": address("ana@example.org")}).status_code == 200
    assert len(record(coalition, "ana@example.org").consents) == 1


def test_the_same_signup_twice_makes_one_person_one_consent_and_one_tagging_each(coalition, sign_up):
    for name in ("Volunteers", "Vecinos de Kensington"):
        add_tag(coalition, name, [])
    assert [sign_up().status_code for _ in range(2)] == [200, 200]
    assert db.session.scalar(select(func.count()).select_from(Supporter)) == 1
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 1
    assert db.session.scalar(select(func.count()).select_from(Tagging)) == 2


def test_tags_are_found_by_name_whatever_the_case_and_accents(coalition, add_people, sign_up):
    add_people(coalition)
    existing = add_tag(coalition, "Vecinos de Kensington", [])
    assert sign_up(add_tags=["VECINOS DE KENSÍNGTON", "vecinos de kensington"]).status_code == 200
    assert db.session.scalars(select(Tag.id)).all() == [existing]
    assert db.session.scalars(select(Tagging.supporter_id)).all() == [record(coalition).id]


def test_a_person_only_typed_into_a_form_stays_off_file_and_untagged(coalition, sign_up):
    """Anyone may have typed the address into a public form: the API's word does not confirm it."""
    supporters.upsert_supporter(coalition.id, email="luz@example.org", first_name="Luz", language="es")
    db.session.commit()
    assert sign_up().status_code == 200
    luz = record(coalition)
    assert luz.confirmed_at is None and db.session.scalar(select(Tagging.id)) is None


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"person": {"email_addresses": []}}, "person.email_addresses[0].address: Enter your email address."),
        ({"person": {"email_addresses": address("not-an-address")}}, "person.email_addresses[0].address"),
        ({"person": {"email_addresses": address("luz@example.org", "bouncing")}}, "status is subscribed or"),
        ({"person": {"given_name": "Luz\x00"}}, "person.given_name"),
        ({"person": {"given_name": "Luz\r\nBcc: x@example.org"}}, "person.given_name"),
        ({"person": {"given_name": "x" * 10_000}}, "person.given_name"),
        ({"person": {"given_name": "\ud800"}}, "person.given_name"),
        ({"person": {"given_name": "<script>"}}, "Use plain text here"),
        ({"person": {"postal_addresses": [{"postal_code": "00000"}]}}, "We do not know this ZIP code"),
        ({"add_tags": "Volunteers"}, "add_tags is a list of tag names"),
        ({"add_tags": [""]}, "add_tags[0]: Give the tag a name."),
        ({"add_tags": ["ok", "x" * 101]}, "add_tags[1]"),
        ({"add_tags": ["<b>x</b>"]}, "add_tags[0]: Use plain text here"),
        ({"add_tags": ["a\x00"]}, "add_tags[0]"),
        ({"add_tags": [f"t{n}" for n in range(21)]}, "at most 20"),
        ({"consent": "yes"}, "consent is an object of strings"),
        ({"consent": {"wording": ""}}, "consent.wording is the words the person agreed to"),
        ({"consent": {"wording": "x" * 2001}}, "consent.wording: Keep the wording under 2,000 characters."),
        ({"consent": {"wording": "Sí", "language": "fr"}}, "consent.language"),
        ({"consent": {"wording": "Sí", "language": 1}}, "consent is an object of strings"),
        ({"person": "luz@example.org"}, "a `person` object"),
    ],
)
def test_bad_input_is_a_json_400_saying_where_and_nothing_is_saved(coalition, sign_up, changes, error):
    response = sign_up(changes) if isinstance(changes.get("person"), str) else sign_up(**changes)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert error in response.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(Supporter)) == 0


def test_a_body_that_is_not_json_is_a_400(coalition, make_key, client):
    token = make_key(coalition, Scope.WRITE)
    for data in (b"person=luz", b"[" * 100_000, b"\xff\xfe"):
        response = client.post(
            "/api/v1/people", headers={"OSDI-API-Token": token}, data=data, content_type="application/json"
        )
        assert response.status_code == 400 and "person" in response.get_json()["error"]


def test_only_a_write_key_signs_people_up(coalition, make_key, sign_up):
    for scope in (Scope.READ_COUNTS, Scope.READ_PEOPLE):
        response = sign_up(token=make_key(coalition, scope, name=str(scope)))
        assert response.status_code == 403, scope
    assert record(coalition) is None
    assert sign_up(token="cdk_nope").status_code == 401


def test_the_entry_point_links_the_helper_for_a_write_key(coalition, make_key, call):
    links = call("/api/v1/", make_key(coalition, Scope.WRITE)).get_json()["_links"]
    assert links["osdi:person_signup_helper"]["href"] == "http://localhost/api/v1/people"
    assert "osdi:people" not in links and "osdi:tags" not in links
    assert "osdi:person_signup_helper" not in call("/api/v1/", make_key(coalition)).get_json()["_links"]


def test_each_coalition_signs_up_its_own_copy(
    coalition, add_people, make_key, sign_up, make_user, make_coalition
):
    add_people(coalition)
    other = make_coalition(make_user(email="b@example.org"), name="Coalition B")
    assert (
        sign_up(
            person={"email_addresses": address("ana@example.org")}, token=make_key(other, Scope.WRITE)
        ).status_code
        == 200
    )
    theirs = supporters.find_supporter(other.id, "ana@example.org")
    ours = record(coalition, "ana@example.org")
    assert theirs.id != ours.id and ours.first_name == "Ana" and theirs.first_name == "Luz"
