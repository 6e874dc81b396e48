"""Public pages of a day of action: the day and its events, RSVPs, calendars, proposals, summary."""

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from campaign.actions import calendar, listing, notices, rsvps, services
from campaign.actions.forms import CancelRsvpForm, ProposalForm, RsvpForm, ZipSearchForm
from campaign.actions.models import DayOfAction, Event, EventState, Rsvp, RsvpState
from campaign.coalitions.access import preview_or_404
from campaign.coalitions.services import member_organizations
from campaign.core.i18n import speak_to_owner
from campaign.core.outbox import utcnow
from campaign.core.statemap import state_names, tiles
from campaign.extensions import csrf, db, limiter
from campaign.supporters.forms import consent_wording

# Per address: a whole community meeting RSVPs from one network, a bot from many requests.
RSVP_LIMIT = "30 per minute"
PROPOSAL_LIMIT = "10 per hour"


def _day_or_404(slug: str) -> DayOfAction:
    return db.first_or_404(
        select(DayOfAction).options(joinedload(DayOfAction.coalition)).where(DayOfAction.slug == slug)
    )


def public_day_or_404(slug: str) -> DayOfAction:
    day = _day_or_404(slug)
    if not day.is_public:
        abort(404)
    return day


def shown_day_or_404(slug: str) -> tuple[DayOfAction, str | None]:
    """A public page, or a draft day's preview for its organizers with the link back to editing."""
    day = _day_or_404(slug)
    if day.is_public:
        return day, None
    return day, preview_or_404(day.coalition, "actions.edit_day", day_id=day.id)


def public_event_or_404(day: DayOfAction, event_id: int) -> Event:
    """Scheduled and cancelled events are public; proposals and declined ones are not."""
    return db.first_or_404(
        select(Event).where(
            Event.id == event_id,
            Event.day_id == day.id,
            Event.state.in_((EventState.SCHEDULED, EventState.CANCELLED)),
        )
    )


def _language() -> str:
    return str(get_locale() or "en")


def public_day(slug: str):
    day, draft_preview = shown_day_or_404(slug)
    events = services.events_of(day)
    search = ZipSearchForm(request.args)
    searched = bool(search.zip.data) and search.validate()
    held = [event for event in events if event.is_scheduled]
    return render_template(
        "actions/public_day.html",
        day=day,
        events=events,
        groups=listing.by_state_and_city(events),
        cities=len({(event.us_state, event.city) for event in held}),
        scheduled=len(held),
        search=search,
        nearest=listing.nearest(events, search.zip.data) if searched else None,
        tiles=tiles(listing.events_per_state(held)),
        is_over=services.is_over(events, day, utcnow()),
        draft_preview=draft_preview,
    ), (400 if search.errors else 200)


def day_calendar(slug: str):
    """Every event of the day: subscribe once, see them all. Private addresses stay out."""
    day = shown_day_or_404(slug)[0]
    language = _language()
    return _ics(
        calendar.calendar_of(services.events_of(day), day.title_in(language), language), f"{day.slug}.ics"
    )


def _ics(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _event_page(day: DayOfAction, event: Event, form: RsvpForm, status: int = 200, draft_preview=None):
    return render_template(
        "actions/public_event.html",
        day=day,
        event=event,
        form=form,
        places_left=rsvps.places_left(event),
        is_past=event.ends_at <= utcnow(),
        draft_preview=draft_preview,
    ), status


def _rsvp_form(day: DayOfAction, event: Event) -> RsvpForm:
    return RsvpForm(bound_to=event.id, consent_wording=consent_wording(day.coalition.name))


def event(slug: str, event_id: int):
    day, draft_preview = shown_day_or_404(slug)
    event = public_event_or_404(day, event_id)
    return _event_page(day, event, _rsvp_form(day, event), draft_preview=draft_preview)


def event_calendar(slug: str, event_id: int):
    day = shown_day_or_404(slug)[0]
    event = public_event_or_404(day, event_id)
    language = _language()
    return _ics(calendar.calendar_of([event], event.title_in(language), language), f"event-{event.id}.ics")


@csrf.exempt  # the form's own token is checked instead of the session's
@limiter.limit(RSVP_LIMIT)
def rsvp(slug: str, event_id: int):
    day = public_day_or_404(slug)
    event = public_event_or_404(day, event_id)
    form = _rsvp_form(day, event)
    if not form.validate_on_submit():
        return _event_page(day, event, form, 400)
    wording = form.consent_given
    try:
        outcome = rsvps.rsvp(event, form.fields_for_save(), _language(), wording, utcnow())
    except rsvps.EventClosed:
        return redirect(url_for("actions.event", slug=slug, event_id=event_id))
    db.session.commit()
    return redirect(url_for("actions.rsvp_thanks", slug=slug, event_id=event_id, state=outcome.state.value))


def rsvp_thanks(slug: str, event_id: int):
    day = public_day_or_404(slug)
    waitlisted = request.args.get("state") == RsvpState.WAITLISTED
    return render_template(
        "actions/rsvp_thanks.html", day=day, event=public_event_or_404(day, event_id), waitlisted=waitlisted
    )


@csrf.exempt  # the form's own token is checked instead of the session's
def manage_rsvp(token: str):
    """The link in every RSVP email: the details (the private address once the person holds a
    place) and a button to cancel. Cancelling is a POST: mail scanners open links."""
    rsvp_id = notices.rsvp_id_for_token(token)
    attendance = db.session.get(Rsvp, rsvp_id) if rsvp_id else None
    if attendance is None or attendance.event.links_have_expired(utcnow()):
        abort(404)
    speak_to_owner(attendance)
    form = CancelRsvpForm(bound_to=token)
    if form.validate_on_submit():
        rsvps.cancel(attendance, utcnow())
        db.session.commit()
    return render_template("actions/rsvp.html", rsvp=attendance, event=attendance.event, form=form)


@csrf.exempt  # the form's own token is checked instead of the session's
@limiter.limit(PROPOSAL_LIMIT, methods=["POST"])
def propose(slug: str):
    day, draft_preview = shown_day_or_404(slug)
    if not day.proposals_open:
        abort(404)
    organizations = [(org.id, org.name) for org in member_organizations(day.coalition_id)]
    form = ProposalForm(organizations, day=day, bound_to=day.id)
    if form.validate_on_submit():
        chosen = dict(organizations).get(form.organization_id.data)
        name = chosen or form.group_name.data
        host = services.Host(
            name, form.organization_id.data or None, form.email.data, _language(), form.first_name.data
        )
        event = services.create_event(day, host, form.fields_for_save(), EventState.PROPOSED, utcnow())
        notices.tell_host_proposal_received(event)
        notices.tell_organizers_of_proposal(event)
        db.session.commit()
        return redirect(url_for("actions.proposed", slug=slug))
    page = render_template("actions/propose.html", day=day, form=form, draft_preview=draft_preview)
    return page, (400 if form.errors else 200)


def proposed(slug: str):
    return render_template("actions/proposed.html", day=public_day_or_404(slug))


def summary(slug: str):
    """For the press and the coalition after the day: figures in total and per city, no names."""
    day = public_day_or_404(slug)
    events = services.events_of(day)
    return render_template(
        "actions/summary.html",
        day=day,
        summary=listing.summarize(events),
        is_over=services.is_over(events, day, utcnow()),
        names=state_names(),
    )
