"""Clusters and sources, milestones, reminders, expiry and forgetting IP hashes."""

import re
from datetime import timedelta

from sqlalchemy import select

from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.petitions import upkeep
from campaign.petitions.models import ClusterStrike, PaperBatch, Petition, PetitionSignature, SignatureState
from campaign.petitions.tasks import tidy_signatures
from tests.pages import click_confirm, text_of
from tests.petitions.conftest import tally_now


def _url(coalition, petition, rest=""):
    return f"/coalitions/{coalition.slug}/petitions/{petition.id}{rest}"


def test_a_cluster_at_one_domain_is_struck_out_in_one_action_and_the_count_corrected(
    client, coalition, make_petition, sign
):
    petition = make_petition()
    for number in range(4):
        sign(petition, email=f"fake{number}@spam.example")
    sign(petition, email="ana@example.org")
    tally_now()
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 5
    page = text_of(client.get(_url(coalition, petition, "/signers")))
    assert "Email @spam.example" in page
    client.post(
        _url(coalition, petition, "/clusters"),
        data={"kind": "domain", "key": "spam.example", "invalidate": "1"},
    )
    tally_now()
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 1


def test_a_held_back_meeting_is_released_and_counted(client, coalition, make_petition, sign, app):
    app.config["PETITION_BURST_LIMIT"] = "1 per minute"
    petition = make_petition()
    for number in range(3):
        sign(petition, email=f"neighbor{number}@example.org")
    tally_now()
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 1
    ip_hash = db.session.scalar(select(PetitionSignature.ip_hash))
    client.post(_url(coalition, petition, "/clusters"), data={"kind": "ip", "key": ip_hash, "release": "1"})
    tally_now()
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 3


def test_each_member_organization_has_a_source_code_and_sees_its_count(
    client, coalition, make_petition, sign, db
):
    from campaign.coalitions.models import Membership, MembershipStatus
    from campaign.organizations.services import create_organization

    juntos = create_organization("Juntos")
    db.session.add(Membership(coalition=coalition, organization=juntos, status=MembershipStatus.ACTIVE))
    db.session.commit()
    petition = make_petition()
    sign(petition, email="a@example.org", source="juntos")
    sign(petition, email="b@example.org", source="juntos")
    sign(petition, email="c@example.org", source="share-whatsapp")
    page = text_of(client.get(_url(coalition, petition, "/signers")))
    assert f"/petitions/{petition.slug}?source=juntos" in page
    assert "Juntos" in page and "share-whatsapp" in page


def test_organizers_hear_of_each_milestone_once(client, coalition, make_petition, sign, mailbox):
    petition = make_petition(goal="3")
    for number in range(3):
        sign(petition, email=f"m{number}@example.org")
    tally_now()
    tally_now()
    told = [m for m in mailbox.to("organizer@example.org") if "Goal reached" in m["Subject"]]
    assert len(told) == 1
    assert upkeep.milestone_reached(150, 5000) == 100 and upkeep.milestone_reached(12000, 5000) == 10000


def _told(mailbox) -> list[str]:
    """The milestone emails the organizer has had, oldest first."""
    return [
        m["Subject"].split(":")[0]
        for m in mailbox.to("organizer@example.org")
        if m["Subject"].startswith("Goal reached") or re.match(r"[\d,]+ signatures?:", m["Subject"])
    ]


def _paper(client, coalition, petition, count):
    response = client.post(
        _url(coalition, petition, "/paper"), data={"organization_id": "0", "count": str(count)}
    )
    assert response.status_code == 302


def test_paper_batches_alone_reach_milestones_and_the_organizers_hear_of_them(
    client, coalition, make_petition, mailbox
):
    """No online confirmation comes: the tally job would never look. The batch's own task does."""
    petition = make_petition(goal="5000")
    _paper(client, coalition, petition, 150)
    assert _told(mailbox) == ["100 signatures"]
    _paper(client, coalition, petition, 40)  # 190: no new milestone
    assert _told(mailbox) == ["100 signatures"]

    batch = db.session.scalar(select(PaperBatch).order_by(PaperBatch.id.desc()))
    client.post(
        _url(coalition, petition, f"/paper/{batch.id}"), data={"organization_id": "0", "count": "4850"}
    )
    assert _told(mailbox) == ["100 signatures", "Goal reached"]  # 5,000: the goal, above 1,000
    tally_now()
    assert _told(mailbox) == ["100 signatures", "Goal reached"]  # told once


def test_a_typo_corrected_lets_the_real_milestone_be_told_when_it_comes(
    client, coalition, make_petition, mailbox
):
    petition = make_petition(goal="5000")
    _paper(client, coalition, petition, 1000)  # the sheet said 100
    assert _told(mailbox) == ["1,000 signatures"]
    batch = db.session.scalar(select(PaperBatch))
    client.post(
        _url(coalition, petition, f"/paper/{batch.id}"), data={"organization_id": "0", "count": "100"}
    )
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).milestone_told == 100  # the milestone 100 has reached
    assert _told(mailbox) == ["1,000 signatures"]  # 100 was passed on the way: nothing new to tell

    _paper(client, coalition, petition, 900)  # the real 1,000
    assert _told(mailbox) == ["1,000 signatures", "1,000 signatures"]
    client.post(_url(coalition, petition, f"/paper/{batch.id}/delete"))  # 900 left: under 1,000 again
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).milestone_told == 100
    assert _told(mailbox) == ["1,000 signatures", "1,000 signatures"]


def test_a_strike_undone_that_brings_the_goal_is_told(client, coalition, make_petition, sign, mailbox):
    """One of the struck signatures was confirmed while struck out: the undo's recount counts it,
    reaching the goal, and no tally run would have looked."""
    petition = make_petition(goal="3")
    sign(petition, email="ana@example.org")
    sign(petition, email="luis@example.org")
    sign(petition, email="a@spam.example", confirm=False)
    sign(petition, email="b@spam.example", confirm=False)
    tally_now()
    client.post(
        _url(coalition, petition, "/clusters"),
        data={"kind": "domain", "key": "spam.example", "invalidate": "1"},
    )
    click_confirm(client, mailbox.last_link("a@spam.example", "/petitions/confirm/"))
    tally_now()
    assert _told(mailbox) == []
    strike = db.session.scalar(select(ClusterStrike))
    client.post(_url(coalition, petition, f"/strikes/{strike.id}/undo"))
    assert _told(mailbox) == ["Goal reached"]
    tally_now()
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 3
    assert _told(mailbox) == ["Goal reached"]


def test_one_reminder_after_a_day_then_expiry_when_the_petition_closes(
    client, coalition, make_petition, sign, mailbox
):
    petition = make_petition()
    sign(petition, confirm=False)
    signature = db.session.scalar(select(PetitionSignature))
    signature.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    tidy_signatures()
    tidy_signatures()
    reminders = [m for m in mailbox.to("ana@example.org") if m["Subject"].startswith("Reminder")]
    assert len(reminders) == 1

    client.post(_url(coalition, petition, "/close"))
    tidy_signatures()
    db.session.expire_all()
    assert db.session.query(PetitionSignature).count() == 0


def test_ip_hashes_are_forgotten_after_30_days(client, make_petition, sign):
    petition = make_petition()
    sign(petition)
    signature = db.session.scalar(select(PetitionSignature))
    assert signature.ip_hash and signature.ip_hash != "127.0.0.1"
    signature.created_at = utcnow() - timedelta(days=31)
    db.session.commit()
    tidy_signatures()
    db.session.expire_all()
    assert db.session.scalar(select(PetitionSignature.ip_hash)) is None
    assert db.session.scalar(select(PetitionSignature.state)) == SignatureState.CONFIRMED


def test_the_signers_csv_is_for_admins_logged_and_formula_safe(client, coalition, make_petition, sign):
    import csv
    import io

    from campaign.core.exports import ExportLog

    petition = make_petition()
    sign(petition, first_name="=cmd|' /C calc'!A0", last_name="Núñez")
    body = client.get(_url(coalition, petition, "/signers.csv")).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0]["first_name"].startswith("'=") and rows[0]["last_name"] == "Núñez"
    assert rows[0]["email"] == "ana@example.org" and rows[0]["state"] == "PA"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[0]["signed_at_utc"])
    assert rows[0]["status"] == "confirmed" and rows[0]["confirmed_at_utc"] >= rows[0]["signed_at_utc"]
    assert db.session.scalar(select(ExportLog.row_count)) == 1


def test_paper_signatures_count_with_the_online_ones_and_by_place(client, coalition, make_petition, sign):
    from campaign.petitions import tally

    petition = make_petition()
    sign(petition)
    url = _url(coalition, petition, "/paper")
    bad = client.post(
        url, data={"organization_id": "0", "count": "", "names": "Rosa Parks, 19104\nNo zip here"}
    )
    assert bad.status_code == 400 and "see lines 2" in text_of(bad)
    assert "No zip here" in bad.get_data(as_text=True)  # what was typed stays
    client.post(
        url, data={"organization_id": "0", "count": "", "names": "Rosa Parks, 19104\nLuis Ortiz, 90012"}
    )
    client.post(url, data={"organization_id": "0", "count": "40", "names": ""})
    tally_now()
    figures = client.get(f"/petitions/{petition.slug}/count.json").get_json()
    assert (figures["count"], figures["online"], figures["paper"]) == (43, 1, 42)
    assert figures["by_state"] == {"PA": 2, "CA": 1}
    assert "including 42 on paper" in text_of(client.get(f"/petitions/{petition.slug}"))
    assert tally.recount(petition.id) == 0
    db.session.commit()
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["by_state"] == {"PA": 2, "CA": 1}


def test_a_paper_batch_sent_without_its_names_field_is_counted(client, coalition, make_petition):
    """A count alone, with no names field at all (a script's post; the fuzz found it answered 500)."""
    petition = make_petition()
    response = client.post(_url(coalition, petition, "/paper"), data={"organization_id": "0", "count": "12"})
    assert response.status_code == 302
    tally_now()
    assert client.get(f"/petitions/{petition.slug}/count.json").get_json()["paper"] == 12


def test_the_delivery_pdf_gives_counts_by_state_and_no_names(client, coalition, make_petition, sign):
    import io

    from pypdf import PdfReader

    petition = make_petition()
    sign(petition, first_name="Secretname", zip_code="19104")
    sign(petition, email="b@example.org", zip_code="90012")
    tally_now()
    response = client.get(_url(coalition, petition, "/delivery.pdf"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "2 signatures" in text and "Pennsylvania" in text and "California" in text
    assert "Secretname" not in text


def test_the_signers_csv_with_action_network_columns(client, coalition, make_petition, sign):
    """Confirmed signers only: the sheet has no status column, and Action Network takes each row
    as a person, so a quarantined row (a bot, an address never confirmed) stays out."""
    import csv
    import io

    from campaign.core.exports import ExportLog
    from campaign.supporters.services import erase_supporter_data

    petition = make_petition()
    sign(petition, first_name="=cmd|' /C calc'!A0", last_name="Núñez")
    sign(petition, confirm=False, email="bot@example.org", website="http://spam.example")  # quarantined
    sign(petition, confirm=False, email="typed@example.org")  # never confirmed
    sign(petition, email="gone@example.org")
    erase_supporter_data("gone@example.org")  # an erased signer's blank row is no person
    db.session.commit()
    url = _url(coalition, petition, "/signers.csv") + "?columns=action_network"
    body = client.get(url).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == [
        "first_name",
        "last_name",
        "email",
        "zip_code",
        "can2_user_city",
        "can2_state_abbreviated",
        "can2_county",
    ]
    assert len(rows) == 2
    assert rows[1][0].startswith("'=") and rows[1][1:3] == ["Núñez", "ana@example.org"] and rows[1][5] == "PA"
    log = db.session.scalar(select(ExportLog))
    assert log.what.endswith(":signers:action_network") and log.row_count == 1
    whole = client.get(_url(coalition, petition, "/signers.csv")).get_data(as_text=True)
    assert "bot@example.org" in whole and "quarantined" in whole  # the full sheet says so, in a column
