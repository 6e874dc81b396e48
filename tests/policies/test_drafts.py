"""One-click drafts belong to the fact they announce: a measure moved back from "passed", a
hearing moved or cleared, withdraws the drafts nobody has started sending, and says so."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from campaign.extensions import db
from campaign.notifications import services as notifications
from campaign.notifications.models import Message, MessageKind, MessageState
from campaign.policies import targets
from tests.policies.campaigns import campaigns, county, measure

TODAY = date.today().isoformat()
SOON = (datetime.now() + timedelta(days=30)).strftime("%Y-%m-%dT18:00")
LATER = (datetime.now() + timedelta(days=40)).strftime("%Y-%m-%dT18:00")
WON = "We won: Ordinance 101 passed"


@pytest.fixture
def aimed(db, coalition):
    """The coalition's petition, aimed at a Philadelphia measure still to be voted on."""
    petition = campaigns(coalition, coalition.roles[0].user)["petition"]
    ordinance = measure(coalition.id, county("Philadelphia", "PA"))
    targets.aim(petition, "petition", ordinance.jurisdiction, "", ordinance.id, None)
    db.session.commit()
    return petition, ordinance


def _measure_page(coalition, ordinance) -> str:
    return f"/coalitions/{coalition.slug}/policies/measures/{ordinance.id}"


def _move(client, coalition, ordinance, stage):
    return client.post(
        f"{_measure_page(coalition, ordinance)}/stage",
        data={"stage": stage, "reached_on": TODAY},
        follow_redirects=True,
    ).get_data(as_text=True)


def _tell(client, coalition, petition, ordinance):
    return client.post(
        f"/coalitions/{coalition.slug}/policies/targets/petition/{petition.id}/won/{ordinance.id}"
    )


def _alerts(coalition_id):
    return db.session.scalars(
        select(Message).where(Message.coalition_id == coalition_id, Message.kind == MessageKind.ALERT)
    ).all()


def test_moving_a_passed_measure_back_withdraws_its_we_won_draft_and_passing_again_makes_one(
    client, coalition, aimed
):
    petition, ordinance = aimed
    _move(client, coalition, ordinance, "passed")
    assert _tell(client, coalition, petition, ordinance).status_code == 302
    (draft,) = _alerts(coalition.id)
    assert draft.subject == WON and draft.dedupe_key.startswith(f"won:{ordinance.id}:petition:{petition.id}:")
    page = _move(client, coalition, ordinance, "vote")
    assert f"The draft “{WON}” was withdrawn." in page
    assert _alerts(coalition.id) == []
    _move(client, coalition, ordinance, "passed")
    _tell(client, coalition, petition, ordinance)
    (again,) = _alerts(coalition.id)
    assert again.subject == WON and again.state == MessageState.DRAFT


def test_two_clicks_make_one_draft_with_the_facts_key(client, coalition, aimed):
    petition, ordinance = aimed
    _move(client, coalition, ordinance, "passed")
    first, second = (
        _tell(client, coalition, petition, ordinance),
        _tell(client, coalition, petition, ordinance),
    )
    (draft,) = _alerts(coalition.id)
    assert first.location == second.location == f"/coalitions/{coalition.slug}/alerts/{draft.id}"


def test_a_scheduled_we_won_alert_is_cancelled_and_its_key_freed(client, coalition, aimed):
    petition, ordinance = aimed
    _move(client, coalition, ordinance, "passed")
    _tell(client, coalition, petition, ordinance)
    (alert,) = _alerts(coalition.id)
    notifications.schedule(alert, datetime.now() + timedelta(days=1), "America/New_York")
    db.session.commit()
    page = _move(client, coalition, ordinance, "vote")
    assert f"The scheduled alert “{WON}” was cancelled." in page
    db.session.refresh(alert)
    assert alert.state == MessageState.CANCELLED and alert.dedupe_key is None
    _move(client, coalition, ordinance, "passed")
    _tell(client, coalition, petition, ordinance)
    assert sorted(found.state for found in _alerts(coalition.id)) == [
        MessageState.CANCELLED,
        MessageState.DRAFT,
    ]


@pytest.mark.parametrize("state", [MessageState.SENDING, MessageState.PAUSED, MessageState.SENT])
def test_one_already_sending_or_sent_is_left_alone(client, coalition, aimed, state):
    petition, ordinance = aimed
    _move(client, coalition, ordinance, "passed")
    _tell(client, coalition, petition, ordinance)
    (alert,) = _alerts(coalition.id)
    alert.state = state
    db.session.commit()
    page = _move(client, coalition, ordinance, "vote")
    assert f"“{WON}” was" not in page
    db.session.refresh(alert)
    assert alert.state == state and alert.dedupe_key is not None


def test_another_coalitions_drafts_are_untouched_even_keyed_and_worded_alike(
    client, coalition, other_coalition, aimed
):
    petition, ordinance = aimed
    theirs = Message(
        coalition_id=other_coalition.id,
        kind=MessageKind.ALERT,
        subject=WON,
        audience={"source": "subscribers"},
        dedupe_key=f"won:{ordinance.id}:petition:0:20300304",
    )
    db.session.add(theirs)
    db.session.commit()
    _move(client, coalition, ordinance, "passed")
    _tell(client, coalition, petition, ordinance)
    _move(client, coalition, ordinance, "vote")
    assert _alerts(coalition.id) == []
    assert db.session.get(Message, theirs.id).state == MessageState.DRAFT


def test_deleting_the_measure_withdraws_its_drafts(client, coalition, aimed):
    petition, ordinance = aimed
    _move(client, coalition, ordinance, "passed")
    _tell(client, coalition, petition, ordinance)
    page = client.post(f"{_measure_page(coalition, ordinance)}/delete", follow_redirects=True)
    assert f"The draft “{WON}” was withdrawn." in page.get_data(as_text=True)
    assert _alerts(coalition.id) == []


# -- the hearing alert -----------------------------------------------------------------------


@pytest.fixture
def hearing(client, coalition, add_supporter, add_measure):
    """A measure with a hearing ahead, and the draft alert calling supporters there to it."""
    add_supporter("there@example.org", "94612")
    ordinance = add_measure()
    base = _measure_page(coalition, ordinance)
    client.post(f"{base}/hearing", data={"when": SOON, "place": "Oakland City Hall"})
    client.post(f"{base}/alert")
    (draft,) = _alerts(coalition.id)
    return ordinance, draft.subject


def test_a_moved_hearing_withdraws_the_old_draft_and_a_new_click_writes_the_new_one(
    client, coalition, hearing
):
    ordinance, old_subject = hearing
    base = _measure_page(coalition, ordinance)
    moved = client.post(
        f"{base}/hearing", data={"when": LATER, "place": "Oakland City Hall"}, follow_redirects=True
    )
    assert f"The draft “{old_subject}” was withdrawn." in moved.get_data(as_text=True)
    assert _alerts(coalition.id) == []
    client.post(f"{base}/alert")
    (draft,) = _alerts(coalition.id)
    assert draft.dedupe_key == f"hearing:{ordinance.id}:{ordinance.next_hearing_at:%Y%m%dT%H%M}"


def test_a_new_place_withdraws_the_draft_and_the_same_hearing_again_keeps_it(client, coalition, hearing):
    ordinance, _subject = hearing
    base = _measure_page(coalition, ordinance)
    client.post(f"{base}/hearing", data={"when": SOON, "place": "Oakland City Hall"})
    assert len(_alerts(coalition.id)) == 1
    client.post(f"{base}/hearing", data={"when": SOON, "place": "Fruitvale library"})
    assert _alerts(coalition.id) == []


def test_deciding_the_measure_clears_the_hearing_and_withdraws_its_draft(client, coalition, hearing):
    ordinance, old_subject = hearing
    page = _move(client, coalition, ordinance, "failed")
    assert f"The draft “{old_subject}” was withdrawn." in page
    assert _alerts(coalition.id) == []


def test_the_withdrawal_speaks_spanish(client, coalition, aimed):
    petition, ordinance = aimed
    _move(client, coalition, ordinance, "passed")
    _tell(client, coalition, petition, ordinance)
    client.get("/language/es")
    assert f"Se retiró el borrador “{WON}”." in _move(client, coalition, ordinance, "vote")
