"""The OSDI API under /api/v1/: its entry point and OpenAPI description, and the list of its
resources, each a blueprint of its own (`<resource>_views.py`) nested in the api feature's.

Scripts call it with a key, never a session: its views are exempt from CSRF (no cookie
authenticates them) and set no cookie; every answer, errors included, is JSON."""

from flask import Blueprint, Response, g, json

from campaign.api import entry_point as aep
from campaign.api import (
    events_views,
    hal,
    letters_views,
    openapi,
    people_views,
    petitions_views,
    public_forms_views,
    tags_views,
)
from campaign.api.auth import key_required
from campaign.api.errors import ApiError, answer, error_response
from campaign.core import errors
from campaign.extensions import csrf

PREFIX = "/api/v1"
bp = Blueprint("osdi", __name__)
RESOURCES = (
    bp,
    people_views.bp,
    petitions_views.bp,
    events_views.bp,
    tags_views.bp,
    letters_views.bp,
    public_forms_views.bp,
)


def register_on(parent: Blueprint) -> None:
    """Nests the API's blueprints in `parent` under /api/v1/, with its JSON errors."""
    for resource in RESOURCES:
        csrf.exempt(resource)
        parent.register_blueprint(resource, url_prefix=PREFIX)
    parent.register_error_handler(ApiError, answer)
    parent.record_once(lambda state: errors.answer_errors_under(state.app, PREFIX + "/", error_response))


@bp.get("/")
@key_required(scope=None)
def entry_point():
    return hal.response(aep.entry_point(g.api_key.scope))


@bp.get("/openapi.json", endpoint="openapi")
def openapi_description():
    return Response(json.dumps(openapi.description()), mimetype="application/json")
