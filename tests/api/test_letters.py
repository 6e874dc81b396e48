"""Sign-on letters and their signatories through the API: public letters only, the approved
signatories the public page lists and nobody else, for any key, of its own coalition."""

import pytest
from sqlalchemy import select, update

from campaign.api.models import Scope
from campaign.core.exports import ExportLog
from campaign.extensions import db
from campaign.letters import services as letters
from campaign.letters import signatories
from campaign.letters.models import Letter, LetterState, Signature, SignatureState, SignerKind
from campaign.supporters import services as supporters
from tests.api.conftest import CREATED
from tests.api.records import SIGNERS, add_letter

LISTED = ["Juntos", "Rosa Díaz"]  # of SIGNERS: the approved organization, the individual named


def names(body) -> list[str]:
    return [each["name"] for each in body["_embedded"]["campaign_desk:signatories"]]


def test_a_public_letter_with_its_figures_and_targets(coalition, make_key, call):
    letter_id = add_letter(coalition)
    body = call("/api/v1/letters", make_key(coalition, Scope.READ_COUNTS)).get_json()
    (letter,) = body["_embedded"]["campaign_desk:letters"]
    assert letter["identifiers"] == [f"campaign_desk:{letter_id}"]
    assert (letter["title"], letter["status"], letter["total_signatories"]) == (
        "End 287(g) agreements now",
        "open",
        3,
    )
    assert letter["browser_url"] == "http://localhost/letters/end-287-g-agreements-now"
    assert letter["targets"] == [
        {
            "name": "Jeh Johnson",
            "title": "Secretary of Homeland Security",
            "organization": "U.S. Department of Homeland Security",
        },
        {"name": "Sarah Saldaña", "title": "Director"},
    ]
    assert letter["created_date"] == letter["modified_date"] == "2026-03-01T15:30:00Z"


def test_only_approved_signatories_on_the_current_text_are_listed_as_the_page_lists_them(
    db, coalition, make_key, call, client
):
    """Pending, rejected, withdrawn and unconfirmed sign-ons never; an individual who did not
    ask to be named is counted, not listed."""
    letter_id = add_letter(coalition)
    token = make_key(coalition, Scope.READ_COUNTS)
    body = call(f"/api/v1/letters/{letter_id}/signatories", token).get_json()
    assert names(body) == LISTED and body["total_records"] == 2
    public = signatories.public_list(db.session.get(Letter, letter_id))
    assert sorted(s.name for s in public.organizations + public.individuals) == sorted(LISTED)
    page = client.get(f"/letters/{db.session.get(Letter, letter_id).slug}").get_data(as_text=True)
    text = call(f"/api/v1/letters/{letter_id}", token).get_data(as_text=True) + str(body)
    for name, *_ in SIGNERS:
        assert (name in text) == (name in LISTED) == (name in page), name
    organization, person = body["_embedded"]["campaign_desk:signatories"]
    assert organization["signer_type"] == "organization" and organization["sector"] == "grassroots"
    assert (organization["locality"], organization["region"]) == ("Philadelphia", "PA")
    assert person["signer_type"] == "individual" and "sector" not in person
    shown = {"identifiers", "created_date", "name", "signer_type", "sector", "locality", "region", "_links"}
    assert set(organization) == shown
    assert call(organization["_links"]["self"]["href"], token).get_json() == organization


def test_a_signatory_not_listed_is_not_found_one_by_one(coalition, make_key, call):
    letter_id = add_letter(coalition)
    token = make_key(coalition, Scope.READ_COUNTS)
    signatures = db.session.scalars(select(Signature).where(Signature.letter_id == letter_id)).all()
    assert len(signatures) == len(SIGNERS)
    for signature in signatures:
        status = call(f"/api/v1/letters/{letter_id}/signatories/{signature.id}", token).status_code
        assert status == (200 if signature.display_name in LISTED else 404), signature.display_name


def test_signatories_of_an_earlier_text_wait_off_the_list(db, coalition, make_key, call):
    letter_id = add_letter(coalition)
    db.session.execute(update(Letter).where(Letter.id == letter_id).values(version=2))
    db.session.commit()
    body = call(f"/api/v1/letters/{letter_id}/signatories", make_key(coalition, Scope.READ_COUNTS)).get_json()
    assert names(body) == []
    letter = call(f"/api/v1/letters/{letter_id}", make_key(coalition, Scope.READ_COUNTS)).get_json()
    assert letter["total_signatories"] == 0


def test_an_erased_individual_leaves_the_list(db, coalition, make_key, call):
    letter_id = add_letter(coalition, signers=[])
    person = supporters.upsert_supporter(
        coalition.id, email="rosa@example.org", first_name="Rosa", language="es"
    )
    db.session.add(
        Signature(
            letter_id=letter_id,
            kind=SignerKind.INDIVIDUAL,
            state=SignatureState.APPROVED,
            version=1,
            signer_key="person:1",
            supporter_id=person.id,
            signer_name="Rosa Díaz",
            show_name=True,
        )
    )
    db.session.commit()
    token = make_key(coalition, Scope.READ_COUNTS)
    assert names(call(f"/api/v1/letters/{letter_id}/signatories", token).get_json()) == ["Rosa Díaz"]
    supporters.erase_supporter_data("rosa@example.org")
    db.session.commit()
    assert names(call(f"/api/v1/letters/{letter_id}/signatories", token).get_json()) == []
    assert "Rosa" not in call(f"/api/v1/letters/{letter_id}", token).get_data(as_text=True)


def test_drafts_and_embargoed_letters_do_not_exist_here(db, coalition, make_key, call):
    draft = add_letter(coalition, "A draft", open_it=False)
    embargoed = add_letter(coalition, "Under embargo", embargoed=True)
    public = add_letter(coalition, "Public")
    token = make_key(coalition, Scope.READ_COUNTS)
    listed = call("/api/v1/letters", token).get_json()["_embedded"]["campaign_desk:letters"]
    assert [each["title"] for each in listed] == ["Public"]
    for letter_id in (draft, embargoed):
        for path in (f"/api/v1/letters/{letter_id}", f"/api/v1/letters/{letter_id}/signatories"):
            assert call(path, token).status_code == 404, path
    letters.release(db.session.get(Letter, embargoed), CREATED)
    db.session.commit()
    assert call(f"/api/v1/letters/{embargoed}", token).status_code == 200
    assert public


@pytest.mark.parametrize("state", [LetterState.CLOSED, LetterState.DELIVERED])
def test_closed_and_delivered_letters_stay_listed_with_their_status(db, coalition, make_key, call, state):
    letter_id = add_letter(coalition)
    db.session.execute(update(Letter).where(Letter.id == letter_id).values(state=state))
    db.session.commit()
    letter = call(f"/api/v1/letters/{letter_id}", make_key(coalition, Scope.READ_COUNTS)).get_json()
    assert letter["status"] == state.value


def test_every_reading_scope_reads_letters_and_nothing_is_logged(db, coalition, make_key, call):
    letter_id = add_letter(coalition)
    for scope in (Scope.READ_COUNTS, Scope.READ_PEOPLE):  # a write key reads nothing
        token = make_key(coalition, scope, name=str(scope))
        assert call(f"/api/v1/letters/{letter_id}/signatories", token).status_code == 200, scope
        assert "campaign_desk:letters" in call("/api/v1/", token).get_json()["_links"]
    assert db.session.scalar(select(ExportLog.id)) is None  # public data: no export


def test_another_coalitions_letters_are_not_found(coalition, make_key, call, make_user, make_coalition):
    letter_id = add_letter(coalition)
    signature_id = db.session.scalar(select(Signature.id).where(Signature.letter_id == letter_id))
    other = make_coalition(make_user(email="b@example.org"), name="Coalition B")
    token_b = make_key(other, Scope.READ_COUNTS)
    assert call("/api/v1/letters", token_b).get_json()["total_records"] == 0
    for path in (
        f"/api/v1/letters/{letter_id}",
        f"/api/v1/letters/{letter_id}/signatories",
        f"/api/v1/letters/{letter_id}/signatories/{signature_id}",
    ):
        assert call(path, token_b).status_code == 404, path
    own = add_letter(other, "Theirs", signers=[])
    assert call(f"/api/v1/letters/{own}/signatories/{signature_id}", token_b).status_code == 404


def test_signatories_are_paged(coalition, make_key, call):
    many = [(f"Group {n:02}", SignerKind.ORGANIZATION, SignatureState.APPROVED, False) for n in range(30)]
    letter_id = add_letter(coalition, signers=many)
    body = call(
        f"/api/v1/letters/{letter_id}/signatories", make_key(coalition, Scope.READ_COUNTS), page=2
    ).get_json()
    assert (body["total_records"], body["total_pages"], len(names(body))) == (30, 2, 5)
    assert body["_links"]["self"]["href"].endswith(
        f"/api/v1/letters/{letter_id}/signatories?page=2&per_page=25"
    )
