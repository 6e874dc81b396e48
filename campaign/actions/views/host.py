"""The host's tools, opened by the host link: roster, check-in, messages, report, edits.

The link (a signed event id and the event's host key) is the host's whole access: it opens one
event and no other, and organizers can replace the key to shut an old link. Coalition
organizers reach the same pages from the event's organizer page. Hosts need no login, so their
forms carry a form token bound to the link, not the session's.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from campaign.actions import notices, rsvps, services
from campaign.actions.forms import (
    EventForm,
    MessageForm,
    ReportForm,
    WalkInForm,
    event_form_status,
    save_event_form,
)
from campaign.actions.models import Event, EventState, Rsvp, RsvpState
from campaign.core import counters
from campaign.core.form_tokens import PRESS_AGAIN
from campaign.core.outbox import utcnow
from campaign.core.zones import local_time
from campaign.extensions import csrf, db
from campaign.notifications.forms import EmptyForm
from campaign.supporters.forms import consent_wording

# The walk-in limits (config WALK_IN_LIMIT, WALK_IN_EMAILS_PER_EVENT) count per event: a forwarded
# host link is used from anywhere. While Redis is down the minute's count is kept in this
# process (core/counters.py): the door still works, and is still limited.
TOO_MANY_AT_ONCE = _l(
    "Nobody was added: many people were added in the last minute. Wait a moment, then press the button again."
)
EMAILS_FULL = _l(
    "This event has taken all the emails for news it can at the door: leave this one empty to add them."
)


def hosted_or_404(token: str) -> Event:
    event = notices.event_for_host_token(token)
    if event is None or event.state in (EventState.PROPOSED, EventState.DECLINED):
        abort(404)
    if event.links_have_expired(utcnow()):
        abort(404)
    return event


def _to_host(token: str, endpoint: str = "actions.host", **values):
    return redirect(url_for(endpoint, token=token, **values))


def host(token: str):
    event = hosted_or_404(token)
    counts, checked_in = services.rsvp_figures([event.id])
    return render_template(
        "actions/host.html",
        token=token,
        event=event,
        roster=rsvps.roster(event),
        counts=counts[event.id],
        checked_in=checked_in.get(event.id, 0),
    )


def check_in_list(token: str):
    event = hosted_or_404(token)
    return _check_in_page(event, token, request.args.get("q", "")[:80])


def _check_in_page(
    event: Event, token: str, query: str = "", walk_in: WalkInForm | None = None, status: int | None = None
):
    roster = rsvps.roster(event, query)
    if walk_in is None:
        walk_in = _walk_in_form(event, token)
        if query and not roster:  # nobody of that name RSVPed: likely the person to add
            walk_in.first_name.data = query
    page = render_template(
        "actions/check_in.html",
        token=token,
        event=event,
        query=query,
        roster=roster,
        checked_in=_checked_in(event),
        form=EmptyForm(bound_to=token),
        walk_in=walk_in,
        doors_open=event.doors_are_open(utcnow()),
    )
    return page, status or (400 if walk_in.errors else 200)


def _walk_in_form(event: Event, token: str) -> WalkInForm:
    return WalkInForm(token, consent_wording=consent_wording(event.day.coalition.name))


@csrf.exempt  # the form's own token is checked instead of the session's
def check_in(token: str, rsvp_id: int):
    event = hosted_or_404(token)
    attendance = db.first_or_404(db.select(Rsvp).where(Rsvp.id == rsvp_id, Rsvp.event_id == event.id))
    query = request.form.get("q", "")[:80] or None
    back = url_for("actions.check_in_list", token=token, q=query, _anchor=f"rsvp-{attendance.id}")
    if not EmptyForm(bound_to=token).validate_on_submit():
        flash(str(PRESS_AGAIN), "info")  # the list had been open more than a day
        return redirect(back)
    rsvps.check_in(attendance, utcnow(), undo=bool(request.form.get("undo")))
    db.session.commit()
    return redirect(back)


@csrf.exempt  # the form's own token is checked instead of the session's
def walk_in(token: str):
    event = hosted_or_404(token)
    form = _walk_in_form(event, token)
    if not form.validate_on_submit():
        return _check_in_page(event, token, walk_in=form)
    if not counters.hit(current_app.config["WALK_IN_LIMIT"], "walk-in", str(event.id)):
        form.notice = TOO_MANY_AT_ONCE
        return _check_in_page(event, token, walk_in=form, status=429)
    try:
        added = rsvps.add_walk_in(event, form.walk_in(), form.once.data, str(get_locale()), utcnow())
    except rsvps.EventClosed:
        flash(_("This event is cancelled: nobody can be added."), "info")
        return _to_host(token, "actions.check_in_list")
    except (rsvps.DoorsNotOpen, rsvps.WalkInEmailsFull) as refusal:
        return _walk_in_refused(event, token, form, refusal)
    db.session.commit()
    if added.state == RsvpState.CANCELLED:  # this form's walk-in, removed since: removed on purpose
        flash(_removed_walk_in(added.first_name), "info")
        return redirect(url_for("actions.check_in_list", token=token, _anchor="walk-in"))
    flash(_("%(name)s is checked in.", name=added.first_name), "success")
    return redirect(url_for("actions.check_in_list", token=token, _anchor=f"rsvp-{added.id}"))


def _walk_in_refused(event: Event, token: str, form: WalkInForm, refusal: Exception):
    """Nobody added, for a reason the host can act on: the form comes back as typed, saying it."""
    if isinstance(refusal, rsvps.WalkInEmailsFull):
        form.email.errors.append(EMAILS_FULL)
    else:  # the doors are not open yet: the start moved later since the page was opened
        opens = local_time(event, event.doors_open_at)
        form.notice = _(
            "Nobody was added: you can add walk-ins from %(when)s. What you typed is still below.", when=opens
        )
    return _check_in_page(event, token, walk_in=form, status=409)


def _removed_walk_in(name: str) -> str:
    return _(
        "%(name)s was removed from the people who came, so nobody was added. "
        "To add them again, fill in the form once more.",
        name=name,
    )


@csrf.exempt  # the form's own token is checked instead of the session's
def message(token: str):
    event = hosted_or_404(token)
    form = MessageForm(bound_to=token)
    if form.validate_on_submit():
        sent_to = notices.message_attendees(
            event, form.subject.data, form.body.data, form.include_waitlist.data
        )
        db.session.commit()
        flash(
            ngettext(
                "Your message is on its way to %(num)d person.",
                "Your message is on its way to %(num)d people.",
                sent_to,
            ),
            "success",
        )
        return _to_host(token)
    return render_template("actions/message.html", token=token, event=event, form=form), (
        400 if form.errors else 200
    )


@csrf.exempt  # the form's own token is checked instead of the session's
def report(token: str):
    event = hosted_or_404(token)
    form = ReportForm(bound_to=token, obj=event)
    if not event.has_started(utcnow()):  # said on the page; a report sent anyway is refused
        return _report_page(token, event, form, 409 if form.is_submitted() else 200)
    if not form.is_submitted() and event.turnout is None:
        form.turnout.data = _checked_in(event)  # a start: the people checked in, walk-ins included
    if form.validate_on_submit():
        services.save_report(
            event, form.turnout.data, form.report_notes.data or "", form.photos_url.data or "", utcnow()
        )
        db.session.commit()
        flash(_("Thank you: your report is saved."), "success")
        return _to_host(token)
    return _report_page(token, event, form, 400 if form.errors else 200)


def _checked_in(event: Event) -> int:
    return services.rsvp_figures([event.id])[1].get(event.id, 0)


def _report_page(token: str, event: Event, form: ReportForm, status: int):
    page = render_template(
        "actions/report.html",
        token=token,
        event=event,
        form=form,
        checked_in=_checked_in(event),
        is_open=event.has_started(utcnow()),
        refused=status == 409,
    )
    return page, status


@csrf.exempt  # the form's own token is checked instead of the session's
def edit(token: str):
    event = hosted_or_404(token)
    values = EventForm.values_of(event)
    form = EventForm(**values, day=event.day, bound_to=token)
    if form.validate_on_submit():
        saved = save_event_form(form, event)
        if saved:
            db.session.commit()
            flash(saved, "success")
            return _to_host(token)
    page = render_template(
        "actions/edit_event.html",
        token=token,
        event=event,
        form=form,
        day=event.day,
        cancel_form=EmptyForm(bound_to=token),
    )
    return page, event_form_status(form)


@csrf.exempt  # the form's own token is checked instead of the session's
def cancel(token: str):
    event = hosted_or_404(token)
    if not EmptyForm(bound_to=token).validate_on_submit():
        flash(str(PRESS_AGAIN), "info")  # the page had been open more than a day
        return _to_host(token, "actions.edit")
    try:
        services.cancel(event)
        flash(_("The event is cancelled; everyone who RSVPed is told by email."), "success")
    except services.EventStateError:
        flash(_("That is not possible any more: the event has moved on. Here is where it stands."), "info")
    db.session.commit()
    return _to_host(token)
