"""Organizer pages of days of action: write a day, add and approve events, follow RSVPs."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.actions import exports, listing, notices, services
from campaign.actions.forms import DayForm, OrganizerEventForm, event_form_status, save_event_form
from campaign.actions.models import DayOfAction, Event, EventState, RsvpState
from campaign.coalitions.access import can, coalition_required, get_scoped_or_404, scoped
from campaign.coalitions.models import Role
from campaign.coalitions.services import member_organizations
from campaign.core.exports import csv_response, logged_csv
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.notifications.forms import EmptyForm
from campaign.supporters import action_network


def action_names():
    return {"RsvpState": RsvpState}


def _to_day(day: DayOfAction):
    return redirect(url_for("actions.day", slug=g.coalition.slug, day_id=day.id))


@coalition_required(Role.VIEWER)
def days():
    rows = db.session.scalars(scoped(DayOfAction).order_by(DayOfAction.starts_on.desc())).all()
    figures = listing.figures_per_day([day.id for day in rows])
    return render_template("actions/days.html", coalition=g.coalition, days=rows, figures=figures)


@coalition_required(Role.ORGANIZER)
def new_day():
    form = DayForm()
    if form.validate_on_submit():
        day = services.create_day(g.coalition.id, current_user.id, form.fields_for_save())
        db.session.commit()
        return _to_day(day)
    page = render_template("actions/edit_day.html", coalition=g.coalition, form=form, day=None)
    return page, (400 if form.errors else 200)


@coalition_required(Role.ORGANIZER)
def edit_day(day_id: int):
    day = get_scoped_or_404(DayOfAction, day_id)
    form = DayForm.for_day(day)
    if form.validate_on_submit():
        services.update_day(day, form.fields_for_save())
        db.session.commit()
        flash(_("Saved."), "success")
        return _to_day(day)
    page = render_template("actions/edit_day.html", coalition=g.coalition, form=form, day=day)
    return page, (400 if form.errors else 200)


@coalition_required(Role.VIEWER)
def day(day_id: int):
    day = get_scoped_or_404(DayOfAction, day_id)
    events = services.events_of(day, states=tuple(EventState))
    figures = counts, checked_in = services.rsvp_figures([event.id for event in events])
    return render_template(
        "actions/day.html",
        coalition=g.coalition,
        day=day,
        events=events,
        proposals=[event for event in events if event.state == EventState.PROPOSED],
        counts=counts,
        checked_in=checked_in,
        summary=listing.summarize(events, figures),
        action_form=EmptyForm(),
    )


@coalition_required(Role.ORGANIZER)
def publish(day_id: int):
    day = get_scoped_or_404(DayOfAction, day_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.publish(day)
    db.session.commit()
    flash(_("Published: the day of action's page is public."), "success")
    return _to_day(day)


def _event_of(day: DayOfAction, event_id: int) -> Event:
    return db.first_or_404(scoped(Event).where(Event.id == event_id, Event.day_id == day.id))


def _organizations() -> list[tuple[int, str]]:
    return [(org.id, org.name) for org in member_organizations(g.coalition.id)]


@coalition_required(Role.ORGANIZER)
def new_event(day_id: int):
    day = get_scoped_or_404(DayOfAction, day_id)
    form = OrganizerEventForm(_organizations(), day=day)
    if form.validate_on_submit():
        host = _host_of(form, g.coalition.name)
        event = services.create_event(day, host, form.fields_for_save(), EventState.SCHEDULED, utcnow())
        notices.send_host_link(event)
        db.session.commit()
        flash(_("Event added."), "success")
        return _to_day(day)
    page = render_template("actions/edit_event.html", coalition=g.coalition, day=day, form=form, event=None)
    return page, (400 if form.errors else 200)


def _host_of(form: OrganizerEventForm, unlisted_name: str) -> services.Host:
    """The member organization chosen, or `unlisted_name` for "the coalition itself" (a group
    that proposed the event keeps its own name when organizers edit it)."""
    organization_id = form.host_organization_id.data or None
    name = dict(form.host_organization_id.choices)[organization_id] if organization_id else unlisted_name
    return services.Host(
        str(name), organization_id, form.host_email.data or None, current_user.locale or "en"
    )


@coalition_required(Role.ORGANIZER)
def edit_event(day_id: int, event_id: int):
    day = get_scoped_or_404(DayOfAction, day_id)
    event = _event_of(day, event_id)
    values = OrganizerEventForm.values_of(event)
    form = OrganizerEventForm(
        _organizations(),
        day=day,
        **values,
        host_organization_id=event.host_organization_id or 0,
        host_email=event.host_email,
    )
    if form.validate_on_submit():
        saved = save_event_form(form, event)
        if saved:
            services.set_host(
                event, _host_of(form, g.coalition.name if event.host_organization_id else event.host_name)
            )
            db.session.commit()
            flash(saved, "success")
            return _to_day(day)
    page = render_template("actions/edit_event.html", coalition=g.coalition, day=day, form=form, event=event)
    return page, event_form_status(form)


EVENT_ACTIONS = {
    "approve": (
        services.approve,
        _l("Approved: the event is public and its host has been sent the host link."),
    ),
    "decline": (services.decline, _l("Declined: the person who proposed it is told by email.")),
    "cancel": (services.cancel, _l("Cancelled: everyone who RSVPed is told by email.")),
    "rekey": (
        services.new_host_key,
        _l("The old host link no longer works. The host is emailed the new one."),
    ),
}


@coalition_required(Role.ORGANIZER)
def act(day_id: int, event_id: int, action: str):
    day = get_scoped_or_404(DayOfAction, day_id)
    event = _event_of(day, event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    change, done = EVENT_ACTIONS[action]
    try:
        change(event)
        flash(str(done), "success")
    except services.EventStateError:
        flash(_("That is not possible any more: the event has moved on. Here is where it stands."), "info")
    db.session.commit()
    return redirect(url_for("actions.event_admin", slug=g.coalition.slug, day_id=day.id, event_id=event.id))


@coalition_required(Role.VIEWER)
def event_admin(day_id: int, event_id: int):
    day = get_scoped_or_404(DayOfAction, day_id)
    event = _event_of(day, event_id)
    # Organizers may act as any event's host; viewers see the figures only.
    host_url = (
        url_for("actions.host", token=notices.host_token(event), _external=True)
        if can(Role.ORGANIZER)
        else None
    )
    return render_template(
        "actions/event_admin.html",
        coalition=g.coalition,
        day=day,
        event=event,
        counts=services.rsvp_figures([event.id])[0][event.id],
        host_url=host_url,
        action_form=EmptyForm(),
    )


@coalition_required(Role.VIEWER)
def summary_csv(day_id: int):
    """Per event figures, no names: any teammate may take it."""
    day = get_scoped_or_404(DayOfAction, day_id)
    summary = listing.summarize(services.events_of(day))
    rows = listing.csv_rows(summary)
    return csv_response(f"{day.slug}-summary.csv", listing.CSV_HEADER, rows)


@coalition_required(Role.ADMIN)
def rsvps_csv(day_id: int):
    day = get_scoped_or_404(DayOfAction, day_id)
    return _rsvps_download(day, None, f"day:{day.id}:rsvps", f"{day.slug}-rsvps")


@coalition_required(Role.ADMIN)
def event_rsvps_csv(day_id: int, event_id: int):
    day = get_scoped_or_404(DayOfAction, day_id)
    event = _event_of(day, event_id)
    return _rsvps_download(day, event.id, f"event:{event.id}:rsvps", f"{day.slug}-event-{event.id}-rsvps")


def _rsvps_download(day: DayOfAction, event_id: int | None, what: str, stem: str):
    """People who RSVPed, with contacts: for owners and admins, logged, formula-safe."""
    sheet, for_action_network = exports.SHEET, action_network.asked_for(request.args)
    states = exports.ACTION_NETWORK_EXPORTED if for_action_network else exports.EXPORTED
    rows = exports.rows(g.coalition.id, day.id, event_id, states)
    return logged_csv(
        g.coalition.id,
        current_user.id,
        what=sheet.logged_as(what, for_action_network),
        row_count=exports.row_count(g.coalition.id, day.id, event_id, states),
        filename=sheet.file_name(stem, for_action_network),
        header=sheet.header(for_action_network),
        rows=sheet.rows(rows, for_action_network),
    )
