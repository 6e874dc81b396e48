"""Organizer pages of pending measures: the list, a measure with its history, moving its stage,
setting its next hearing, and the one-click draft alert to supporters in its jurisdiction."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaign.coalitions.access import coalition_required, get_scoped_or_404
from campaign.coalitions.models import Role
from campaign.core.zones import moment_in_zone
from campaign.extensions import db
from campaign.notifications.forms import EmptyForm
from campaign.notifications.services import EmptyAudience
from campaign.policies import drafts, measures, services
from campaign.policies.blueprint import bp
from campaign.policies.measure_forms import EditMeasureForm, HearingForm, NewMeasureForm, StageForm
from campaign.policies.models import Measure

PREFIX = "/coalitions/<slug>/policies/measures"


def _say_withdrawn(withdrawn: list[drafts.Withdrawn]) -> None:
    for alert in withdrawn:
        if alert.cancelled:
            flash(_("The scheduled alert “%(subject)s” was cancelled.", subject=alert.subject), "info")
        else:
            flash(_("The draft “%(subject)s” was withdrawn.", subject=alert.subject), "info")


def _to_measure(measure: Measure):
    return redirect(url_for("policies.measure", slug=g.coalition.slug, measure_id=measure.id))


@bp.get(PREFIX)
@coalition_required(Role.VIEWER)
def measures_list():
    rows = measures.measures_of(g.coalition.id)
    return render_template(
        "policies/measures.html",
        coalition=g.coalition,
        measures=rows,
    )


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def new_measure():
    form = NewMeasureForm()
    if form.validate_on_submit():
        place = services.jurisdiction_for(*form.pick())
        measure = measures.add_measure(
            g.coalition.id, place, current_user.id, form.fields_for_save(), form.once.data
        )
        db.session.commit()
        return _to_measure(measure)
    return render_template("policies/measure_edit.html", coalition=g.coalition, form=form, measure=None)


@bp.get(f"{PREFIX}/<int:measure_id>")
@coalition_required(Role.VIEWER)
def measure(measure_id: int):
    found = get_scoped_or_404(Measure, measure_id)
    return _measure_page(found, _stage_form(found), HearingForm.for_measure(found))


def _stage_form(measure: Measure) -> StageForm:
    return StageForm(data={"stage": measure.stage, "reached_on": measures.today_in(measure)})


def _measure_page(measure: Measure, stage_form: StageForm, hearing_form: HearingForm, status: int = 200):
    return render_template(
        "policies/measure.html",
        coalition=g.coalition,
        measure=measure,
        hearing_when=moment_in_zone(measure.next_hearing_at, measure.time_zone)
        if measure.next_hearing_at
        else None,
        hearing_ahead=measures.hearing_ahead(measure),
        steps=services.steps_of(measure.id),
        stage_form=stage_form,
        hearing_form=hearing_form,
        action_form=EmptyForm(),
    ), status


@bp.route(f"{PREFIX}/<int:measure_id>/edit", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def edit_measure(measure_id: int):
    found = get_scoped_or_404(Measure, measure_id)
    form = EditMeasureForm.for_measure(found)
    if form.validate_on_submit():
        measures.edit_measure(found, form.fields_for_save())
        db.session.commit()
        flash(_("Saved."), "success")
        return _to_measure(found)
    return render_template(
        "policies/measure_edit.html",
        coalition=g.coalition,
        form=form,
        measure=found,
    )


@bp.post(f"{PREFIX}/<int:measure_id>/stage")
@coalition_required(Role.ORGANIZER)
def move_stage(measure_id: int):
    found, form = get_scoped_or_404(Measure, measure_id), StageForm()
    if not form.validate_on_submit():
        return _measure_page(found, form, HearingForm.for_measure(found), 400)
    note = form.note.data or ""
    step, withdrawn = measures.move_stage(found, form.stage.data, form.reached_on.data, note, current_user.id)
    db.session.commit()
    _say_withdrawn(withdrawn)
    if step is None:
        flash(_("The measure is already at that stage: nothing changed."), "info")
    return _to_measure(found)


@bp.post(f"{PREFIX}/<int:measure_id>/hearing")
@coalition_required(Role.ORGANIZER)
def set_hearing(measure_id: int):
    found = get_scoped_or_404(Measure, measure_id)
    form = HearingForm(found)
    if not found.is_open:  # decided while the page was open
        flash(_("The measure is decided: no hearing is next."), "info")
        return _to_measure(found)
    if not form.validate_on_submit():
        return _measure_page(found, _stage_form(found), form, 400)
    withdrawn = measures.set_hearing(found, form.when.data, form.place.data)
    db.session.commit()
    _say_withdrawn(withdrawn)
    flash(_("Hearing saved. You can now alert the supporters who live there."), "success")
    return _to_measure(found)


@bp.post(f"{PREFIX}/<int:measure_id>/alert")
@coalition_required(Role.ORGANIZER)
def hearing_alert(measure_id: int):
    found = get_scoped_or_404(Measure, measure_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not measures.hearing_ahead(found):  # the hearing went by (or was cleared) while the page was open
        flash(_("The hearing has already taken place. Set the next one to alert supporters."), "info")
        return _to_measure(found)
    try:
        alert, made = measures.hearing_alert(found, current_user.id)
    except EmptyAudience:
        flash(_("No supporter on file lives there yet, so there is nobody to alert."), "error")
        return _to_measure(found)
    db.session.commit()
    if not made:
        flash(_("The alert for this hearing was already written: here it is."), "info")
    return redirect(url_for("notifications.alert", slug=g.coalition.slug, alert_id=alert.id))


@bp.post(f"{PREFIX}/<int:measure_id>/delete")
@coalition_required(Role.ORGANIZER)
def delete_measure(measure_id: int):
    found = get_scoped_or_404(Measure, measure_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    withdrawn = measures.delete_measure(found)
    db.session.commit()
    _say_withdrawn(withdrawn)
    flash(_("The measure and its history were deleted."), "success")
    return redirect(url_for("policies.measures_list", slug=g.coalition.slug))
