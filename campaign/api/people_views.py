"""OSDI people: the coalition's supporters on file, a page at a time or one by one, and the
person signup helper that adds them."""

from flask import Blueprint, g, request

from campaign.api import hal, people, signup_helper
from campaign.api.asked import found
from campaign.api.auth import key_required, log_personal_data
from campaign.api.errors import ApiError
from campaign.api.helper_input import json_body, read_signup
from campaign.api.models import Scope
from campaign.extensions import db

bp = Blueprint("people", __name__)


@bp.get("/people")
@key_required(Scope.READ_PEOPLE)
def index():
    try:
        condition = people.modified_filter(request.args.get("filter"))
        number, size = hal.paging(request.args.get("page"), request.args.get("per_page"))
    except hal.BadQuery as error:
        raise ApiError(400, str(error)) from None
    page = people.page_of_people(g.coalition.id, condition, number, size)
    query = {"filter": request.args["filter"]} if "filter" in request.args else {}
    resource = people.people_resource(page, query)
    log_personal_data("api:people", len(page.items))
    return hal.response(resource)


@bp.get("/people/<int:person_id>")
@key_required(Scope.READ_PEOPLE)
def show(person_id: int):
    supporter = found(people.person(g.coalition.id, person_id))
    resource = people.person_resource(supporter, people.statuses(g.coalition.id, [supporter])[supporter.id])
    log_personal_data(f"api:people:{person_id}", 1)
    return hal.response(resource)


@bp.post("/people", endpoint="signup")
@key_required(Scope.WRITE)
def person_signup_helper():
    """OSDI's person signup helper (api/signup_helper.py). The answer is the same for a new person
    and one on file, and names nobody: a write key reads no people (Scope.grants)."""
    signup_helper.sign_up(g.coalition.id, g.api_key.name, read_signup(json_body()))
    db.session.commit()
    return hal.response(signup_helper.RECEIVED)
