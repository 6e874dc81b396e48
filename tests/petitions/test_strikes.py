"""Striking a cluster out can be undone for 30 days: once, by the coalition's organizers only."""

import logging
from datetime import timedelta

from sqlalchemy import select

from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.petitions import tally
from campaign.petitions.models import (
    ClusterStrike,
    Petition,
    PetitionSignature,
    SignatureState,
    StruckSignature,
)
from campaign.petitions.tasks import tidy_signatures
from tests.pages import click_confirm, text_of
from tests.petitions.conftest import organizer_url, tally_now

SPAM = {"kind": "domain", "key": "spam.example"}


def _states(petition) -> list[SignatureState]:
    """The states of the signatures in the order they were given: a, b, c, d at spam.example, then ana."""
    return list(
        db.session.scalars(
            select(PetitionSignature.state)
            .where(PetitionSignature.petition_id == petition.id)
            .order_by(PetitionSignature.id)
        )
    )


def _count(client, petition) -> int:
    return client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"]


def _cluster_of_four(petition, sign, mailbox):
    """At spam.example: one confirmed, one held back, two waiting for their click."""
    sign(petition, email="a@spam.example")
    sign(petition, email="b@spam.example", website="I am a bot", confirm=False)  # held back
    sign(petition, email="c@spam.example", confirm=False)
    sign(petition, email="d@spam.example", confirm=False)
    sign(petition, email="ana@example.org")
    tally_now()
    return mailbox.last_link("c@spam.example", "/petitions/confirm/")


def _strike(client, coalition, petition, **extra):
    return client.post(
        organizer_url(coalition, petition, "/clusters"),
        data=SPAM | {"invalidate": "1"} | extra,
        follow_redirects=True,
    )


def _undo_url(coalition, petition, strike) -> str:
    return organizer_url(coalition, petition, f"/strikes/{strike.id}/undo")


def test_an_undo_gives_every_struck_signature_its_state_back_and_the_count_follows(
    client, coalition, make_petition, sign, mailbox
):
    petition = make_petition()
    c_link = _cluster_of_four(petition, sign, mailbox)
    before = _states(petition)
    assert before == ["confirmed", "quarantined", "unconfirmed", "unconfirmed", "confirmed"]
    assert _count(client, petition) == 2

    struck = _strike(client, coalition, petition)
    assert "4 signatures struck out; the count is corrected. You can undo this for 30 days." in text_of(
        struck
    )
    tally_now()
    assert _count(client, petition) == 1
    click_confirm(client, c_link)  # c confirms while struck out: it does not count, for now

    strike = db.session.scalar(select(ClusterStrike))
    page = text_of(client.get(organizer_url(coalition, petition, "/signers")))
    assert "Email @spam.example: 4 signatures struck out by Ana Organizer" in page
    assert f'action="{_undo_url(coalition, petition, strike)}"' in client.get(
        organizer_url(coalition, petition, "/signers")
    ).get_data(as_text=True)

    undone = client.post(_undo_url(coalition, petition, strike), follow_redirects=True)
    assert "Strike undone: those signatures are back as they were" in text_of(undone)
    assert "Undone by Ana Organizer" in text_of(undone)
    tally_now()
    assert _states(petition) == ["confirmed", "quarantined", "confirmed", "unconfirmed", "confirmed"]
    assert _count(client, petition) == 3
    assert db.session.scalar(select(StruckSignature.strike_id)) is None  # its list is no longer needed


def test_a_double_click_strikes_once_and_undoes_once(client, coalition, make_petition, sign, mailbox):
    petition = make_petition()
    _cluster_of_four(petition, sign, mailbox)
    _strike(client, coalition, petition)
    again = _strike(client, coalition, petition)
    assert "Nothing to strike out: those signatures were struck out already." in text_of(again)
    assert db.session.query(ClusterStrike).count() == 1

    strike = db.session.scalar(select(ClusterStrike))
    client.post(_undo_url(coalition, petition, strike))
    _strike(client, coalition, petition)  # struck again after the undo: a new strike
    second = client.post(_undo_url(coalition, petition, strike), follow_redirects=True)
    assert "This can no longer be undone: the strike was undone already" in text_of(second)
    assert (
        _states(petition)[:4] == [SignatureState.INVALID] * 4
    )  # the old strike's second undo changed nothing


def test_after_30_days_the_undo_button_is_gone_and_a_post_is_refused(
    client, coalition, make_petition, sign, mailbox
):
    petition = make_petition()
    _cluster_of_four(petition, sign, mailbox)
    _strike(client, coalition, petition)
    strike = db.session.scalar(select(ClusterStrike))
    strike.struck_at = utcnow() - timedelta(days=30, minutes=1)
    db.session.commit()

    page = client.get(organizer_url(coalition, petition, "/signers")).get_data(as_text=True)
    assert _undo_url(coalition, petition, strike) not in page
    refused = client.post(_undo_url(coalition, petition, strike), follow_redirects=True)
    assert "This can no longer be undone" in text_of(refused)
    client.get("/language/es")
    refused = client.post(_undo_url(coalition, petition, strike), follow_redirects=True)
    assert "Ya no se puede deshacer: la anulación ya se deshizo o tiene más de 30 días." in text_of(refused)
    assert db.session.scalar(select(ClusterStrike.undone_at)) is None
    assert _states(petition)[0] == SignatureState.INVALID

    tidy_signatures()  # the hourly job drops the list of signatures a strike no longer needs
    db.session.expire_all()
    assert db.session.query(StruckSignature).count() == 0
    assert db.session.query(ClusterStrike).count() == 1  # who struck how many, when: kept


def test_one_day_short_of_30_the_strike_can_still_be_undone(client, coalition, make_petition, sign, mailbox):
    petition = make_petition()
    _cluster_of_four(petition, sign, mailbox)
    _strike(client, coalition, petition)
    strike = db.session.scalar(select(ClusterStrike))
    strike.struck_at = utcnow() - timedelta(days=29)
    db.session.commit()
    tidy_signatures()
    client.post(_undo_url(coalition, petition, strike))
    tally_now()
    assert _count(client, petition) == 2


def test_a_viewer_sees_no_undo_button_and_another_coalition_cannot_undo(
    client, coalition, make_petition, sign, mailbox, log_in_as
):
    petition = make_petition()
    _cluster_of_four(petition, sign, mailbox)
    _strike(client, coalition, petition)
    strike = db.session.scalar(select(ClusterStrike))
    undo = _undo_url(coalition, petition, strike)
    other = make_petition(title="Another petition")
    assert client.post(_undo_url(coalition, other, strike)).status_code == 404  # another petition's id

    log_in_as("viewer@example.org", coalition, "viewer")
    page = client.get(organizer_url(coalition, petition, "/signers"))
    assert "struck out by Ana Organizer" in text_of(page) and undo not in page.get_data(as_text=True)
    assert client.post(undo).status_code == 403

    log_in_as("owner-b@example.org")
    assert client.post(undo).status_code == 404
    assert client.post(undo.replace(coalition.slug, "another-coalition")).status_code == 404
    assert db.session.scalar(select(ClusterStrike.undone_at)) is None
    assert _states(petition)[0] == SignatureState.INVALID


def _overlapping_strikes(client, coalition, petition, sign):
    """Three signatures at spam.example struck out, then their whole network (all five signers
    share the test client's IP): the second strike covers the first one's three too."""
    for email in (
        "a@spam.example",
        "b@spam.example",
        "c@spam.example",
        "ana@example.org",
        "luis@example.org",
    ):
        sign(petition, email=email)
    tally_now()
    network = db.session.scalar(select(PetitionSignature.ip_hash))
    _strike(client, coalition, petition)
    client.post(
        organizer_url(coalition, petition, "/clusters"),
        data={"kind": "ip", "key": network, "invalidate": "1"},
    )
    tally_now()
    strikes = db.session.scalars(select(ClusterStrike).order_by(ClusterStrike.id)).all()
    assert [strike.count for strike in strikes] == [3, 2]  # each counts what it struck itself
    assert _states(petition) == [SignatureState.INVALID] * 5
    return strikes


def test_undoing_a_strike_keeps_out_what_a_later_strike_still_covers(client, coalition, make_petition, sign):
    petition = make_petition()
    domain, network = _overlapping_strikes(client, coalition, petition, sign)

    client.post(_undo_url(coalition, petition, domain))
    tally_now()
    assert _states(petition) == [SignatureState.INVALID] * 5  # the network strike still stands
    assert _count(client, petition) == 0

    client.post(_undo_url(coalition, petition, network))
    tally_now()
    assert _states(petition) == [SignatureState.CONFIRMED] * 5
    assert _count(client, petition) == 5
    assert db.session.query(StruckSignature).count() == 0


def test_undoing_the_later_strike_first_keeps_out_what_the_earlier_one_covers(
    client, coalition, make_petition, sign
):
    petition = make_petition()
    domain, network = _overlapping_strikes(client, coalition, petition, sign)

    client.post(_undo_url(coalition, petition, network))
    tally_now()
    assert _states(petition) == [SignatureState.INVALID] * 3 + [SignatureState.CONFIRMED] * 2
    assert _count(client, petition) == 2

    client.post(_undo_url(coalition, petition, domain))
    tally_now()
    assert _states(petition) == [SignatureState.CONFIRMED] * 5
    assert _count(client, petition) == 5


def test_a_strike_past_its_undo_window_keeps_its_signatures_out_when_a_later_one_is_undone(
    client, coalition, make_petition, sign
):
    """The first strike's list is dropped after 30 days (it can no longer be undone); undoing the
    network strike then gives back only what that strike itself struck."""
    petition = make_petition()
    domain, network = _overlapping_strikes(client, coalition, petition, sign)
    domain.struck_at = utcnow() - timedelta(days=31)
    db.session.commit()
    tidy_signatures()

    client.post(_undo_url(coalition, petition, network))
    tally_now()
    assert _states(petition) == [SignatureState.INVALID] * 3 + [SignatureState.CONFIRMED] * 2


def test_a_strike_and_its_undo_recount_without_calling_it_drift_and_real_drift_still_warns(
    client, coalition, make_petition, sign, mailbox, caplog
):
    petition = make_petition()
    _cluster_of_four(petition, sign, mailbox)
    caplog.set_level(logging.WARNING, logger="campaign.petitions.tally")
    _strike(client, coalition, petition)  # its recount runs once the request commits
    strike = db.session.scalar(select(ClusterStrike))
    client.post(_undo_url(coalition, petition, strike))
    tally_now()
    _strike(client, coalition, petition)
    tally_now()
    assert "stored count" not in caplog.text
    assert _count(client, petition) == 1

    db.session.get(Petition, petition.id).signature_count = 7  # real drift: a crash between two writes
    db.session.commit()
    assert tally.recount(petition.id) == -6
    assert "stored count 7, exact count 1" in caplog.text
