"""'Needs you': what is waiting for an organizer in their coalitions, newest first.

Each item is read from the rows that cause it and is gone once they no longer do: a sign-on
approved, a proposal answered, a held-back cluster counted or struck out, an alert sent, an event
over. Every reader takes all the coalitions at once (one or two queries each, whatever their
number) and gives each item the moment it came up, for the order of the list; for a time that is
coming (an alert, an event, a deadline) that is when it entered its window.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time
from flask import url_for
from flask_babel import format_timedelta, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select, union_all

from campaign.actions.models import DayOfAction, Event, EventState, RsvpState
from campaign.actions.services import rsvp_figures
from campaign.coalitions.models import Coalition, Role
from campaign.core.zones import local_time
from campaign.desk.milestones import crossings, latest_per_petition
from campaign.extensions import db
from campaign.letters.models import CONFIRMED, Letter, LetterState, Signature, SignatureState
from campaign.notifications.models import Delivery, DeliveryState, Message, MessageKind, MessageState
from campaign.petitions.clusters import COLUMNS as CLUSTER_COLUMNS
from campaign.petitions.clusters import MIN_CLUSTER
from campaign.petitions.models import Petition, PetitionSignature
from campaign.petitions.models import SignatureState as PetitionSignatureState

ALERT_WINDOW = timedelta(hours=24)
EVENT_WINDOW = timedelta(days=7)
DEADLINE_WINDOW = timedelta(days=3)
RECENT = timedelta(days=7)  # milestones passed and deliveries failed this long ago still show


@dataclass(frozen=True)
class Need:
    kind: str
    coalition: Coalition
    role: Role
    at: datetime  # when it came up: the list is newest first
    text: str
    url: str  # the page where it is done
    action: str  # the button's words, for organizers and up
    note: str = ""

    @property
    def can_act(self) -> bool:
        return self.role >= Role.ORGANIZER


@dataclass
class _Scope:
    """The coalitions asked about, with the account's role in each, at one moment."""

    coalitions: dict[int, tuple[Coalition, Role]]
    now: datetime

    @property
    def ids(self) -> list[int]:
        return list(self.coalitions)

    def need(self, kind, coalition_id, at, text, endpoint, action, note="", **values) -> Need:
        coalition, role = self.coalitions[coalition_id]
        url = url_for(endpoint, slug=coalition.slug, **values)
        return Need(kind, coalition, role, at, text, url, action, note)

    def from_now(self, moment: datetime) -> str:
        return from_now(moment, self.now)


def from_now(moment: datetime, now: datetime) -> str:
    """ "in 5 hours", "3 days ago", "dentro de 2 días" """
    return format_timedelta(moment - now, granularity="minute", add_direction=True)


def needs(coalitions: list[tuple[Coalition, Role]], now: datetime) -> list[Need]:
    scope = _Scope({coalition.id: (coalition, role) for coalition, role in coalitions}, now)
    if not scope.coalitions:
        return []
    found = [need for reader in READERS for need in reader(scope)]
    return sorted(found, key=lambda need: need.at, reverse=True)


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _latest(condition, moment):
    return func.max(case((condition, moment)))


def _sign_ons(scope: _Scope) -> list[Need]:
    """Per letter still taking signatures: sign-ons waiting for approval (late ones apart) and
    signatories of an earlier version who have not confirmed the new one."""
    found = []
    for letter in _letters_with_sign_ons(scope.ids):

        def on_queue(kind, at, text, action, tab="pending", letter=letter):
            return scope.need(
                kind,
                letter.coalition_id,
                at,
                text,
                "letters.signatures",
                action,
                letter_id=letter.id,
                show=tab,
            )

        title = letter.title
        if letter.waiting:
            text = ngettext(
                "%(num)d sign-on is waiting for approval on “%(title)s”.",
                "%(num)d sign-ons are waiting for approval on “%(title)s”.",
                letter.waiting,
                title=title,
            )
            found.append(on_queue("sign_ons", letter.waiting_at, text, _("Review the sign-ons")))
        if letter.late:
            text = ngettext(
                "%(num)d late sign-on, after the deadline, is waiting on “%(title)s”.",
                "%(num)d late sign-ons, after the deadline, are waiting on “%(title)s”.",
                letter.late,
                title=title,
            )
            found.append(on_queue("late_sign_ons", letter.late_at, text, _("Review the late sign-ons")))
        if letter.behind:
            text = ngettext(
                "%(num)d signatory has not confirmed the new version of “%(title)s”.",
                "%(num)d signatories have not confirmed the new version of “%(title)s”.",
                letter.behind,
                title=title,
            )
            found.append(on_queue("reconfirm", letter.version_at, text, _("See who"), tab="approved"))
    return found


def _letters_with_sign_ons(coalition_ids: list[int]):
    waiting = Signature.state == SignatureState.PENDING
    on_time, late = waiting & ~Signature.late, waiting & Signature.late
    behind = Signature.state.in_(CONFIRMED) & (Signature.version < Letter.version)
    confirmed_at = func.coalesce(Signature.confirmed_at, Signature.created_at)
    letter = (Letter.id, Letter.coalition_id, Letter.title, Letter.version_at)
    return db.session.execute(
        select(
            *letter,
            _count(on_time).label("waiting"),
            _latest(on_time, confirmed_at).label("waiting_at"),
            _count(late).label("late"),
            _latest(late, confirmed_at).label("late_at"),
            _count(behind).label("behind"),
        )
        .join(Signature, Signature.letter_id == Letter.id)
        .where(
            Letter.coalition_id.in_(coalition_ids),
            Letter.state.in_((LetterState.OPEN, LetterState.CLOSED)),
            or_(waiting, behind),
        )
        .group_by(*letter)
    )


def _deadlines(scope: _Scope) -> list[Need]:
    rows = db.session.execute(
        select(Letter.id, Letter.coalition_id, Letter.title, Letter.deadline, Letter.time_zone).where(
            Letter.coalition_id.in_(scope.ids),
            Letter.state == LetterState.OPEN,
            Letter.deadline > scope.now,
            Letter.deadline <= scope.now + DEADLINE_WINDOW,
        )
    )
    return [
        scope.need(
            "deadline",
            letter.coalition_id,
            letter.deadline - DEADLINE_WINDOW,
            _(
                "Sign-on to “%(title)s” closes %(when)s.",
                title=letter.title,
                when=scope.from_now(letter.deadline),
            ),
            "letters.outreach_page",
            _("Remind the members"),
            note=local_time(letter, letter.deadline),
            letter_id=letter.id,
        )
        for letter in rows
    ]


def _proposals(scope: _Scope) -> list[Need]:
    rows = db.session.execute(
        select(
            Event.id,
            Event.day_id,
            Event.coalition_id,
            Event.title,
            Event.host_name,
            Event.created_at,
            DayOfAction.title,
        )
        .join(DayOfAction, DayOfAction.id == Event.day_id)
        .where(Event.coalition_id.in_(scope.ids), Event.state == EventState.PROPOSED)
    )
    return [
        scope.need(
            "proposal",
            coalition_id,
            created_at,
            _("%(host)s proposes “%(title)s” for %(day)s.", host=host, title=title, day=day_title),
            "actions.event_admin",
            _("Approve or decline"),
            day_id=day_id,
            event_id=event_id,
        )
        for event_id, day_id, coalition_id, title, host, created_at, day_title in rows
    ]


def _events_soon(scope: _Scope) -> list[Need]:
    events = db.session.execute(
        select(
            Event.id,
            Event.day_id,
            Event.coalition_id,
            Event.title,
            Event.city,
            Event.starts_at,
            Event.time_zone,
        ).where(
            Event.coalition_id.in_(scope.ids),
            Event.state == EventState.SCHEDULED,
            Event.starts_at > scope.now,
            Event.starts_at <= scope.now + EVENT_WINDOW,
        )
    ).all()
    counts, _checked_in = rsvp_figures([event.id for event in events])
    found = []
    for event in events:
        going, waitlisted = (
            counts[event.id].get(RsvpState.GOING, 0),
            counts[event.id].get(RsvpState.WAITLISTED, 0),
        )
        note = ngettext("%(num)d person going", "%(num)d people going", going)
        if waitlisted:
            note += " · " + ngettext("%(num)d on the waitlist", "%(num)d on the waitlist", waitlisted)
        text = _(
            "“%(title)s” in %(city)s: %(when)s.",
            title=event.title,
            city=event.city,
            when=_event_time(event.starts_at, event.time_zone),
        )
        found.append(
            scope.need(
                "event_soon",
                event.coalition_id,
                event.starts_at - EVENT_WINDOW,
                text,
                "actions.event_admin",
                _("See the event"),
                note=note,
                day_id=event.day_id,
                event_id=event.id,
            )
        )
    return found


def _event_time(starts_at: datetime, zone: str) -> str:
    """ "Sat, May 29, 10:00 AM" where the event is held."""
    local = starts_at.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    locale = get_locale()
    return f"{format_skeleton('MMMEd', local, locale=locale)}, {format_time(local, 'short', locale=locale)}"


def _held_back(scope: _Scope) -> list[Need]:
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
    held = func.sum(case((PetitionSignature.state == PetitionSignatureState.QUARANTINED, 1), else_=0))
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


def _milestones(scope: _Scope) -> list[Need]:
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


def _alerts(scope: _Scope) -> list[Need]:
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


def _failed_deliveries(scope: _Scope) -> list[Need]:
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


READERS = (
    _sign_ons,
    _deadlines,
    _proposals,
    _events_soon,
    _held_back,
    _milestones,
    _alerts,
    _failed_deliveries,
)
