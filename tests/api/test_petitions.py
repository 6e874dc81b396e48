"""Petitions and their signatures through the API: fields, counts, scopes, coalitions, who is
listed, and the export log. The record signature helper is tests/api/test_record_signature.py."""

import pytest
from sqlalchemy import select, update

from campaign.api.models import ApiKey, Scope
from campaign.coalitions import services as coalitions
from campaign.core.exports import ExportLog
from campaign.core.outbox import utcnow
from campaign.extensions import db as _db
from campaign.petitions import paper, signing, tally
from campaign.petitions import services as petition_services
from campaign.petitions.models import Petition, PetitionSignature
from campaign.supporters import services as supporters
from tests.api.conftest import CREATED, MODIFIED
from tests.petitions.conftest import tally_now

PERSON_LINK = "http://localhost/api/v1/people/"
PETITION = {"title": "End ICE holds", "target": "The Mayor", "ask": "Sign the order.", "goal": 100}
EXAMPLE_PETITION = {
    "title": "End ICE detainers in Philadelphia",
    "target": "Mayor Jim Kenney and the Philadelphia City Council",
    "ask": "Sign the executive order ending ICE holds without a judicial warrant.",
    "body": "Families are separated **every week**.",
    "goal": 1000,
}


def example_petition(coalition) -> None:
    """The petition of docs/api/ (petition 1): open, signed and confirmed by the examples' two
    people (Ana with a comment and a source), with 5 signatures on paper, at fixed times."""
    petition = petition_services.create_petition(coalition.id, coalition.roles[0].user_id, EXAMPLE_PETITION)
    petition_services.open_petition(petition, CREATED)
    for email, first_name, extra in (
        ("ana@example.org", "Ana", {"comment": "My family lives here.", "source": "juntos"}),
        ("ben@example.org", "Ben", {}),
    ):
        fields = {"first_name": first_name, "email": email, "zip_code": "19104"} | extra
        signature_id = signing.sign(petition, fields, "en", None, None)
        signing.vouch(_db.session.get(PetitionSignature, signature_id), MODIFIED, "example")
    paper.add_batch(petition, None, 5, [], None)
    tally.fold(petition.id)
    _db.session.execute(update(Petition).values(created_at=CREATED, updated_at=MODIFIED))
    _db.session.execute(update(PetitionSignature).values(created_at=CREATED))
    _db.session.commit()


def confirmed_signature(coalition) -> dict[str, int]:
    """An open petition of `coalition` with one confirmed signature, made through the services:
    their ids, as the API's routes name them (for the API's walk and fuzzing)."""
    petition = petition_services.create_petition(coalition.id, coalition.roles[0].user_id, PETITION)
    petition_services.open_petition(petition, utcnow())
    fields = {"first_name": "Eva", "email": "eva@example.org", "zip_code": "19104", "comment": "Sí."}
    signature_id = signing.sign(petition, fields, "es", None, None)
    signing.vouch(_db.session.get(PetitionSignature, signature_id), utcnow(), "test")
    _db.session.commit()
    return {"petition_id": petition.id, "signature_id": signature_id}


def signature_ids(petition) -> list[int]:
    return list(
        _db.session.scalars(select(PetitionSignature.id).where(PetitionSignature.petition_id == petition.id))
    )


@pytest.fixture
def signed(db, make_petition, sign):
    """An open petition with two confirmed signatures (one with a comment and a source) and one
    waiting for its click, tallied; and 5 paper signatures."""
    petition = make_petition()
    sign(petition, email="ana@example.org", comment="My family lives here.", source="juntos")
    sign(petition, email="ben@example.org", first_name="Ben")
    sign(petition, email="cy@example.org", first_name="Cy", confirm=False)
    paper.add_batch(petition, None, 5, [], petition.created_by_id)
    db.session.commit()
    tally_now()
    return _db.session.get(Petition, petition.id)


def test_petitions_are_listed_with_osdi_fields_and_the_public_count(
    db, coalition, signed, make_petition, make_key, call, client
):
    make_petition(open_it=False, title="A draft nobody sees")
    closed = make_petition(title="Closed already")
    client.post(f"/coalitions/{coalition.slug}/petitions/{closed.id}/close")
    response = call("/api/v1/petitions", make_key(coalition, Scope.READ_COUNTS))
    assert response.status_code == 200 and response.mimetype == "application/hal+json"
    body = response.get_json()
    assert [each["title"] for each in body["_embedded"]["osdi:petitions"]] == [signed.title, "Closed already"]
    assert body["total_records"] == 2
    first = body["_embedded"]["osdi:petitions"][0]
    public_count = client.get(f"/petitions/{signed.slug}/count.json").get_json()["count"]
    assert first["total_signatures"] == public_count == 7  # two online, five on paper
    assert first["identifiers"] == [f"campaign_desk:{signed.id}"]
    assert first["origin_system"] == "Campaign desk"
    assert first["petition_text"] == signed.ask
    assert first["description"] == "<p>Families are separated <strong>every week</strong>.</p>"
    assert first["target"] == [{"name": "Mayor Jim Kenney"}]
    assert first["browser_url"] == f"http://localhost/petitions/{signed.slug}"
    assert first["_links"] == {
        "self": {"href": f"http://localhost/api/v1/petitions/{signed.id}"},
        "osdi:record_signature_helper": {"href": f"http://localhost/api/v1/petitions/{signed.id}/signatures"},
    }
    assert body["_links"]["osdi:petitions"][0] == first["_links"]["self"]


def test_modified_date_follows_edits_and_the_count(db, coalition, make_petition, make_key, call):
    petition = make_petition()
    db.session.execute(update(Petition).values(created_at=CREATED, updated_at=CREATED))
    db.session.commit()
    token = make_key(coalition, Scope.READ_COUNTS)
    before = call(f"/api/v1/petitions/{petition.id}", token).get_json()
    assert before["created_date"] == before["modified_date"] == "2026-03-01T15:30:00Z"
    paper.add_batch(_db.session.get(Petition, petition.id), None, 3, [], None)
    db.session.commit()
    after = call(f"/api/v1/petitions/{petition.id}", token).get_json()
    assert after["total_signatures"] == 3 and after["modified_date"] > before["modified_date"]
    assert after["created_date"] == before["created_date"]


def test_confirmed_signatures_of_people_on_file_are_listed(db, coalition, signed, make_key, call):
    token = make_key(coalition, Scope.READ_PEOPLE)
    body = call(f"/api/v1/petitions/{signed.id}/signatures", token).get_json()
    assert body["total_records"] == 2  # Cy has not confirmed
    ana, ben = body["_embedded"]["osdi:signatures"]
    ana_row = db.session.get(PetitionSignature, int(ana["identifiers"][0].split(":")[1]))
    assert ana["comments"] == "My family lives here."
    assert ana["referrer_data"] == {"source": "juntos"}
    assert ana["_links"] == {
        "self": {"href": f"http://localhost/api/v1/petitions/{signed.id}/signatures/{ana_row.id}"},
        "osdi:petition": {"href": f"http://localhost/api/v1/petitions/{signed.id}"},
        "osdi:person": {"href": f"{PERSON_LINK}{ana_row.supporter_id}"},
    }
    assert "comments" not in ben and "referrer_data" not in ben
    assert ana["modified_date"] >= ana["created_date"]
    one = call(ana["_links"]["self"]["href"].removeprefix("http://localhost"), token)
    assert one.status_code == 200 and one.get_json() == ana
    assert "ana@example.org" not in one.get_data(as_text=True)  # the person's own resource has it


def test_waiting_held_back_struck_erased_and_forgotten_signatures_are_never_listed(
    db, coalition, signed, make_key, call
):
    token = make_key(coalition, Scope.READ_PEOPLE)
    listed = call(f"/api/v1/petitions/{signed.id}/signatures", token).get_json()["_embedded"][
        "osdi:signatures"
    ]
    ana_id, ben_id = (int(each["identifiers"][0].split(":")[1]) for each in listed)
    waiting = next(each for each in signature_ids(signed) if each not in (ana_id, ben_id))
    supporters.erase_supporter_data("ana@example.org")
    db.session.execute(
        update(PetitionSignature).where(PetitionSignature.id == ben_id).values(supporter_id=None)
    )
    db.session.commit()
    body = call(f"/api/v1/petitions/{signed.id}/signatures", token).get_json()
    assert body["total_records"] == 0 and body["_embedded"]["osdi:signatures"] == []
    for signature_id in (ana_id, ben_id, waiting):
        response = call(f"/api/v1/petitions/{signed.id}/signatures/{signature_id}", token)
        assert response.status_code == 404, signature_id
    text = call(f"/api/v1/petitions/{signed.id}/signatures", token).get_data(as_text=True)
    assert "My family" not in text


@pytest.mark.parametrize("state", ["quarantined", "invalid"])
def test_held_back_and_struck_signatures_are_not_listed(db, coalition, signed, make_key, call, state):
    db.session.execute(update(PetitionSignature).values(state=state))
    db.session.commit()
    body = call(
        f"/api/v1/petitions/{signed.id}/signatures", make_key(coalition, Scope.READ_PEOPLE)
    ).get_json()
    assert body["total_records"] == 0


def test_signatures_page_like_people(db, coalition, signed, make_key, call):
    token = make_key(coalition, Scope.READ_PEOPLE)
    first = call(f"/api/v1/petitions/{signed.id}/signatures", token, per_page=1).get_json()
    assert (first["total_pages"], first["page"]) == (2, 1)
    assert first["_links"]["next"]["href"] == (
        f"http://localhost/api/v1/petitions/{signed.id}/signatures?page=2&per_page=1"
    )
    for bad in ({"page": 0}, {"per_page": "x"}, {"page": "9" * 5000}):
        response = call(f"/api/v1/petitions/{signed.id}/signatures", token, **bad)
        assert response.status_code == 400 and response.is_json, bad
        assert call("/api/v1/petitions", token, **bad).status_code == 400


@pytest.mark.parametrize(
    ("scope", "signatures_link"), [(Scope.READ_COUNTS, False), (Scope.READ_PEOPLE, True)]
)
def test_each_scope_sees_what_it_may_follow(coalition, signed, make_key, call, scope, signatures_link):
    token = make_key(coalition, scope)
    petition = call(f"/api/v1/petitions/{signed.id}", token).get_json()
    assert ("osdi:signatures" in petition["_links"]) is signatures_link
    assert "osdi:record_signature_helper" in petition["_links"]  # for the scripts a write key serves
    assert "osdi:petitions" in call("/api/v1/", token).get_json()["_links"]
    one = signature_ids(signed)[0]
    for path in (
        f"/api/v1/petitions/{signed.id}/signatures",
        f"/api/v1/petitions/{signed.id}/signatures/{one}",
    ):
        response = call(path, token)
        assert response.status_code == (200 if signatures_link else 403), path
        if not signatures_link:
            assert response.is_json and "family" not in response.get_data(as_text=True).lower()


def test_a_key_reaches_its_own_coalitions_petitions_only(
    db, coalition, signed, make_key, make_user, call, client
):
    other = coalitions.create_coalition(make_user(email="b@example.org"), "Coalition B", "", "Fresno")
    db.session.commit()
    own_signature = signature_ids(signed)[0]
    for scope in (Scope.READ_COUNTS, Scope.READ_PEOPLE):  # a write key reads nothing at all
        token_b = make_key(other, scope)
        assert call("/api/v1/petitions", token_b).get_json()["total_records"] == 0
        paths = [f"/api/v1/petitions/{signed.id}"]
        if scope == Scope.READ_PEOPLE:
            paths += [
                f"/api/v1/petitions/{signed.id}/signatures",
                f"/api/v1/petitions/{signed.id}/signatures/{own_signature}",
            ]
        for path in paths:
            response = call(path, token_b)
            assert response.status_code == 404 and response.get_json() == {"error": "Not found"}, (
                scope,
                path,
            )
    assert call("/api/v1/petitions/99999999999", make_key(other, Scope.READ_COUNTS)).status_code == 404


def test_a_signature_is_reached_through_its_own_petition_only(
    db, coalition, signed, make_petition, make_key, call
):
    second = make_petition(title="Another")
    token = make_key(coalition, Scope.READ_PEOPLE)
    one = signature_ids(signed)[0]
    assert call(f"/api/v1/petitions/{signed.id}/signatures/{one}", token).status_code == 200
    assert call(f"/api/v1/petitions/{second.id}/signatures/{one}", token).status_code == 404


def test_a_drafts_signatures_are_not_reached(db, coalition, make_petition, make_key, call):
    draft = make_petition(open_it=False)
    token = make_key(coalition, Scope.READ_PEOPLE)
    for path in (f"/api/v1/petitions/{draft.id}", f"/api/v1/petitions/{draft.id}/signatures"):
        assert call(path, token).status_code == 404


def test_every_signatures_call_is_logged_with_its_key_and_count(db, coalition, signed, make_key, call):
    token = make_key(coalition, Scope.READ_PEOPLE)
    key_id = db.session.scalar(select(ApiKey.id).where(ApiKey.scope == Scope.READ_PEOPLE))
    one = signature_ids(signed)[0]
    call("/api/v1/petitions", token)  # public data: not logged
    call(f"/api/v1/petitions/{signed.id}", token)
    call(f"/api/v1/petitions/{signed.id}/signatures", token)
    call(f"/api/v1/petitions/{signed.id}/signatures", token, page=0)  # refused: nothing handed out
    call(f"/api/v1/petitions/{signed.id}/signatures/{one}", token)
    logged = db.session.execute(
        select(ExportLog.api_key_id, ExportLog.what, ExportLog.row_count, ExportLog.user_id)
        .where(ExportLog.coalition_id == coalition.id)
        .order_by(ExportLog.id)
    ).all()
    assert logged == [
        (key_id, f"api:petitions:{signed.id}:signatures", 2, None),
        (key_id, f"api:petitions:{signed.id}:signatures:{one}", 1, None),
    ]
    assert db.session.get(ApiKey, key_id).last_used_at is not None
