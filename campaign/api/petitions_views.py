"""OSDI petitions (read:counts), their signatures (read:people, logged as an export), and the
record signature helper (write), which signs by the public form's rules."""

from flask import Blueprint, g, request

from campaign.api import hal, petitions
from campaign.api.auth import key_required, log_personal_data
from campaign.api.errors import ApiError
from campaign.api.models import Scope
from campaign.api.signature_input import json_body, read_signature
from campaign.core.text import one_line
from campaign.extensions import db
from campaign.petitions import signing
from campaign.petitions.models import SOURCE_MAX_LENGTH, Petition

bp = Blueprint("petitions", __name__)
CLOSED = "This petition is closed: it takes no more signatures"


def _paging() -> tuple[int, int]:
    try:
        return hal.paging(request.args.get("page"), request.args.get("per_page"))
    except hal.BadQuery as error:
        raise ApiError(400, str(error)) from None


def _petition_or_404(petition_id: int) -> Petition:
    found = petitions.petition(g.coalition.id, petition_id)
    if found is None:
        raise ApiError(404, "Not found")
    return found


@bp.get("/petitions")
@key_required(Scope.READ_COUNTS)
def index():
    page = petitions.page_of_petitions(g.coalition.id, *_paging())
    resource = petitions.petitions_resource(page, g.api_key.scope)
    db.session.commit()  # the key's last use
    return hal.response(resource)


@bp.get("/petitions/<int:petition_id>")
@key_required(Scope.READ_COUNTS)
def show(petition_id: int):
    resource = petitions.petition_resource(_petition_or_404(petition_id), g.api_key.scope)
    db.session.commit()  # the key's last use
    return hal.response(resource)


@bp.get("/petitions/<int:petition_id>/signatures")
@key_required(Scope.READ_PEOPLE)
def signatures(petition_id: int):
    petition = _petition_or_404(petition_id)
    page = petitions.page_of_signatures(g.coalition.id, petition.id, *_paging())
    resource = petitions.signatures_resource(page, petition.id)
    log_personal_data(f"api:petitions:{petition.id}:signatures", len(page.items))
    return hal.response(resource)


@bp.get("/petitions/<int:petition_id>/signatures/<int:signature_id>")
@key_required(Scope.READ_PEOPLE)
def signature(petition_id: int, signature_id: int):
    found = petitions.signature(g.coalition.id, _petition_or_404(petition_id).id, signature_id)
    if found is None:
        raise ApiError(404, "Not found")
    resource = petitions.signature_resource(found)
    log_personal_data(f"api:petitions:{petition_id}:signatures:{signature_id}", 1)
    return hal.response(resource)


@bp.post("/petitions/<int:petition_id>/signatures")
@key_required(Scope.WRITE)
def record_signature(petition_id: int):
    petition = _petition_or_404(petition_id)
    key_name = one_line(g.api_key.name)[:SOURCE_MAX_LENGTH]  # credited when the call names no source
    given = read_signature(json_body(), g.coalition.id, key_name)
    try:
        signing.record(
            petition, given.fields(), given.person.language, given.consent, g.api_key.id, given.tag_ids
        )
    except signing.PetitionClosed:
        raise ApiError(409, CLOSED) from None
    db.session.commit()
    return hal.response(petitions.recorded_resource(petition.id, given.source), 201)
