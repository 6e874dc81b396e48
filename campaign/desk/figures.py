"""Each coalition's figures on the desk: letters, petitions, days of action, alerts, supporters.

One grouped query per kind of record for all the coalitions asked about, so the dashboard reads
as many rows for twenty coalitions as for one.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from campaign.accounts.models import User
from campaign.actions.models import DayOfAction
from campaign.coalitions.models import Coalition, CoalitionRole, Role
from campaign.coalitions.services import active_member_counts
from campaign.desk.items import count_where
from campaign.extensions import db
from campaign.letters.models import Letter, LetterState
from campaign.notifications.models import Message, MessageKind, MessageState
from campaign.petitions.models import Petition, PetitionState
from campaign.supporters.models import Subscription, Supporter


@dataclass
class Figures:
    members: int = 0
    letters_open: int = 0
    letters_delivered: int = 0
    petitions_open: int = 0
    signatures: int = 0  # on the open petitions, online and on paper
    days_upcoming: int = 0
    alerts_scheduled: int = 0
    alerts_sending: int = 0
    alerts_sent_this_month: int = 0
    subscribed: int = 0


@dataclass
class Desk:
    """One of the account's coalitions, its role there and its figures."""

    coalition: Coalition
    role: Role
    figures: Figures


def my_coalitions(user: User) -> list[tuple[Coalition, Role]]:
    return [
        (coalition, role)
        for coalition, role in db.session.execute(
            select(Coalition, CoalitionRole.role)
            .join(CoalitionRole)
            .where(CoalitionRole.user_id == user.id)
            .order_by(Coalition.name)
        )
    ]


def desks(coalitions: list[tuple[Coalition, Role]], now: datetime) -> list[Desk]:
    found = figures([coalition.id for coalition, _ in coalitions], now)
    return [Desk(coalition, role, found[coalition.id]) for coalition, role in coalitions]


def figures(coalition_ids: list[int], now: datetime) -> dict[int, Figures]:
    found = {coalition_id: Figures() for coalition_id in coalition_ids}
    if not coalition_ids:
        return found
    for coalition_id, members in active_member_counts(coalition_ids).items():
        found[coalition_id].members = members
    for reader in (_letters, _petitions, _days, _alerts, _supporters):
        for coalition_id, values in reader(coalition_ids, now):
            for name, value in values.items():
                setattr(found[coalition_id], name, value or 0)
    return found


def _letters(ids: list[int], now: datetime):
    rows = db.session.execute(
        select(
            Letter.coalition_id,
            count_where(Letter.state == LetterState.OPEN),
            count_where(Letter.state == LetterState.DELIVERED),
        )
        .where(Letter.coalition_id.in_(ids))
        .group_by(Letter.coalition_id)
    )
    for coalition_id, open_, delivered in rows:
        yield coalition_id, {"letters_open": open_, "letters_delivered": delivered}


def _petitions(ids: list[int], now: datetime):
    rows = db.session.execute(
        select(
            Petition.coalition_id,
            func.count(),
            func.sum(Petition.signature_count + Petition.paper_count),
        )
        .where(Petition.coalition_id.in_(ids), Petition.state == PetitionState.OPEN)
        .group_by(Petition.coalition_id)
    )
    for coalition_id, open_, signatures in rows:
        yield coalition_id, {"petitions_open": open_, "signatures": signatures}


def _days(ids: list[int], now: datetime):
    """Days of action not over yet, drafts included: they are the organizers' coming work."""
    rows = db.session.execute(
        select(DayOfAction.coalition_id, func.count())
        .where(DayOfAction.coalition_id.in_(ids), DayOfAction.ends_on >= now.date())
        .group_by(DayOfAction.coalition_id)
    )
    for coalition_id, upcoming in rows:
        yield coalition_id, {"days_upcoming": upcoming}


def _alerts(ids: list[int], now: datetime):
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    sent_this_month = (Message.state == MessageState.SENT) & (Message.finished_at >= month_start)
    rows = db.session.execute(
        select(
            Message.coalition_id,
            count_where(Message.state == MessageState.SCHEDULED),
            count_where(Message.state.in_((MessageState.SENDING, MessageState.PAUSED))),
            count_where(sent_this_month),
        )
        .where(Message.coalition_id.in_(ids), Message.kind == MessageKind.ALERT)
        .group_by(Message.coalition_id)
    )
    for coalition_id, scheduled, sending, sent in rows:
        yield (
            coalition_id,
            {"alerts_scheduled": scheduled, "alerts_sending": sending, "alerts_sent_this_month": sent},
        )


def _supporters(ids: list[int], now: datetime):
    rows = db.session.execute(
        select(Supporter.coalition_id, func.count())
        .where(
            Supporter.coalition_id.in_(ids),
            Supporter.confirmed_at.is_not(None),  # counted as the supporters page counts them
            Supporter.subscription == Subscription.SUBSCRIBED,
        )
        .group_by(Supporter.coalition_id)
    )
    for coalition_id, subscribed in rows:
        yield coalition_id, {"subscribed": subscribed}
