"""Webhooks, kept by the coalition's owners and admins: endpoints, each with its page of recent
deliveries, its secret (shown once, at creation and at each rotation) and its buttons; and the
coalition's setting for personal data, which only an owner turns on."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaign.api.keys import key_makers
from campaign.api.webhooks import services as webhooks
from campaign.api.webhooks import settings as webhook_settings
from campaign.api.webhooks.forms import EndpointForm, NewEndpointForm, PersonalDataForm, RotateForm
from campaign.api.webhooks.models import EVENT_LABELS, WebhookDelivery, WebhookEndpoint
from campaign.coalitions.access import coalition_required, get_scoped_or_404
from campaign.coalitions.models import Role
from campaign.core.outbox import utcnow
from campaign.extensions import db

bp = Blueprint("webhooks", __name__, url_prefix="/coalitions/<slug>/webhooks")


@bp.route("", methods=["GET", "POST"])
@coalition_required(Role.ADMIN)
def index():
    form = NewEndpointForm()
    if not form.validate_on_submit():
        return _index(form), (400 if form.errors else 200)
    endpoint, secret = webhooks.create_endpoint(
        g.coalition.id, current_user.id, form.fields_for_save(), form.once.data
    )
    db.session.commit()
    if secret is None:  # the same form sent again: its first answer showed the secret
        flash(
            _(
                "“%(name)s” was already added by your first click, which showed its secret.",
                name=endpoint.name,
            )
        )
        return redirect(url_for(".endpoint", slug=g.coalition.slug, webhook_id=endpoint.id))
    # Shown in this answer only: a redirect would carry the secret through the session cookie.
    return _index(NewEndpointForm(formdata=None, fresh=True), new_endpoint=endpoint, secret=secret), 201


@bp.post("/personal-data")
@coalition_required(Role.ADMIN)
def personal_data():
    form = PersonalDataForm()
    if not form.validate_on_submit():
        abort(400)
    if form.personal_data.data and g.role < Role.OWNER:
        abort(403)  # more people's data leaving the app is the owners' call alone
    webhook_settings.set_personal_data(g.coalition.id, form.personal_data.data, current_user.id, utcnow())
    db.session.commit()
    flash(_("The setting is saved."), "success")
    return redirect(url_for(".index", slug=g.coalition.slug))


@bp.route("/<int:webhook_id>", methods=["GET", "POST"])
@coalition_required(Role.ADMIN)
def endpoint(webhook_id: int):
    hook = get_scoped_or_404(WebhookEndpoint, webhook_id)
    form = EndpointForm(obj=hook)
    if not form.validate_on_submit():
        return _endpoint(hook, form), (400 if form.errors else 200)
    webhooks.update_endpoint(hook, form.fields_for_save())
    db.session.commit()
    flash(_("The endpoint is saved."), "success")
    return redirect(url_for(".endpoint", slug=g.coalition.slug, webhook_id=hook.id))


@bp.post("/<int:webhook_id>/secret")
@coalition_required(Role.ADMIN)
def rotate_secret(webhook_id: int):
    hook = get_scoped_or_404(WebhookEndpoint, webhook_id)
    secret = webhooks.rotate_secret(hook, utcnow(), RotateForm().once.data)
    db.session.commit()
    if secret is None:
        flash(_("The secret was already rotated by your first click, which showed the new one."), "info")
    return _endpoint(hook, EndpointForm(formdata=None, obj=hook), secret=secret)


@bp.post("/<int:webhook_id>/test")
@coalition_required(Role.ADMIN)
def send_test(webhook_id: int):
    hook = get_scoped_or_404(WebhookEndpoint, webhook_id)
    webhooks.send_test(hook)
    db.session.commit()
    flash(_("A test event is on its way; its delivery is listed below."), "success")
    return redirect(url_for(".endpoint", slug=g.coalition.slug, webhook_id=hook.id))


@bp.post("/<int:webhook_id>/<any(enable, disable):action>")
@coalition_required(Role.ADMIN)
def switch(webhook_id: int, action: str):
    hook = get_scoped_or_404(WebhookEndpoint, webhook_id)
    webhooks.switch(hook, action == "enable")
    db.session.commit()
    flash(
        _("The endpoint is on.") if hook.enabled else _("The endpoint is off: no event goes to it."),
        "success",
    )
    return redirect(url_for(".endpoint", slug=g.coalition.slug, webhook_id=hook.id))


@bp.post("/<int:webhook_id>/delete")
@coalition_required(Role.ADMIN)
def delete(webhook_id: int):
    hook = get_scoped_or_404(WebhookEndpoint, webhook_id)
    name = hook.name
    webhooks.delete_endpoint(hook)
    db.session.commit()
    flash(_("“%(name)s” is deleted: no event goes to it any more.", name=name), "success")
    return redirect(url_for(".index", slug=g.coalition.slug))


@bp.post("/<int:webhook_id>/deliveries/<int:delivery_id>/resend")
@coalition_required(Role.ADMIN)
def resend(webhook_id: int, delivery_id: int):
    delivery = get_scoped_or_404(WebhookDelivery, delivery_id)
    if delivery.endpoint_id != webhook_id:
        abort(404)
    if webhooks.resend(delivery, utcnow()):
        flash(_("The event is sent again now."), "success")
    db.session.commit()
    return redirect(url_for(".endpoint", slug=g.coalition.slug, webhook_id=webhook_id))


def _index(form: NewEndpointForm, **shown) -> str:
    allowed = webhook_settings.personal_data_allowed(g.coalition.id)
    return render_template(
        "api/webhooks.html",
        coalition=g.coalition,
        form=form,
        endpoints=webhooks.endpoints_of(g.coalition.id),
        key_makers=key_makers(g.coalition.id),
        personal_form=PersonalDataForm(formdata=None, personal_data=allowed),
        personal_data=allowed,
        event_labels=EVENT_LABELS,
        **shown,
    )


def _endpoint(hook: WebhookEndpoint, form: EndpointForm, secret: str | None = None) -> str:
    return render_template(
        "api/webhooks_endpoint.html",
        coalition=g.coalition,
        hook=hook,
        form=form,
        rotate_form=RotateForm(formdata=None, fresh=True),
        deliveries=webhooks.recent_deliveries(hook),
        stopped=hook.created_by_id not in key_makers(g.coalition.id),
        personal_data=webhook_settings.personal_data_allowed(g.coalition.id),
        event_labels=EVENT_LABELS,
        secret=secret,
        now=utcnow(),
    )
