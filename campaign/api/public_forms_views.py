"""OSDI forms: the coalition's public sign, sign-on and RSVP forms (api/public_forms.py), for any key."""

from flask import Blueprint, g

from campaign.api import hal, public_forms
from campaign.api.asked import found, page_asked
from campaign.api.auth import key_required
from campaign.api.models import Scope

bp = Blueprint("forms", __name__)


@bp.get("/forms")
@key_required(Scope.READ_COUNTS)
def index():
    page = public_forms.page_of_forms(g.coalition.id, *page_asked())
    return hal.response(public_forms.forms_resource(page))


@bp.get("/forms/<form_id>")
@key_required(Scope.READ_COUNTS)
def show(form_id: str):
    resource = found(public_forms.form(g.coalition.id, form_id))
    return hal.response(resource)
