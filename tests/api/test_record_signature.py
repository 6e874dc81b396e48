"""The record signature helper: the public form's rules (confirmation, dedupe, closed petitions,
nobody's record changed before their click), trusted source, consent, tags, hostile bodies, and
one answer for everyone."""

import json

import pytest
from sqlalchemy import func, select

from campaign.api.models import ApiKey, Scope
from campaign.coalitions import services as coalitions
from campaign.extensions import db as _db
from campaign.petitions.models import Petition, PetitionSignature, SignatureState
from campaign.supporters import services as supporters
from campaign.supporters.models import Consent, Subscription, Supporter
from campaign.tags import services as tags
from campaign.tags.models import Tagging
from tests.pages import click_confirm
from tests.petitions.conftest import petition_form, tally_now

CONFIRM = "/petitions/confirm/"


def signer(email="rosa@example.org", given_name="Rosa", zip_code="19104", **extra) -> dict:
    person = {
        "given_name": given_name,
        "family_name": "Díaz",
        "email_addresses": [{"address": email}],
        "postal_addresses": [{"postal_code": zip_code}],
        "languages_spoken": ["es"],
    }
    return {"person": person} | extra


@pytest.fixture
def petition(make_petition):
    return make_petition()


@pytest.fixture
def write_key(coalition, make_key):
    return make_key(coalition, Scope.WRITE, name="Juntos website")


@pytest.fixture
def post(client):
    def send(petition_id, token, body=None, **kwargs):
        headers = {"OSDI-API-Token": token}
        if body is not None:
            kwargs["json"] = body
        return client.post(f"/api/v1/petitions/{petition_id}/signatures", headers=headers, **kwargs)

    return send


def trust(client, coalition, petition) -> None:
    """The organizer ticks "Trusted source" on the petition's edit form."""
    form = petition_form(trusted_source="y")
    response = client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/edit", data=form)
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Petition, petition.id).trusted_source


def signatures() -> list[PetitionSignature]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(PetitionSignature).order_by(PetitionSignature.id)))


def person(email: str) -> Supporter:
    _db.session.expire_all()
    return supporters.find_supporter(_db.session.scalar(select(Petition.coalition_id)), email)


def total(petition) -> int:
    tally_now()
    return _db.session.get(Petition, petition.id).total


def on_file(coalition, email: str, first_name: str, **fields) -> Supporter:
    """Someone the coalition has on file (confirmed), in English unless said otherwise."""
    found = supporters.upsert_supporter(
        coalition.id, email=email, first_name=first_name, **({"language": "en"} | fields), confirmed=True
    )
    _db.session.commit()
    return found


def test_a_signature_waits_for_its_click_then_counts(db, petition, write_key, post, mailbox, client):
    response = post(
        petition.id, write_key, signer(comments="Por mis hijos.", referrer_data={"source": "juntos"})
    )
    assert response.status_code == 201 and response.mimetype == "application/hal+json"
    (row,) = signatures()
    assert (row.state, row.source, row.comment) == (SignatureState.UNCONFIRMED, "juntos", "Por mis hijos.")
    assert row.api_key_id == db.session.scalar(select(ApiKey.id))
    assert person("rosa@example.org").confirmed_at is None  # not on file before the click
    assert total(petition) == 0
    # In the signer's language (languages_spoken), as the sign form's is in the page's.
    assert [m["Subject"] for m in mailbox.to("rosa@example.org")] == [f"Confirma tu firma: {petition.title}"]
    click_confirm(client, mailbox.last_link("rosa@example.org", CONFIRM))
    assert total(petition) == 1
    assert signatures()[0].state == SignatureState.CONFIRMED
    assert person("rosa@example.org").confirmed_at is not None


def test_without_a_source_the_keys_name_is_credited_and_a_long_one_is_cut(db, petition, write_key, post):
    """A signature keeps a source as the sign form keeps a `?source=` code: its first 40 characters."""
    assert post(petition.id, write_key, signer()).get_json()["referrer_data"] == {"source": "Juntos website"}
    long_source = {"source": "ab" + "x" * 100}
    answer = post(petition.id, write_key, signer("sol@example.org", referrer_data=long_source)).get_json()
    assert answer["referrer_data"]["source"] == ("ab" + "x" * 100)[:40]
    assert [row.source for row in signatures()] == ["Juntos website", ("ab" + "x" * 100)[:40]]


def test_with_trusted_source_it_counts_at_once_without_the_email(
    db, coalition, petition, write_key, post, mailbox, client
):
    trust(client, coalition, petition)
    assert post(petition.id, write_key, signer()).status_code == 201
    (row,) = signatures()
    assert row.state == SignatureState.CONFIRMED and row.confirmed_at is not None
    assert total(petition) == 1
    rosa = person("rosa@example.org")
    assert rosa.confirmed_at is not None and (rosa.first_name, rosa.language) == ("Rosa", "es")
    assert rosa.subscription == Subscription.NOT_ASKED  # no consent was sent
    from campaign.petitions.tasks import send_confirmations

    send_confirmations()
    assert mailbox.to("rosa@example.org") == []


def test_the_same_person_sent_twice_signs_once(db, petition, write_key, post, mailbox):
    first = post(petition.id, write_key, signer())
    second = post(petition.id, write_key, signer(email=" ROSA@example.org ", given_name="Rosa María"))
    assert first.status_code == second.status_code == 201
    assert len(signatures()) == 1
    assert db.session.scalar(select(func.count()).select_from(Supporter)) == 1


def test_the_answer_is_the_same_for_new_matched_and_already_signed_people(
    db, coalition, petition, write_key, post, sign
):
    on_file(coalition, "on.file@example.org", "Ofelia")
    sign(petition, email="signed@example.org")  # signed and confirmed on the web
    sign(petition, email="waiting@example.org", confirm=False)
    answers = {
        email: post(petition.id, write_key, signer(email=email))
        for email in ("new@example.org", "on.file@example.org", "signed@example.org", "waiting@example.org")
    }
    assert {response.status_code for response in answers.values()} == {201}
    assert len({response.get_data() for response in answers.values()}) == 1
    answer = answers["new@example.org"].get_json()
    assert set(answer) == {"origin_system", "referrer_data", "_links"}
    assert answer["_links"] == {"osdi:petition": {"href": f"http://localhost/api/v1/petitions/{petition.id}"}}
    text = answers["new@example.org"].get_data(as_text=True)
    assert "rosa" not in text.lower() and "example.org" not in text and "19104" not in text


def test_a_closed_petition_refuses_and_records_nothing(db, coalition, petition, write_key, post, client):
    client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/close")
    response = post(petition.id, write_key, signer())
    assert response.status_code == 409
    assert response.get_json() == {"error": "This petition is closed: it takes no more signatures"}
    assert signatures() == [] and person("rosa@example.org") is None


def test_a_draft_or_another_coalitions_petition_is_not_found(
    db, coalition, make_petition, petition, make_key, make_user, post
):
    draft = make_petition(open_it=False)
    other = coalitions.create_coalition(make_user(email="b@example.org"), "Coalition B", "", "Fresno")
    db.session.commit()
    own_key, key_b = make_key(coalition, Scope.WRITE), make_key(other, Scope.WRITE)
    for petition_id, token in ((draft.id, own_key), (petition.id, key_b), (petition.id + 1000, own_key)):
        response = post(petition_id, token, signer())
        assert response.status_code == 404 and response.get_json() == {"error": "Not found"}
    assert signatures() == [] and db.session.scalar(select(func.count()).select_from(Supporter)) == 0


@pytest.mark.parametrize("scope", [Scope.READ_COUNTS, Scope.READ_PEOPLE])
def test_only_a_write_key_records(db, coalition, petition, make_key, post, scope):
    response = post(petition.id, make_key(coalition, scope), signer())
    assert response.status_code == 403 and response.is_json
    assert signatures() == []


def test_a_record_on_file_is_not_renamed_before_the_click(
    db, coalition, petition, write_key, post, mailbox, client
):
    on_file(coalition, "ana@example.org", "Ana", last_name="Reyes", zip_code="90012")
    post(petition.id, write_key, signer("ana@example.org", given_name="Mallory", zip_code="19104"))
    ana = person("ana@example.org")
    assert (ana.first_name, ana.last_name, ana.zip_code, ana.language) == ("Ana", "Reyes", "90012", "en")
    click_confirm(client, mailbox.last_link("ana@example.org", CONFIRM))  # the owner's own click
    ana = person("ana@example.org")
    assert (ana.first_name, ana.last_name, ana.zip_code) == ("Mallory", "Díaz", "19104")


def test_trusted_source_does_not_rename_a_record_on_file_but_fills_one_nobody_confirmed(
    db, coalition, petition, write_key, post, client, sign
):
    trust(client, coalition, petition)
    on_file(coalition, "ana@example.org", "Ana", zip_code="90012")
    sign(petition, email="typed@example.org", first_name="Stranger", confirm=False)
    post(petition.id, write_key, signer("ana@example.org", given_name="Mallory"))
    post(petition.id, write_key, signer("typed@example.org", given_name="Tomás"))
    ana, typed = person("ana@example.org"), person("typed@example.org")
    assert (ana.first_name, ana.zip_code) == ("Ana", "90012")
    assert (typed.first_name, typed.confirmed_at is not None) == ("Tomás", True)
    assert {row.state for row in signatures()} == {SignatureState.CONFIRMED}
    assert all(row.pending_first_name is None for row in signatures())


def consents(email: str) -> list[tuple[str, str]]:
    found = person(email)
    return [
        (each.wording, each.source)
        for each in _db.session.scalars(select(Consent).where(Consent.supporter_id == found.id))
    ]


WORDING = {"wording": "Email me news from the coalition. I can unsubscribe at any time."}


def test_consent_needs_its_words_and_waits_for_the_click(db, petition, write_key, post, mailbox, client):
    post(petition.id, write_key, signer("quiet@example.org"))
    post(petition.id, write_key, signer("keen@example.org", consent=WORDING))
    for email in ("quiet@example.org", "keen@example.org"):
        assert person(email).subscription == Subscription.NOT_ASKED
        click_confirm(client, mailbox.last_link(email, CONFIRM))
    assert person("quiet@example.org").subscription == Subscription.NOT_ASKED
    assert person("keen@example.org").subscription == Subscription.SUBSCRIBED
    assert consents("keen@example.org") == [(WORDING["wording"], f"petition:{petition.id}")]


def test_a_status_without_words_is_refused(db, petition, write_key, post):
    body = signer()
    body["person"]["email_addresses"][0]["status"] = "subscribed"
    response = post(petition.id, write_key, body)
    assert response.status_code == 400 and "consent.wording" in response.get_json()["error"]
    assert signatures() == []
    body["consent"] = WORDING
    assert post(petition.id, write_key, body).status_code == 201


def test_someone_who_unsubscribed_stays_unsubscribed(
    db, coalition, petition, write_key, post, mailbox, client
):
    gone = on_file(coalition, "gone@example.org", "Gone")
    supporters.record_consent(gone, "Old words.", "en", "test")
    supporters.unsubscribe(gone)
    db.session.commit()
    post(petition.id, write_key, signer("gone@example.org", consent=WORDING))
    click_confirm(client, mailbox.last_link("gone@example.org", CONFIRM))
    assert person("gone@example.org").subscription == Subscription.UNSUBSCRIBED
    assert [wording for wording, _ in consents("gone@example.org")] == ["Old words."]


def test_trusted_source_records_the_consent_sent_at_once_with_the_key(
    db, coalition, petition, write_key, post, client
):
    trust(client, coalition, petition)
    post(petition.id, write_key, signer(consent=WORDING))
    key_id = db.session.scalar(select(ApiKey.id))
    assert person("rosa@example.org").subscription == Subscription.SUBSCRIBED
    assert consents("rosa@example.org") == [(WORDING["wording"], f"petition:{petition.id}:api-key:{key_id}")]


def tagged(email: str) -> set[str]:
    found = person(email)
    return {
        tag.name
        for tag in tags.tags_of(found.coalition_id)
        if _db.session.scalar(
            select(Tagging.id).where(Tagging.tag_id == tag.id, Tagging.supporter_id == found.id)
        )
    }


def test_tags_named_go_on_the_person_once_on_file(db, coalition, petition, write_key, post, mailbox, client):
    tags.create_tag(coalition.id, "Vecinos de Pilsen", None)
    tags.create_tag(coalition.id, "Juntos", None)
    db.session.commit()
    post(petition.id, write_key, signer(add_tags=["vecinos de pilsen", "JUNTOS"]))
    assert tagged("rosa@example.org") == set()  # an address only typed in is nobody's to tag
    click_confirm(client, mailbox.last_link("rosa@example.org", CONFIRM))
    assert tagged("rosa@example.org") == {"Vecinos de Pilsen", "Juntos"}
    assert signatures()[0].pending_tag_ids is None


def test_tags_go_on_at_once_for_someone_who_had_signed_or_with_trusted_source(
    db, coalition, petition, write_key, post, sign, client
):
    tags.create_tag(coalition.id, "Juntos", None)
    db.session.commit()
    sign(petition, email="signed@example.org")
    post(petition.id, write_key, signer("signed@example.org", add_tags=["Juntos"]))
    assert tagged("signed@example.org") == {"Juntos"}
    trust(client, coalition, petition)
    post(petition.id, write_key, signer("trusted@example.org", add_tags=["Juntos"]))
    assert tagged("trusted@example.org") == {"Juntos"}


def test_a_name_the_coalition_has_no_tag_of_is_ignored_and_the_rest_waits_for_the_click(
    db, coalition, petition, write_key, post, mailbox, client
):
    tags.create_tag(coalition.id, "Juntos", None)
    db.session.commit()
    response = post(petition.id, write_key, signer(add_tags=["JUNTOS", "Nuevo"]))
    assert response.status_code == 201
    assert [tag.name for tag in tags.tags_of(coalition.id)] == ["Juntos"]  # none made
    assert tagged("rosa@example.org") == set()
    click_confirm(client, mailbox.last_link("rosa@example.org", CONFIRM))
    assert tagged("rosa@example.org") == {"Juntos"}


def test_a_tag_deleted_before_the_click_is_skipped(db, coalition, petition, write_key, post, mailbox, client):
    juntos = tags.create_tag(coalition.id, "Juntos", None)
    db.session.commit()
    post(petition.id, write_key, signer(add_tags=["Juntos"]))
    tags.delete_tag(juntos)
    db.session.commit()
    assert click_confirm(client, mailbox.last_link("rosa@example.org", CONFIRM)).status_code == 200
    assert tagged("rosa@example.org") == set()


HOSTILE_BODIES = [
    signer(given_name="\x00"),
    signer(given_name="Ro\ud800sa"),
    signer(given_name="x" * 10_000),
    signer(zip_code="00000"),
    signer(email="not an address"),
    signer(given_name=""),
    signer(given_name=["Rosa"]),
    signer(comments=5),
    signer(comments="x" * 1001),
    signer(comments="<script>alert(1)</script>"),
    signer(referrer_data="juntos"),
    signer(referrer_data={"source": ["x"]}),
    signer(consent="yes"),
    signer(consent={"wording": "<b>yes</b>"}),
    signer(consent={"wording": "x" * 2001}),
    signer(consent={"wording": "yes", "language": "fr"}),
    signer(consent={"wording": ""}),
    signer(add_tags="Juntos"),
    signer(add_tags=[5]),
    signer(add_tags=["\x00"]),
    signer(add_tags=["x" * 101]),
    signer(add_tags=["t"] * 21),
    signer(referrer_data={"source": "a\r\nb"}),
    signer(referrer_data={"source": "x" * 201}),
    {"person": "Rosa"},
    {"person": {"email_addresses": "rosa@example.org"}},
    [signer()],
    "Rosa",
    None,
    {},
]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_hostile_json_bodies_get_a_json_400(db, petition, write_key, post, body):
    response = post(petition.id, write_key, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.is_json and set(response.get_json()) == {"error"}
    assert signatures() == []


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b'{"person": ',
        b'{"person": {"given_name": "\\ud800", "email_addresses": [{"address": "a@example.org"}]}}',
        b"\xff\xfe\x00",
        b'{"person": {"given_name": "Rosa\\u0000"}}',
        b"[" * 10_000 + b"]" * 10_000,
    ],
)
def test_bodies_that_are_not_a_json_object_get_a_json_400(db, petition, write_key, post, raw):
    response = post(petition.id, write_key, data=raw, content_type="application/json")
    assert response.status_code == 400 and response.is_json
    assert signatures() == []


def test_a_huge_body_gets_a_json_413(app, db, petition, write_key, post):
    huge = b'{"comments": "' + b"x" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    response = post(petition.id, write_key, data=huge, content_type="application/json")
    assert response.status_code == 413 and response.is_json
