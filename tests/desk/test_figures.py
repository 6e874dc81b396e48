"""The figures on the dashboard and the overview: the real counts, each linking to its list."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from campaign.actions.models import DayOfAction
from campaign.coalitions import services as coalitions
from campaign.coalitions.models import Membership, MembershipStatus
from campaign.core.outbox import utcnow
from campaign.desk.figures import figures
from campaign.letters.models import Letter, LetterState
from campaign.notifications import services as alerts
from campaign.notifications.models import Message, MessageKind, MessageState
from campaign.petitions.models import Petition, PetitionState
from campaign.supporters.models import Subscription, Supporter
from tests.notifications.conftest import alert_form
from tests.pages import text_of, text_of_markup

END_287G, LA, PHILADELPHIA = (
    "End 287(g) Coalition (demo)",
    "ICE out of LA",
    "Philadelphia Family Unity Network",
)


def _counted(db, model, coalition_id, *conditions) -> int:
    return db.session.scalar(select(func.count()).where(model.coalition_id == coalition_id, *conditions))


def _one_by_one(db, coalition_id, now) -> dict:
    """The figures counted afresh for one coalition, one plain query each."""
    today, month = now.date(), now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    signatures = db.session.scalar(
        select(func.coalesce(func.sum(Petition.signature_count + Petition.paper_count), 0)).where(
            Petition.coalition_id == coalition_id, Petition.state == PetitionState.OPEN
        )
    )
    alert = (Message.kind == MessageKind.ALERT,)
    return {
        "members": _counted(db, Membership, coalition_id, Membership.status == MembershipStatus.ACTIVE),
        "letters_open": _counted(db, Letter, coalition_id, Letter.state == LetterState.OPEN),
        "letters_delivered": _counted(db, Letter, coalition_id, Letter.state == LetterState.DELIVERED),
        "petitions_open": _counted(db, Petition, coalition_id, Petition.state == PetitionState.OPEN),
        "signatures": signatures,
        "days_upcoming": _counted(db, DayOfAction, coalition_id, DayOfAction.ends_on >= today),
        "alerts_scheduled": _counted(
            db, Message, coalition_id, *alert, Message.state == MessageState.SCHEDULED
        ),
        "alerts_sending": _counted(
            db, Message, coalition_id, *alert, Message.state.in_((MessageState.SENDING, MessageState.PAUSED))
        ),
        "alerts_sent_this_month": _counted(
            db,
            Message,
            coalition_id,
            *alert,
            Message.state == MessageState.SENT,
            Message.finished_at >= month,
        ),
        "subscribed": _counted(
            db, Supporter, coalition_id, Supporter.subscription == Subscription.SUBSCRIBED
        ),
    }


def _card(page: str, name: str) -> str:
    """The dashboard's card of one coalition, as text."""
    cards = re.findall(r'<li class="card">(.*?)</ul>\s*</li>', page, re.S)
    return text_of_markup(next(card for card in cards if f">{name}</a>" in card))


def test_the_demo_coalitions_show_their_real_figures(client, db, demo):
    now = utcnow()
    found = figures([coalition.id for coalition in demo.values()], now)
    for coalition in demo.values():
        assert found[coalition.id].__dict__ == _one_by_one(db, coalition.id, now), coalition.name
    # What the seed articles gave each coalition (campaign/demo/data.py).
    assert (found[demo[END_287G].id].members, found[demo[END_287G].id].letters_open) == (8, 1)
    assert found[demo[END_287G].id].days_upcoming == 1
    assert (found[demo[PHILADELPHIA].id].petitions_open, found[demo[PHILADELPHIA].id].signatures) == (1, 5)
    assert found[demo[LA].id].alerts_scheduled == 0  # its alert is a draft
    assert {found[coalition.id].subscribed for coalition in demo.values()} == {5}

    page = client.get("/dashboard").get_data(as_text=True)
    assert "8 member organizations 1 letter open for sign-on 0 delivered" in _card(page, END_287G)
    assert "1 open petition 5 signatures" in _card(page, PHILADELPHIA)
    assert "1 day of action coming" in _card(page, END_287G)
    assert "0 alerts scheduled 0 sending · 0 sent this month 5 supporters subscribed" in _card(page, LA)
    overview = text_of(client.get(f"/coalitions/{demo[PHILADELPHIA].slug}"))
    assert "5 member organizations" in overview and "1 open petition 5 signatures" in overview


def test_each_figure_links_to_its_list_page(client, demo):
    slug = demo[END_287G].slug
    page = client.get(f"/coalitions/{slug}").get_data(as_text=True)
    for path in ("members", "letters", "petitions", "actions", "alerts", "supporters"):
        link = f'href="/coalitions/{slug}/{path}"'
        assert link in page, link
        assert client.get(f"/coalitions/{slug}/{path}").status_code == 200


def test_the_alert_figures_follow_the_alerts(client, db, coalition, add_supporter):
    add_supporter("ana@example.org")
    form = alert_form() | {"audience": {"source": "subscribers"}}
    scheduled = alerts.save_alert(coalition.id, None, form)
    alerts.schedule(scheduled, utcnow() + timedelta(days=2), "America/New_York")
    paused = alerts.save_alert(coalition.id, None, form)
    alerts.start(paused)
    alerts.create_deliveries(paused)
    alerts.pause(paused)
    sent = alerts.save_alert(coalition.id, None, form)
    db.session.commit()
    assert client.post(f"/coalitions/{coalition.slug}/alerts/{sent.id}/send").status_code == 302
    page = text_of(client.get(f"/coalitions/{coalition.slug}"))
    assert "1 alert scheduled 1 sending · 1 sent this month" in page  # a paused one is mid-send


def test_an_organizer_without_a_coalition_is_shown_how_to_start(
    client, db, owner, make_coalition, invite_org
):
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Create a coalition" in page and "You are not in a coalition yet" in page

    coalition = make_coalition(owner)
    coalitions.accept(invite_org(coalition, owner, "CHIRLA"))
    invite_org(coalition, owner, "CARECEN", email="x@carecen.example")  # invited, not yet active
    db.session.commit()
    page = text_of(client.get("/dashboard"))
    assert "ICE Out of LA" in page and "Your role: Owner" in page
    assert "1 member organization 0 letters open for sign-on" in page
    assert "Nothing is waiting for you right now." in page
