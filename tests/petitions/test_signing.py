"""Signing: double opt-in, one signature per person, counts from the stored tallies only."""

from datetime import datetime

import pytest
from sqlalchemy import select, update

from campaign.extensions import db
from campaign.petitions import tally
from campaign.petitions.models import PetitionSignature, SignatureState, Tally
from campaign.petitions.tasks import send_confirmations
from tests.pages import click_confirm, text_of
from tests.petitions.conftest import petition_form, sign_form, tally_now


def test_a_signature_counts_once_confirmed_and_tallied(client, make_petition, sign, mailbox):
    petition = make_petition()
    sign(petition, confirm=False)
    tally_now()
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 0

    link = mailbox.last_link("ana@example.org", "/petitions/confirm/")
    assert "Confirm my signature" in client.get(link).get_data(as_text=True)  # a GET changes nothing
    assert db.session.scalar(select(PetitionSignature.state)) == SignatureState.UNCONFIRMED
    assert "your signature counts" in text_of(click_confirm(client, link))
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 0  # not yet folded
    tally_now()
    counted = client.get(f"/petitions/{petition.slug}/count.json")
    assert counted.get_json() == {"count": 1, "online": 1, "paper": 0, "goal": 100, "by_state": {"PA": 1}}
    assert "max-age=5" in counted.headers["Cache-Control"]
    assert "1 signature" in text_of(client.get(f"/petitions/{petition.slug}"))


def test_signing_again_shows_the_same_page_and_emails_the_owner_at_most_three_times(
    client, make_petition, sign, mailbox
):
    petition = make_petition()
    first = sign(petition)
    for _ in range(5):
        again = sign(petition, confirm=False, first_name="Someone else")
        assert again.location == first.location
    subjects = [m["Subject"] for m in mailbox.to("ana@example.org")]
    assert subjects.count("You have already signed: End ICE detainers in Philadelphia") == 3
    assert db.session.query(PetitionSignature).count() == 1
    tally_now()
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 1


def test_the_same_address_in_another_spelling_is_the_same_person(client, make_petition, sign):
    petition = make_petition()
    sign(petition, email="Ana.Reyes@Example.org")
    sign(petition, confirm=False, email="ana.reyes@example.org ")
    assert db.session.query(PetitionSignature).count() == 1


def test_tallies_by_state_county_and_zip_and_the_exact_recount(client, make_petition, sign):
    petition = make_petition()
    for number, zip_code in enumerate(("19104", "19104", "19147", "90012", "10001")):
        sign(petition, email=f"p{number}@example.org", zip_code=zip_code)
    tally_now()
    db.session.refresh(petition)
    assert petition.signature_count == 5
    assert dict(tally.by_level(petition.id, "state")) == {"PA": 3, "CA": 1, "NY": 1}
    assert dict(tally.by_level(petition.id, "county", "PA:")) == {"PA:Philadelphia County": 3}
    assert dict(tally.by_level(petition.id, "zip"))["19104"] == 2

    petition.signature_count = 42  # drift, as a crash between two writes could leave
    db.session.query(Tally).filter(Tally.level == "state").delete()  # places missing,
    db.session.query(Tally).filter(Tally.place == "19104").update({"count": 9})  # one too high,
    db.session.add(Tally(petition_id=petition.id, level="zip", place="60601", count=4))  # one with no signer
    db.session.commit()
    assert tally.recount(petition.id) == -37
    db.session.commit()
    assert petition.signature_count == 5
    assert dict(tally.by_level(petition.id, "state")) == {"PA": 3, "CA": 1, "NY": 1}
    assert dict(tally.by_level(petition.id, "zip")) == {"19104": 2, "19147": 1, "90012": 1, "10001": 1}
    assert dict(tally.by_level(petition.id, "county", "PA:")) == {"PA:Philadelphia County": 3}


def test_a_confirmed_signature_the_tally_has_not_folded_yet_is_no_drift(client, make_petition, sign, caplog):
    """Organizers strike a cluster out between two tally runs: the recount that follows counts
    the newest confirmed signature without calling it drift (a warning would send someone
    looking for a bug that is not there)."""
    petition = make_petition()
    sign(petition, email="ana@example.org")
    assert tally.recount(petition.id) == 0
    assert "stored count" not in caplog.text
    db.session.commit()
    assert petition.signature_count == 1


def test_the_goal_rises_to_the_next_step_when_reached(client, make_petition, sign):
    petition = make_petition(goal="2")
    for number in range(3):
        sign(petition, email=f"g{number}@example.org")
    tally_now()
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["goal"] == 100


def test_public_signers_are_shown_only_when_they_ask(client, make_petition, sign):
    petition = make_petition()
    sign(petition, email="shown@example.org", first_name="Rosa", last_name="Parks", show_name="y")
    sign(petition, email="hidden@example.org", first_name="Hidden", last_name="Person")
    page = text_of(client.get(f"/petitions/{petition.slug}"))
    assert "Rosa P., Philadelphia" in page and "Hidden" not in page


def test_the_source_code_is_kept_with_the_signature(client, make_petition, sign):
    petition = make_petition()
    page = client.get(f"/petitions/{petition.slug}?source=juntos").get_data(as_text=True)
    assert 'name="source" type="hidden" value="juntos"' in page
    sign(petition, source="juntos")
    assert db.session.scalar(select(PetitionSignature.source)) == "juntos"


def test_bots_are_quarantined_not_refused(client, make_petition, sign, app):
    petition = make_petition()
    sign(petition, email="bot@example.org", website="http://spam.example")
    sign(petition, email="nostamp@example.org", started="forged")
    app.config["PETITION_MIN_FILL_SECONDS"] = 60
    sign(petition, email="fast@example.org")
    reasons = db.session.scalars(select(PetitionSignature.quarantine_reason)).all()
    assert sorted(reasons) == ["honeypot", "no_form", "too_fast"]
    tally_now()
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 0


def test_many_signers_behind_one_address_are_held_back_beyond_the_burst_limit(
    client, make_petition, sign, app
):
    app.config["PETITION_BURST_LIMIT"] = "3 per minute"
    petition = make_petition()
    for number in range(5):
        sign(petition, email=f"meeting{number}@example.org")
    states = sorted(s.value for s in db.session.scalars(select(PetitionSignature.state)))
    assert states == ["confirmed"] * 3 + ["quarantined"] * 2


def test_with_redis_down_signatures_are_taken_and_still_held_back_beyond_the_burst_limit(
    limits_storage_down, client, make_petition, sign, app
):
    app.config["PETITION_BURST_LIMIT"] = "3 per minute"
    petition = make_petition()
    for number in range(5):
        sign(petition, email=f"meeting{number}@example.org")  # 302 each: taken, not refused
    states = sorted(s.value for s in db.session.scalars(select(PetitionSignature.state)))
    assert states == ["confirmed"] * 3 + ["quarantined"] * 2


def test_bad_input_is_answered_and_kept(client, make_petition):
    petition = make_petition()
    form = sign_form(client, petition, first_name="Ana", email="ana@", zip_code="00000")
    response = client.post(f"/petitions/{petition.slug}/sign", data=form)
    page = text_of(response)
    assert response.status_code == 400
    assert "Enter an email address like name@example.org." in page
    assert "We do not know this ZIP code" in page
    assert 'value="Ana"' in response.get_data(as_text=True)
    assert db.session.query(PetitionSignature).count() == 0


def test_bad_input_in_spanish(client, make_petition):
    petition = make_petition()
    client.get("/language/es")
    response = client.post(
        f"/petitions/{petition.slug}/sign", data=sign_form(client, petition, first_name="")
    )
    assert "Escribe tu nombre." in text_of(response)


@pytest.mark.usefixtures("requests_start_afresh")
def test_drafts_are_not_public_and_closed_petitions_take_no_signatures(
    app, client, coalition, make_petition, sign
):
    draft = make_petition(open_it=False)
    assert app.test_client().get(f"/petitions/{draft.slug}").status_code == 404  # its team previews it
    petition = make_petition(title="Another")
    form = sign_form(client, petition)
    client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/close")
    assert "This petition is closed" in text_of(client.get(f"/petitions/{petition.slug}"))
    client.post(f"/petitions/{petition.slug}/sign", data=form)
    assert db.session.query(PetitionSignature).count() == 0


def test_a_remembered_petition_follows_its_opening_and_closing_in_this_process(
    client, coalition, make_petition, sign
):
    """Sign requests remember an open petition for a few seconds; a draft is never remembered
    and a close in this process is seen at once."""
    petition = make_petition(open_it=False)
    refused = client.post(f"/petitions/{petition.slug}/sign", data={"first_name": "Ana"})
    assert refused.status_code == 404
    client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/open")
    sign(petition, confirm=False)
    form = sign_form(client, petition, email="ben@example.org")
    client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/close")
    client.post(f"/petitions/{petition.slug}/sign", data=form)
    assert db.session.query(PetitionSignature).count() == 1


def test_the_places_page_shows_states_on_a_map_and_counties_within_a_state(client, make_petition, sign):
    petition = make_petition()
    for number, zip_code in enumerate(("19104", "19147", "15213", "90012")):
        sign(petition, email=f"place{number}@example.org", zip_code=zip_code)
    tally_now()
    page = client.get(f"/petitions/{petition.slug}/places").get_data(as_text=True)
    assert "<svg" in page and "Pennsylvania: 3" in page and "California: 1" in page
    counties = text_of(client.get(f"/petitions/{petition.slug}/places?state=PA"))
    assert "Counties in Pennsylvania" in counties
    assert "Philadelphia County 2" in counties and "Allegheny County 1" in counties


def test_each_signer_is_asked_to_confirm_once_however_often_the_sender_runs(make_petition, sign, mailbox):
    petition = make_petition()
    addresses = [f"signer{number}@example.org" for number in range(3)]
    for address in addresses:
        sign(petition, confirm=False, email=address)
    send_confirmations()  # the beat job's run after the kicks that followed each sign request
    send_confirmations()
    assert [len(mailbox.to(address)) for address in addresses] == [1, 1, 1]
    asked = db.session.scalars(
        select(PetitionSignature.asked_at).where(PetitionSignature.petition_id == petition.id)
    )
    assert None not in asked.all()


def test_an_erased_signer_leaves_no_comment_or_name_but_still_counts(client, make_petition, sign):
    from campaign.supporters.services import erase_supporter_data, export_supporter_data

    petition = make_petition()
    sign(
        petition,
        email="rosa@example.org",
        first_name="Rosa",
        comment="Mi hermano fue detenido.",
        show_name="y",
    )
    tally_now()
    activity = export_supporter_data("rosa@example.org")[0]["activity"]
    assert any("petition · End ICE detainers" in line and "Mi hermano" in line for line in activity)

    erase_supporter_data("rosa@example.org")
    db.session.commit()
    signature = db.session.scalar(select(PetitionSignature))
    assert signature.comment is None and signature.show_name is False
    assert "Rosa" not in text_of(client.get(f"/petitions/{petition.slug}"))
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 1


def test_a_deadline_already_passed_and_left_as_it_was_does_not_block_editing(
    client, coalition, db, make_petition
):
    petition = make_petition(open_it=False, deadline="2030-01-01T12:00")
    petition.deadline = datetime(2020, 1, 1, 17, 0)  # noon in New York, now gone
    db.session.commit()
    edited = petition_form(title="End ICE holds today", deadline="2020-01-01T12:00")
    response = client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/edit", data=edited)
    assert response.status_code == 302, text_of(response)
    db.session.refresh(petition)
    assert petition.title == "End ICE holds today"


def test_a_recount_leaves_only_places_with_signers_and_no_other_petitions_tallies(make_petition, sign):
    petition, other = make_petition(), make_petition(title="Another petition")
    sign(petition, email="a@example.org", zip_code="19104")
    sign(other, email="b@example.org", zip_code="90012")
    tally_now()
    # Drift a recount must repair: a place stored at 0, one below it, one lowered to below 0.
    db.session.add_all(
        [
            Tally(petition_id=petition.id, level="zip", place="60601", count=0),
            Tally(petition_id=petition.id, level="state", place="IL", count=-3),
        ]
    )
    db.session.execute(
        update(Tally).where(Tally.petition_id == petition.id, Tally.place == "19104").values(count=-2)
    )
    db.session.commit()
    theirs = stored_tallies(other.id)
    tally.recount(petition.id)
    db.session.commit()
    assert all(count > 0 for _, _, count in stored_tallies(petition.id))
    assert dict(tally.by_level(petition.id, "zip")) == {"19104": 1}
    assert dict(tally.by_level(petition.id, "state")) == {"PA": 1}
    assert stored_tallies(other.id) == theirs


def stored_tallies(petition_id: int) -> list[tuple]:
    rows = select(Tally.level, Tally.place, Tally.count).where(Tally.petition_id == petition_id)
    return sorted(db.session.execute(rows).all())
