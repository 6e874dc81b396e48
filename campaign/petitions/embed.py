"""The widget partner websites embed: count and sign form in an iframe, and a count-only badge.

Inside another site's iframe the browser may withhold our session cookie, so the widget's form
cannot use the session-bound CSRF token. It is protected instead by the signed form stamp (which
petition, and when the form was shown: too old is refused, too fast is quarantined), the
honeypot and the per-IP limits, like the page's own form.
"""

from flask import make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from campaign.core.security import embeddable
from campaign.extensions import csrf, db, limiter
from campaign.petitions import abuse
from campaign.petitions.forms import SignForm
from campaign.petitions.models import Petition
from campaign.petitions.public_views import public_or_404, sign_from
from campaign.petitions.views import bp
from campaign.supporters.forms import consent_wording

BADGE_MAX_AGE_SECONDS = 30


def _widget(petition: Petition, form: SignForm, status: int = 200):
    form.started.data = abuse.form_stamp(petition.id)
    page = render_template("petitions/embed.html", petition=petition, form=form)
    return embeddable(make_response(page, status))


def _form(petition: Petition) -> SignForm:
    return SignForm(meta={"csrf": False}, consent_wording=consent_wording(petition.coalition.name))


@bp.get("/petitions/<slug>/embed")
def embed(slug: str):
    petition = public_or_404(slug)
    return _widget(petition, _form(petition))


@bp.post("/petitions/<slug>/embed")
@csrf.exempt
@limiter.exempt  # abuse.py's limits hold signatures back instead of refusing them
def embed_sign(slug: str):
    petition = public_or_404(slug)
    form = _form(petition)
    if not petition.is_open:
        return _widget(petition, form, 409)
    if not form.validate_on_submit():
        return _widget(petition, form, 400)
    if not abuse.stamp_is_fresh(petition.id, form.started.data):
        form.form_errors.append(
            _("This form was open too long. It has been refreshed: please send it again.")
        )
        return _widget(petition, form, 400)
    form.source.data = form.source.data or "widget"
    sign_from(form, petition)
    db.session.commit()
    return redirect(url_for("petitions.embed_thanks", slug=slug))


@bp.get("/petitions/<slug>/embed/thanks")
def embed_thanks(slug: str):
    page = render_template("petitions/embed_thanks.html", petition=public_or_404(slug))
    return embeddable(make_response(page))


@bp.get("/petitions/<slug>/badge.svg")
def badge(slug: str):
    petition = public_or_404(slug)
    response = make_response(render_template("petitions/badge.svg", petition=petition))
    response.mimetype = "image/svg+xml"
    response.headers["Cache-Control"] = f"public, max-age={BADGE_MAX_AGE_SECONDS}"
    return embeddable(response)
