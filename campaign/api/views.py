"""API keys, kept by the coalition's owners and admins on their own page."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaign.api import keys, osdi_views
from campaign.api.forms import NewKeyForm
from campaign.api.models import SCOPE_LABELS, ApiKey, Scope
from campaign.api.webhooks import views as webhooks_views
from campaign.coalitions.access import coalition_required, get_scoped_or_404
from campaign.coalitions.models import Role
from campaign.core.outbox import utcnow
from campaign.extensions import db

bp = Blueprint("api", __name__)
osdi_views.register_on(bp)
bp.register_blueprint(webhooks_views.bp)


@bp.route("/coalitions/<slug>/api-keys", methods=["GET", "POST"])
@coalition_required(Role.ADMIN)
def api_keys():
    form = NewKeyForm()
    if not form.validate_on_submit():
        return _render(form), (400 if form.errors else 200)
    key, token = keys.create_key(
        g.coalition.id,
        current_user.id,
        form.name.data,
        Scope(form.scope.data),
        form.expires_on.data,
        form.once.data,
    )
    db.session.commit()
    if token is None:  # the same form sent again: its first answer showed the token
        flash(
            _(
                "The key “%(name)s” was already made by your first click, which showed it. If you did not "
                "copy it, revoke it and create another.",
                name=key.name,
            ),
            "info",
        )
        return _render(NewKeyForm(formdata=None, fresh=True))
    # Shown in this answer only: a redirect would carry the token through the session cookie.
    return _render(NewKeyForm(formdata=None, fresh=True), new_key=key, token=token), 201


@bp.post("/coalitions/<slug>/api-keys/<int:key_id>/revoke")
@coalition_required(Role.ADMIN)
def revoke_api_key(key_id: int):
    key = get_scoped_or_404(ApiKey, key_id)
    keys.revoke(key, utcnow())
    db.session.commit()
    flash(_("The key “%(name)s” is revoked: it no longer opens the API.", name=key.name), "success")
    return redirect(url_for("api.api_keys", slug=g.coalition.slug))


def _render(form: NewKeyForm, new_key: ApiKey | None = None, token: str | None = None) -> str:
    return render_template(
        "api/api_keys.html",
        coalition=g.coalition,
        form=form,
        api_keys=keys.keys_of(g.coalition.id),
        key_makers=keys.key_makers(g.coalition.id),
        scope_labels=SCOPE_LABELS,
        new_key=new_key,
        token=token,
        now=utcnow(),
    )
