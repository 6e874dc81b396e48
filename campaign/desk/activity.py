"""A coalition's recent activity: what happened lately that its team would want to know.

Read from the moments the records already keep (a letter's publication and delivery, a
signature's approval, an event's proposal, an alert's end, a member's acceptance) and from the
signature rows for petition milestones (milestones.py). Each source gives its newest few within
WINDOW, so the page reads a fixed number of queries.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from campaign.actions.models import Event, EventState
from campaign.coalitions.models import Coalition, Membership, MembershipStatus
from campaign.desk.milestones import crossings
from campaign.extensions import db
from campaign.letters.models import Letter, Signature, SignatureState, SignerKind
from campaign.notifications.models import Delivery, DeliveryState, Message, MessageKind, MessageState
from campaign.organizations.models import Organization
from campaign.petitions.models import Petition

SHOWN = 20
WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class Happening:
    at: datetime
    text: str
    url: str


def recent(coalition: Coalition, now: datetime) -> list[Happening]:
    since = now - WINDOW
    found = [happening for source in SOURCES for happening in source(coalition, since)]
    return sorted(found, key=lambda happening: happening.at, reverse=True)[:SHOWN]


def _link(coalition: Coalition, endpoint: str, **values) -> str:
    return url_for(endpoint, slug=coalition.slug, **values)


def _day_start(day: date) -> datetime:
    """A day recorded without a time (a delivery, a response) sorts at its start."""
    return datetime.combine(day, time.min)


def _letters(coalition: Coalition, since: datetime) -> list[Happening]:
    rows = db.session.execute(
        select(Letter.id, Letter.title, Letter.published_at, Letter.delivered_on, Letter.response_on).where(
            Letter.coalition_id == coalition.id,
            or_(
                Letter.published_at >= since,
                Letter.delivered_on >= since.date(),
                Letter.response_on >= since.date(),
            ),
        )
    )
    found = []
    for letter_id, title, published_at, delivered_on, response_on in rows:
        url = _link(coalition, "letters.letter", letter_id=letter_id)
        if published_at and published_at >= since:
            found.append(Happening(published_at, _("“%(title)s” was published.", title=title), url))
        if delivered_on and delivered_on >= since.date():
            found.append(
                Happening(_day_start(delivered_on), _("“%(title)s” was delivered.", title=title), url)
            )
        if response_on and response_on >= since.date():
            found.append(
                Happening(_day_start(response_on), _("“%(title)s” got a response.", title=title), url)
            )
    return found


def _organizations_signing(coalition: Coalition, since: datetime) -> list[Happening]:
    """Organizations whose signature went on a letter (approved), newest first."""
    rows = db.session.execute(
        select(Signature.organization_name, Signature.decided_at, Letter.id, Letter.title)
        .join(Letter, Letter.id == Signature.letter_id)
        .where(
            Letter.coalition_id == coalition.id,
            Signature.kind == SignerKind.ORGANIZATION,
            Signature.state == SignatureState.APPROVED,
            Signature.decided_at >= since,
        )
        .order_by(Signature.decided_at.desc())
        .limit(SHOWN)
    )
    return [
        Happening(
            decided_at,
            _("%(name)s signed “%(title)s”.", name=name, title=title),
            _link(coalition, "letters.letter", letter_id=letter_id),
        )
        for name, decided_at, letter_id, title in rows
    ]


def _milestones(coalition: Coalition, since: datetime) -> list[Happening]:
    return [
        Happening(
            crossing.at,
            crossing.describe(),
            _link(coalition, "petitions.petition", petition_id=crossing.petition_id),
        )
        for crossing in crossings([coalition.id], since)
    ]


def _petitions_opened(coalition: Coalition, since: datetime) -> list[Happening]:
    rows = db.session.execute(
        select(Petition.id, Petition.title, Petition.opened_at)
        .where(Petition.coalition_id == coalition.id, Petition.opened_at >= since)
        .order_by(Petition.opened_at.desc())
        .limit(SHOWN)
    )
    return [
        Happening(
            opened_at,
            _("“%(title)s” opened for signatures.", title=title),
            _link(coalition, "petitions.petition", petition_id=petition_id),
        )
        for petition_id, title, opened_at in rows
    ]


def _events_proposed(coalition: Coalition, since: datetime) -> list[Happening]:
    """Events a member or supporter proposed (whoever proposes one names themselves; events
    organizers add do not), whatever became of them since."""
    proposed = or_(
        Event.state.in_((EventState.PROPOSED, EventState.DECLINED)), Event.host_contact_name.is_not(None)
    )
    rows = db.session.execute(
        select(Event.id, Event.day_id, Event.title, Event.host_name, Event.created_at)
        .where(Event.coalition_id == coalition.id, Event.created_at >= since, proposed)
        .order_by(Event.created_at.desc())
        .limit(SHOWN)
    )
    return [
        Happening(
            created_at,
            _("%(host)s proposed an event: “%(title)s”.", host=host, title=title),
            _link(coalition, "actions.event_admin", day_id=day_id, event_id=event_id),
        )
        for event_id, day_id, title, host, created_at in rows
    ]


def _alerts_sent(coalition: Coalition, since: datetime) -> list[Happening]:
    alerts = db.session.execute(
        select(Message.id, Message.subject, Message.finished_at)
        .where(
            Message.coalition_id == coalition.id,
            Message.kind == MessageKind.ALERT,
            Message.state == MessageState.SENT,
            Message.finished_at >= since,
        )
        .order_by(Message.finished_at.desc())
        .limit(SHOWN)
    ).all()
    sent = dict(
        db.session.execute(
            select(Delivery.message_id, func.count())
            .where(
                Delivery.message_id.in_([alert.id for alert in alerts]), Delivery.state == DeliveryState.SENT
            )
            .group_by(Delivery.message_id)
        ).all()
    )
    return [
        Happening(
            finished_at,
            ngettext(
                "“%(subject)s” was sent to %(num)d person.",
                "“%(subject)s” was sent to %(num)d people.",
                sent.get(alert_id, 0),
                subject=subject,
            ),
            _link(coalition, "notifications.alert", alert_id=alert_id),
        )
        for alert_id, subject, finished_at in alerts
    ]


def _members_joined(coalition: Coalition, since: datetime) -> list[Happening]:
    rows = db.session.execute(
        select(func.coalesce(Membership.display_name, Organization.name), Membership.responded_at)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(
            Membership.coalition_id == coalition.id,
            Membership.status == MembershipStatus.ACTIVE,
            Membership.responded_at >= since,
        )
        .order_by(Membership.responded_at.desc())
        .limit(SHOWN)
    )
    url = _link(coalition, "coalitions.members")
    return [
        Happening(responded_at, _("%(name)s joined the coalition.", name=name), url)
        for name, responded_at in rows
    ]


SOURCES = (
    _letters,
    _organizations_signing,
    _milestones,
    _petitions_opened,
    _events_proposed,
    _alerts_sent,
    _members_joined,
)
