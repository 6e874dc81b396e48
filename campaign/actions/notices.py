"""The emails of days of action: to attendees through notifications' one path, to hosts directly."""

import secrets

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from campaign.actions import calendar
from campaign.actions.models import Event, Rsvp, RsvpState
from campaign.coalitions.organizer_mail import email_organizer, tell_organizers
from campaign.coalitions.replies import reply_to_header
from campaign.core.mail import send_templated
from campaign.core.outbox import enqueue, outbox_task
from campaign.core.urls import external_url
from campaign.extensions import db
from campaign.notifications import services as notifications
from campaign.notifications import tasks as notification_tasks
from campaign.supporters.tokens import loads_or_none, serializer

RSVP_SALT = "actions.rsvp"
HOST_SALT = "actions.host"

# These carry the event as an .ics file, to people holding a place: a cancelled event's file
# (STATUS:CANCELLED, a higher SEQUENCE) takes it out of their calendars.
WITH_CALENDAR = ("going", "promoted", "already", "day_before", "morning", "changed", "cancelled")


def rsvp_token(rsvp: Rsvp) -> str:
    return serializer(RSVP_SALT).dumps(rsvp.id)


def rsvp_id_for_token(token: str) -> int | None:
    """No expiry of its own: the page refuses it once the event's links expire (30 days after)."""
    return loads_or_none(RSVP_SALT, token)


def host_token(event: Event) -> str:
    return serializer(HOST_SALT).dumps([event.id, event.host_key])


def event_for_host_token(token: str) -> Event | None:
    """The event this host link opens; None once the organizers gave the event a new host key."""
    value = loads_or_none(HOST_SALT, token)
    if not isinstance(value, list) or len(value) != 2:
        return None
    event = db.session.get(Event, value[0])
    return event if event is not None and secrets.compare_digest(event.host_key, str(value[1])) else None


def event_context(event: Event, with_address: bool) -> dict:
    """What attendee emails show of the event: public words, a private place only for those
    holding a place (stored with the queued email as JSON, so no attendee's personal data)."""
    day = event.day
    venue, address = event.place_for(with_address)
    return {
        "event_id": event.id,
        "event_title": event.title,
        "event_title_es": event.title_es,
        "day_title": day.title,
        "day_title_es": day.title_es,
        "host_name": event.host_name,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "time_zone": event.time_zone,
        "venue": venue,
        "address": address,
        "address_private": not event.address_public,
        "city": f"{event.city}, {event.us_state}",
        "hotline": event.hotline,
        "event_url": external_url("actions.event", slug=day.slug, event_id=event.id),
        "day_url": external_url("actions.public_day", slug=day.slug),
    }


def tell_rsvp(rsvp: Rsvp, kind: str, key: str | None = None) -> None:
    """One email to one attendee, queued once per `key`. By default the key is the kind and when
    it happened: someone who cancels and RSVPs again (or is promoted again) is told again."""
    if key is None:
        happened = rsvp.promoted_at if kind == "promoted" else rsvp.created_at
        key = f"{kind}:{happened.isoformat()}"
    event = rsvp.event
    holds_place = rsvp.state == RsvpState.GOING
    context = event_context(event, with_address=holds_place) | {
        "kind": kind,
        "holds_place": holds_place,
        "rsvp_url": external_url("actions.manage_rsvp", token=rsvp_token(rsvp)),
    }
    if kind in WITH_CALENDAR and holds_place:
        context["attachment"] = {"kind": calendar.ATTACHMENT, "event_id": event.id, "language": rsvp.language}
    message = notifications.notify(
        event.coalition_id,
        [rsvp.supporter_id],
        "actions/emails/attendee",
        context,
        dedupe_key=f"event:{event.id}:rsvp:{rsvp.id}:{key}",
        transactional=True,  # the person asked for it by RSVPing
    )
    if message is not None:
        enqueue(notification_tasks.start_message, message_id=message.id)


def ask_to_subscribe(event: Event, supporter_id: int) -> None:
    """Someone RSVPed with an address on file and ticked the box: its owner subscribes, if they
    want to, from their preferences page (a POST: mail scanners open links). Once per event."""
    message = notifications.notify(
        event.coalition_id,
        [supporter_id],
        "actions/emails/subscribe",
        event_context(event, with_address=False),
        dedupe_key=f"event:{event.id}:subscribe:{supporter_id}",
        transactional=True,  # an unsubscribed person is asked only because the box was ticked
    )
    if message is not None:
        enqueue(notification_tasks.start_message, message_id=message.id)


def tell_attendees_later(event: Event, kind: str, key: str) -> None:
    """From a request: one outbox task writes the attendees' emails, however many RSVPed,
    instead of a notice each inside the host's or organizer's save."""
    enqueue(tell_attendees_of, event_id=event.id, kind=kind, key=key)


@outbox_task
def tell_attendees_of(event_id: int, kind: str, key: str) -> None:
    event = db.session.get(Event, event_id)
    if event is not None:
        tell_attendees(event, kind, key)


def tell_attendees(event: Event, kind: str, key: str, include_waitlist: bool = True) -> int:
    """Everyone holding a place (and waiting, unless told not to), each their own email: their
    own cancel link."""
    rsvps = db.session.scalars(_attendees(event, include_waitlist)).all()
    for rsvp in rsvps:
        tell_rsvp(rsvp, kind, key=key)
    return len(rsvps)


def message_attendees(event: Event, subject: str, body: str, include_waitlist: bool) -> int:
    """A host's message (through notifications) to the people holding a place, and the waitlist
    if asked; returns how many it goes to."""
    attendees = _attendees(event, include_waitlist).subquery()
    supporter_ids = db.session.scalars(select(attendees.c.supporter_id)).all()
    if not supporter_ids:
        return 0
    context = event_context(event, with_address=False) | {"host_subject": subject, "body": body}
    message = notifications.notify(
        event.coalition_id,
        list(supporter_ids),
        "actions/emails/host_message",
        context,
        dedupe_key=f"event:{event.id}:host-message:{secrets.token_hex(8)}",
        # Not a confirmation the person asked for: unsubscribed and bounced addresses are skipped.
        transactional=False,
    )
    enqueue(notification_tasks.start_message, message_id=message.id)
    return len(supporter_ids)


def _attendees(event: Event, include_waitlist: bool):
    """The RSVPs holding a place (and waiting, if asked) whose person can still be reached."""
    states = (RsvpState.GOING, RsvpState.WAITLISTED) if include_waitlist else (RsvpState.GOING,)
    return select(Rsvp).where(
        Rsvp.event_id == event.id, Rsvp.state.in_(states), Rsvp.supporter_id.is_not(None)
    )


def send_host_link(event: Event) -> None:
    """Once the event is scheduled on a published day: the email sends the host to its page."""
    if event.host_email and event.is_scheduled and event.day.is_public:
        enqueue(email_host, event_id=event.id, what="host_link")


def tell_host_declined(event: Event) -> None:
    if event.host_email:
        enqueue(email_host, event_id=event.id, what="declined")


def tell_host_proposal_received(event: Event) -> None:
    if event.host_email:
        enqueue(email_host, event_id=event.id, what="proposed")


def tell_organizers_of_proposal(event: Event) -> None:
    tell_organizers(event.coalition_id, email_organizer_proposal, event_id=event.id)


@outbox_task
def email_organizer_proposal(event_id: int, user_id: int) -> None:
    """To one organizer: an event waits for review."""
    event = db.session.get(Event, event_id)
    if event is None:
        return
    email_organizer(
        user_id,
        event.day.coalition,
        "actions/emails/proposal_to_review",
        _l("Event proposed for review: %(title)s", title=_title_for_reader(event)),
        event=event,
        link=external_url(
            "actions.event_admin", slug=event.day.coalition.slug, day_id=event.day_id, event_id=event.id
        ),
    )


def _title_for_reader(event: Event) -> LazyString:
    """The event's title in the language the email is written in (chosen when it is rendered)."""
    return LazyString(lambda: event.title_in(str(get_locale())))


def _host_subject(what: str, title: LazyString):
    """Lazy, so it is translated inside `send_templated`, in the host's language (a worker has
    no request whose language could be used instead)."""
    return {
        "host_link": _l("Your host tools: %(title)s", title=title),
        "declined": _l("About your proposed event: %(title)s", title=title),
        "proposed": _l("We received your proposed event: %(title)s", title=title),
    }[what]


@outbox_task
def email_host(event_id: int, what: str) -> None:
    """To the host's contact address, in the language they wrote in; the host link only once the
    event is approved."""
    event = db.session.get(Event, event_id)
    if event is None or not event.host_email:
        return
    send_templated(
        f"actions/emails/host_{what}",
        event.host_email,
        event.host_language,
        _host_subject(what, _title_for_reader(event)),
        reply_to_header=reply_to_header(event.day.coalition),
        event=event,
        coalition=event.day.coalition,
        host_url=external_url("actions.host", token=host_token(event)) if event.is_scheduled else "",
        event_url=external_url("actions.event", slug=event.day.slug, event_id=event.id),
    )
