"""The organizer's page of a campaign's targets: jurisdictions, officials, the measure it is
trying to win, and the "we won" alert to its signers."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaign.coalitions.access import coalition_required, get_scoped_or_404
from campaign.coalitions.models import Role
from campaign.extensions import db
from campaign.notifications.forms import EmptyForm
from campaign.notifications.services import EmptyAudience
from campaign.policies import services, targets, won
from campaign.policies.blueprint import bp
from campaign.policies.models import CampaignKind, CampaignTarget, Measure
from campaign.policies.target_forms import TargetForm

PAGE = "/coalitions/<slug>/policies/targets/<any(letter, petition, action):kind>/<int:campaign_id>"
ORGANIZER_PAGES = {
    CampaignKind.LETTER: ("letters.letter", "letter_id"),
    CampaignKind.PETITION: ("petitions.petition", "petition_id"),
    CampaignKind.ACTION: ("actions.day", "day_id"),
}


def _campaign(kind: str, campaign_id: int):
    return get_scoped_or_404(targets.MODELS[CampaignKind(kind)], campaign_id)


def _page(kind: str, campaign, form: TargetForm, status: int = 200):
    endpoint, argument = ORGANIZER_PAGES[CampaignKind(kind)]
    aimed = targets.targets_of(kind, campaign.id)
    return render_template(
        "policies/targets.html",
        coalition=g.coalition,
        kind=kind,
        campaign=campaign,
        campaign_url=url_for(endpoint, slug=g.coalition.slug, **{argument: campaign.id}),
        aimed=aimed,
        linked=targets.measures_linked(aimed),
        passed_on=targets.passed_on,
        form=form,
        action_form=EmptyForm(),
    ), status


def _back(kind: str, campaign_id: int):
    return redirect(url_for("policies.targets", slug=g.coalition.slug, kind=kind, campaign_id=campaign_id))


@bp.route(PAGE, methods=["GET", "POST"], endpoint="targets")
@coalition_required(Role.VIEWER)
def targets_page(kind: str, campaign_id: int):
    campaign = _campaign(kind, campaign_id)
    form = TargetForm(measures=targets.measures_of(g.coalition.id))
    if form.is_submitted() and g.role < Role.ORGANIZER:
        abort(403)
    if not form.validate_on_submit():
        return _page(kind, campaign, form, 400 if form.is_submitted() else 200)
    fields = (form.officials.data, form.measure_id.data)
    try:
        targets.aim(campaign, kind, services.jurisdiction_for(*form.pick()), *fields, current_user.id)
    except targets.ForeignMeasure:
        abort(404)
    db.session.commit()
    flash(_("Target saved."), "success")
    return _back(kind, campaign_id)


@bp.post(PAGE + "/<int:target_id>/remove")
@coalition_required(Role.ORGANIZER)
def remove_target(kind: str, campaign_id: int, target_id: int):
    campaign = _campaign(kind, campaign_id)
    target = get_scoped_or_404(CampaignTarget, target_id)
    if (target.campaign_kind, target.campaign_id) != (kind, campaign.id):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    targets.drop(target)
    db.session.commit()
    flash(_("Target removed."), "success")
    return _back(kind, campaign_id)


@bp.post(PAGE + "/won/<int:measure_id>")
@coalition_required(Role.ORGANIZER)
def tell_signers(kind: str, campaign_id: int, measure_id: int):
    campaign = _campaign(kind, campaign_id)
    measure = get_scoped_or_404(Measure, measure_id)
    linked = {target.measure_id for target in targets.targets_of(kind, campaign.id)}
    if measure.id not in linked or targets.passed_on(measure) is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        alert = won.tell_signers(kind, campaign, measure, current_user.id)
    except EmptyAudience:
        flash(_("Nobody who signed can receive email yet: there is no one to tell."), "info")
        return _back(kind, campaign_id)
    db.session.commit()
    return redirect(url_for("notifications.alert", slug=g.coalition.slug, alert_id=alert.id))
