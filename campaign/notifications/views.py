"""Alert pages for organizers, and the supporter's unsubscribe and preferences pages."""

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from campaign.coalitions.access import coalition_required, get_scoped_or_404, scoped
from campaign.coalitions.models import Role
from campaign.core.i18n import speak
from campaign.core.outbox import enqueue
from campaign.extensions import csrf, db
from campaign.notifications import audience, services, tasks
from campaign.notifications.forms import (
    AlertForm,
    EmptyForm,
    PreferencesForm,
    RateForm,
    ScheduleForm,
)
from campaign.notifications.models import MESSAGE_STATE_LABELS, Message, MessageKind, SendingSettings

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def message_labels():
    return {"MESSAGE_STATE_LABELS": MESSAGE_STATE_LABELS}


def _alert(alert_id: int) -> Message:
    alert = get_scoped_or_404(Message, alert_id)
    if alert.kind != MessageKind.ALERT:
        abort(404)
    return alert


def _to_alert(alert: Message):
    return redirect(url_for("notifications.alert", slug=g.coalition.slug, alert_id=alert.id))


def _moved_on(alert: Message):
    """The organizer's page was stale: the beat job or a teammate changed the alert's state."""
    flash(_("That is not possible any more: the alert has moved on. Here is where it stands."), "info")
    return _to_alert(alert)


@bp.get("/coalitions/<slug>/alerts")
@coalition_required(Role.VIEWER)
def alerts():
    rows = db.session.scalars(
        scoped(Message).where(Message.kind == MessageKind.ALERT).order_by(Message.created_at.desc())
    ).all()
    return render_template("notifications/alerts.html", coalition=g.coalition, alerts=rows)


@bp.route("/coalitions/<slug>/alerts/new", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def new_alert():
    return _compose(None)


@bp.route("/coalitions/<slug>/alerts/<int:alert_id>/edit", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def edit_alert(alert_id: int):
    alert = _alert(alert_id)
    if alert.state not in services.EDITABLE:
        flash(_("This alert has started sending and can no longer be edited."), "info")
        return _to_alert(alert)
    return _compose(alert)


def _compose(alert: Message | None):
    form = AlertForm(g.coalition.id)
    if alert is not None and request.method == "GET":
        form.fill_from(alert)
    if form.validate_on_submit():
        try:
            alert = services.save_alert(g.coalition.id, current_user.id, form.fields_for_save(), alert)
        except services.EmptyAudience:
            form.source.errors.append(
                _("Nobody in this audience can receive email. Widen it, or wait for sign-ups.")
            )
            if note := _no_zip_note(g.coalition.id, form.fields_for_save()["audience"]):
                form.zip_code.errors.append(note)
        else:
            db.session.commit()
            return _to_alert(alert)
    return render_template("notifications/compose.html", coalition=g.coalition, form=form, alert=alert)


@bp.get("/coalitions/<slug>/alerts/<int:alert_id>")
@coalition_required(Role.VIEWER)
def alert(alert_id: int):
    return _alert_page(_alert(alert_id), ScheduleForm())


def _no_zip_note(coalition_id: int, chosen: dict) -> str:
    """Said when a distance limit drops people for want of a ZIP code (a letter's signers give a
    state, not a ZIP): the organizer should know whom the limit cannot place."""
    count = audience.without_zip(coalition_id, chosen)
    if not count:
        return ""
    return ngettext(
        "%(num)d person in this audience has no ZIP code on file, so a distance limit leaves them "
        "out. Narrow by state instead to reach them.",
        "%(num)d people in this audience have no ZIP code on file, so a distance limit leaves "
        "them out. Narrow by state instead to reach them.",
        count,
    )


def _alert_page(alert: Message, schedule_form: ScheduleForm, status: int = 200):
    return render_template(
        "notifications/alert.html",
        coalition=g.coalition,
        alert=alert,
        audience_size=services.audience_size(alert) if alert.state in services.EDITABLE else None,
        audience_description=audience.describe(alert.audience),
        no_zip_note=_no_zip_note(alert.coalition_id, alert.audience)
        if alert.state in services.EDITABLE
        else "",
        progress=services.progress(alert),
        schedule_form=schedule_form,
        action_form=EmptyForm(),
    ), status


@bp.get("/coalitions/<slug>/alerts/<int:alert_id>/progress.json")
@coalition_required(Role.VIEWER)
def progress(alert_id: int):
    figures = services.progress(_alert(alert_id))
    return jsonify(figures.__dict__ | {"percent": figures.percent})


@bp.post("/coalitions/<slug>/alerts/<int:alert_id>/test")
@coalition_required(Role.ORGANIZER)
def send_test(alert_id: int):
    alert = _alert(alert_id)
    enqueue(tasks.send_test, message_id=alert.id, user_id=current_user.id)
    db.session.commit()
    flash(
        _(
            "A test is on its way to %(email)s, in each language the alert is written in.",
            email=current_user.email,
        )
    )
    return _to_alert(alert)


@bp.post("/coalitions/<slug>/alerts/<int:alert_id>/schedule")
@coalition_required(Role.ORGANIZER)
def schedule(alert_id: int):
    alert, form = _alert(alert_id), ScheduleForm()
    if not form.validate_on_submit():
        return _alert_page(alert, form, 400)
    try:
        services.schedule(alert, form.when_utc(), form.time_zone.data)
    except services.AlertStateError:
        return _moved_on(alert)
    db.session.commit()
    flash(_("Scheduled. You can still edit it or cancel the schedule until then."), "success")
    return _to_alert(alert)


def _send_now(alert: Message) -> None:
    services.start(alert)
    enqueue(tasks.start_message, message_id=alert.id)


def _resume(alert: Message) -> None:
    services.resume(alert)
    tasks.publish_senders(alert.id)


# Actions without input: each checks the alert's state in the service and says why if refused.
ACTIONS = {
    "send": _send_now,
    "unschedule": services.unschedule,
    "pause": services.pause,
    "resume": _resume,
    "cancel": services.cancel,
}


@bp.post("/coalitions/<slug>/alerts/<int:alert_id>/<any(send, unschedule, pause, resume, cancel):action>")
@coalition_required(Role.ORGANIZER)
def act(alert_id: int, action: str):
    alert = _alert(alert_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        ACTIONS[action](alert)
    except services.AlertStateError:
        return _moved_on(alert)
    db.session.commit()
    return _to_alert(alert)


@bp.route("/coalitions/<slug>/alerts/settings", methods=["GET", "POST"])
@coalition_required(Role.ADMIN)
def settings():
    current = db.session.get(SendingSettings, g.coalition.id)
    form = RateForm(obj=current)
    if form.validate_on_submit():
        services.set_rate(g.coalition.id, form.messages_per_minute.data)
        db.session.commit()
        flash(_("Sending limit saved."), "success")
        return redirect(url_for("notifications.alerts", slug=g.coalition.slug))
    return render_template("notifications/settings.html", coalition=g.coalition, form=form)


@bp.route("/u/<token>", methods=["GET", "POST"])
@csrf.exempt  # the form's own token is checked instead of the session's
def preferences(token: str):
    supporter = services.supporter_for_token(token)
    if supporter is None:
        return render_template("notifications/preferences_unknown.html"), 404
    speak(supporter.language)
    form = PreferencesForm(bound_to=token, obj=services.preference_values(supporter))
    if form.validate_on_submit():
        services.save_preferences(
            supporter, form.subscribed.data, form.language.data, str(form.subscribed.label.text)
        )
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notifications.preferences", token=token))
    return render_template("notifications/preferences.html", supporter=supporter, form=form, token=token)


# RFC 8058: mail providers POST here with no cookies and no CSRF token; the token is the proof.
@bp.post("/u/<token>/one-click")
@csrf.exempt
def one_click_unsubscribe(token: str):
    supporter = services.supporter_for_token(token)
    if supporter is not None:
        services.unsubscribe_from_link(supporter)
        db.session.commit()
        speak(supporter.language)
    return render_template("notifications/unsubscribed.html", supporter=supporter)


@bp.get("/u/<token>/one-click")
def one_click_page(token: str):
    """The "Unsubscribe" link in an email's body: a page whose one button (a POST to the same
    address) unsubscribes. Link scanners open links, so the GET itself changes nothing. It shows
    no address: a forwarded email's reader learns nothing about its first recipient."""
    supporter = services.supporter_for_token(token)
    if supporter is None:
        return render_template("notifications/preferences_unknown.html"), 404
    speak(supporter.language)
    return render_template("notifications/unsubscribe.html", supporter=supporter, token=token)
