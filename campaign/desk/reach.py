"""'Needs you' about reaching people: petition signatures held back or passing milestones, and
alerts about to go out, paused, or failing to reach some of their recipients."""

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select, union_all

from campaign.desk.items import Need, Scope, count_where
from campaign.desk.milestones import crossings, latest_per_petition
from campaign.extensions import db
from campaign.notifications.models import Delivery, DeliveryState, Message, MessageKind, MessageState
from campaign.petitions.clusters import COLUMNS as CLUSTER_COLUMNS
from campaign.petitions.clusters import MIN_CLUSTER
from campaign.petitions.models import Petition, PetitionSignature
from campaign.petitions.models import SignatureState as PetitionSignatureState

ALERT_WINDOW = timedelta(hours=24)
RECENT = timedelta(days=7)  # milestones passed and deliveries failed this long ago still show


def held_back(scope: Scope) -> list[Need]:
    """Per petition: signatures held back by the abuse checks, and the clusters (an IP hash, an
    email domain) that hold some of them, which the signers page judges as a whole."""
    held = (
        select(
            PetitionSignature.petition_id,
            func.count().label("held"),
            func.max(PetitionSignature.created_at).label("latest"),
        )
        .join(Petition, Petition.id == PetitionSignature.petition_id)
        .where(
            Petition.coalition_id.in_(scope.ids),
            PetitionSignature.state == PetitionSignatureState.QUARANTINED,
        )
        .group_by(PetitionSignature.petition_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Petition.id, Petition.coalition_id, Petition.title, held.c.held, held.c.latest).join(
            held, held.c.petition_id == Petition.id
        )
    ).all()
    clusters = _clusters_holding([row.id for row in rows])
    found = []
    for petition_id, coalition_id, title, count, latest in rows:
        text = ngettext(
            "%(num)d signature is held back on “%(title)s”.",
            "%(num)d signatures are held back on “%(title)s”.",
            count,
            title=title,
        )
        in_clusters = clusters.get(petition_id, 0)
        note = (
            ngettext(
                "%(num)d cluster holds some of them.", "%(num)d clusters hold some of them.", in_clusters
            )
            if in_clusters
            else ""
        )
        found.append(
            scope.need(
                "held_back",
                coalition_id,
                latest,
                text,
                "petitions.signers",
                _("Count or strike them out"),
                note=note,
                petition_id=petition_id,
                _anchor="clusters-heading",
            )
        )
    return found


def _clusters_holding(petition_ids: list[int]) -> dict[int, int]:
    """Per petition, its clusters (as the signers page finds them) with a held-back signature."""
    held = count_where(PetitionSignature.state == PetitionSignatureState.QUARANTINED)
    groups = union_all(
        *(
            select(PetitionSignature.petition_id.label("petition_id"))
            .where(PetitionSignature.petition_id.in_(petition_ids), column.is_not(None), column != "")
            .group_by(PetitionSignature.petition_id, column)
            .having(func.count() >= MIN_CLUSTER, held > 0)
            for column in CLUSTER_COLUMNS.values()
        )
    ).subquery()
    rows = db.session.execute(select(groups.c.petition_id, func.count()).group_by(groups.c.petition_id))
    return dict(rows.all())


def milestones(scope: Scope) -> list[Need]:
    found = []
    for crossing in latest_per_petition(crossings(scope.ids, scope.now - RECENT)):
        found.append(
            scope.need(
                "milestone",
                crossing.coalition_id,
                crossing.at,
                crossing.describe(),
                "petitions.petition",
                _("See the petition"),
                petition_id=crossing.petition_id,
            )
        )
    return found


def alerts(scope: Scope) -> list[Need]:
    """Alerts going out within a day (a last look before they do), and alerts paused mid-send."""
    soon = (Message.state == MessageState.SCHEDULED) & (Message.scheduled_at <= scope.now + ALERT_WINDOW)
    rows = db.session.execute(
        select(
            Message.id,
            Message.coalition_id,
            Message.subject,
            Message.state,
            Message.scheduled_at,
            Message.started_at,
        ).where(
            Message.coalition_id.in_(scope.ids),
            Message.kind == MessageKind.ALERT,
            or_(soon, Message.state == MessageState.PAUSED),
        )
    )
    found = []
    for alert_id, coalition_id, subject, state, scheduled_at, started_at in rows:
        if state == MessageState.PAUSED:
            need = (
                "alert_paused",
                started_at,
                _("Sending “%(subject)s” is paused.", subject=subject),
                _("Resume or cancel"),
            )
        else:
            text = _("“%(subject)s” goes out %(when)s.", subject=subject, when=scope.from_now(scheduled_at))
            need = ("alert_soon", scheduled_at - ALERT_WINDOW, text, _("Check the alert"))
        kind, at, text, action = need
        found.append(
            scope.need(kind, coalition_id, at, text, "notifications.alert", action, alert_id=alert_id)
        )
    return found


def failed_deliveries(scope: Scope) -> list[Need]:
    """Alerts with emails that could not be delivered lately. Nothing in the app sends them
    again: the organizer looks at how many, and reaches those people another way if it matters;
    the item goes after RECENT."""
    rows = db.session.execute(
        select(Message.id, Message.coalition_id, Message.subject, func.count(), func.max(Delivery.claimed_at))
        .join(Delivery, Delivery.message_id == Message.id)
        .where(
            Message.coalition_id.in_(scope.ids),
            Message.kind == MessageKind.ALERT,
            Delivery.state == DeliveryState.FAILED,
            Delivery.claimed_at >= scope.now - RECENT,
        )
        .group_by(Message.id, Message.coalition_id, Message.subject)
    )
    return [
        scope.need(
            "failed_deliveries",
            coalition_id,
            latest,
            ngettext(
                "%(num)d email of “%(subject)s” could not be delivered.",
                "%(num)d emails of “%(subject)s” could not be delivered.",
                failed,
                subject=subject,
            ),
            "notifications.alert",
            _("See the delivery"),
            alert_id=alert_id,
        )
        for alert_id, coalition_id, subject, failed, latest in rows
    ]
