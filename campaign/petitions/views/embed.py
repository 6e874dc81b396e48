"""The widget partner websites embed: count and sign form in an iframe, and a count-only badge.

Inside another site's iframe the browser may withhold our session cookie; the widget's form,
like the page's, needs none: its form token is signed and bound to the petition. The form stamp
(too fast is quarantined), the honeypot and the per-IP limits work as on the page.
"""

from dataclasses import replace

from flask import make_response, redirect, render_template, request, url_for

from campaign.core.security import embeddable
from campaign.extensions import csrf, db
from campaign.petitions import sign_input
from campaign.petitions.forms import SignForm
from campaign.petitions.models import Petition
from campaign.petitions.views.public import (
    prepare,
    public_or_404,
    readable_by_any_site,
    refused_form,
    shown_source,
    sign_form,
    sign_from,
)

BADGE_MAX_AGE_SECONDS = 30


def _widget(petition: Petition, form: SignForm, status: int = 200):
    prepare(form, petition)
    page = render_template("petitions/embed.html", petition=petition, form=form)
    return embeddable(make_response(page, status))


def embed(slug: str):
    petition = public_or_404(slug)
    return _widget(petition, sign_form(petition.id, petition.coalition.name))


@csrf.exempt
def embed_sign(slug: str):
    petition = public_or_404(slug)
    if not petition.is_open:
        return _widget(petition, sign_form(petition.id, petition.coalition.name), 409)
    signed = sign_input.read(request.form, petition.id, petition.coalition.name)
    if not isinstance(signed, sign_input.Signing):
        return _widget(petition, refused_form(petition.id, petition.coalition.name), 400)
    # A member organization's widget carries its code from the embed address; the plain one is "widget".
    source = signed.fields["source"] or "widget"
    sign_from(replace(signed, fields=signed.fields | {"source": source}), petition)
    db.session.commit()
    return redirect(url_for("petitions.embed_thanks", slug=slug, source=source))


def embed_thanks(slug: str):
    petition = public_or_404(slug)
    page = render_template(
        "petitions/embed_thanks.html", petition=petition, source=shown_source() or "widget"
    )
    return embeddable(make_response(page))


def badge(slug: str):
    petition = public_or_404(slug)
    response = make_response(render_template("petitions/badge.svg", petition=petition))
    response.mimetype = "image/svg+xml"
    response.headers["Cache-Control"] = f"public, max-age={BADGE_MAX_AGE_SECONDS}"
    return readable_by_any_site(embeddable(response))
