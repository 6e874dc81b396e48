"""'Needs you': what is waiting for an organizer in their coalitions, newest first.

Each item is read from the rows that cause it and is gone once they no longer do: a sign-on
approved, a proposal answered, a held-back cluster counted or struck out, an alert sent, an event
over. Every reader takes all the coalitions at once (one or two queries each, whatever their
number) and gives each item the moment it came up, for the order of the list; for a time that is
coming (an alert, an event, a deadline) that is when it entered its window. The readers of
letters and days of action are here, those of petitions and alerts in reach.py.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select

from campaign.actions.models import DayOfAction, Event, EventState, RsvpState
from campaign.actions.services import rsvp_figures
from campaign.coalitions.models import Coalition, Role
from campaign.core.zones import local_time
from campaign.desk import reach
from campaign.desk.items import Need, Scope, count_where
from campaign.extensions import db
from campaign.letters.models import CONFIRMED, Letter, LetterState, Signature, SignatureState

EVENT_WINDOW = timedelta(days=7)
DEADLINE_WINDOW = timedelta(days=3)


def needs(coalitions: list[tuple[Coalition, Role]], now: datetime) -> list[Need]:
    scope = Scope({coalition.id: (coalition, role) for coalition, role in coalitions}, now)
    if not scope.coalitions:
        return []
    found = [need for reader in READERS for need in reader(scope)]
    return sorted(found, key=lambda need: need.at, reverse=True)


def _latest(condition, moment):
    return func.max(case((condition, moment)))


def _sign_ons(scope: Scope) -> list[Need]:
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
            count_where(on_time).label("waiting"),
            _latest(on_time, confirmed_at).label("waiting_at"),
            count_where(late).label("late"),
            _latest(late, confirmed_at).label("late_at"),
            count_where(behind).label("behind"),
        )
        .join(Signature, Signature.letter_id == Letter.id)
        .where(
            Letter.coalition_id.in_(coalition_ids),
            Letter.state.in_((LetterState.OPEN, LetterState.CLOSED)),
            or_(waiting, behind),
        )
        .group_by(*letter)
    )


def _deadlines(scope: Scope) -> list[Need]:
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


def _proposals(scope: Scope) -> list[Need]:
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


def _events_soon(scope: Scope) -> list[Need]:
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


READERS = (
    _sign_ons,
    _deadlines,
    _proposals,
    _events_soon,
    reach.held_back,
    reach.milestones,
    reach.alerts,
    reach.failed_deliveries,
)
