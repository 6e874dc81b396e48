"""The OSDI API under /api/v1/: the entry point, people, and the OpenAPI description.

Scripts call it with a key, never a session: its views are exempt from CSRF (no cookie
authenticates them) and set no cookie; every answer, errors included, is JSON."""

from flask import Response, g, json, request

from campaign.api import openapi, people, resources
from campaign.api.auth import key_required
from campaign.api.errors import ApiError, answer, error_response
from campaign.api.models import Scope
from campaign.api.views import bp
from campaign.core import errors
from campaign.core.exports import log_export
from campaign.extensions import csrf, db

PREFIX = "/api/v1"
bp.register_error_handler(ApiError, answer)
bp.record_once(lambda state: errors.answer_errors_under(state.app, PREFIX + "/", error_response))


def hal(resource: dict) -> Response:
    return Response(json.dumps(resource), mimetype=resources.HAL)


@bp.get(PREFIX + "/")
@csrf.exempt
@key_required()
def entry_point():
    db.session.commit()  # the key's last use
    return hal(resources.entry_point(g.api_key.scope))


@bp.get(PREFIX + "/people", endpoint="people")
@csrf.exempt
@key_required(Scope.READ_PEOPLE)
def people_list():
    try:
        condition = people.modified_filter(request.args.get("filter"))
        number, size = people.paging(request.args.get("page"), request.args.get("per_page"))
    except people.BadQuery as error:
        raise ApiError(400, str(error)) from None
    page = people.page_of_people(g.coalition.id, condition, number, size)
    query = {"filter": request.args["filter"]} if "filter" in request.args else {}
    resource = resources.people(page, query)
    _log("api:people", len(page.people))
    return hal(resource)


@bp.get(PREFIX + "/people/<int:person_id>")
@csrf.exempt
@key_required(Scope.READ_PEOPLE)
def person(person_id: int):
    supporter = people.person(g.coalition.id, person_id)
    if supporter is None:
        raise ApiError(404, "Not found")
    resource = resources.person(supporter, people.statuses(g.coalition.id, [supporter])[supporter.id])
    _log(f"api:people:{person_id}", 1)
    return hal(resource)


@bp.get(PREFIX + "/openapi.json", endpoint="openapi")
def openapi_description():
    return Response(json.dumps(openapi.description()), mimetype="application/json")


def _log(what: str, count: int) -> None:
    """Personal data handed to a key is logged as an export is (core/exports.py), then committed."""
    log_export(g.coalition.id, None, what, count, api_key_id=g.api_key.id)
    db.session.commit()
