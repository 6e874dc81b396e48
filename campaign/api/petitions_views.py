"""OSDI petitions (read:counts), their signatures (read:people, logged as an export), and the
record signature helper (write), which signs by the public form's rules."""

from flask import Blueprint, g

from campaign.api import hal, petitions
from campaign.api.asked import found, page_asked
from campaign.api.auth import key_required, log_personal_data
from campaign.api.errors import ApiError
from campaign.api.helper_input import json_body, read_signature
from campaign.api.models import Scope
from campaign.api.signature_helper import record_signature as record
from campaign.extensions import db
from campaign.petitions import signing
from campaign.petitions.models import Petition

bp = Blueprint("petitions", __name__)
CLOSED = "This petition is closed: it takes no more signatures"


def _petition_or_404(petition_id: int) -> Petition:
    return found(petitions.petition(g.coalition.id, petition_id))


@bp.get("/petitions")
@key_required(Scope.READ_COUNTS)
def index():
    page = petitions.page_of_petitions(g.coalition.id, *page_asked())
    resource = petitions.petitions_resource(page, g.api_key.scope)
    return hal.response(resource)


@bp.get("/petitions/<int:petition_id>")
@key_required(Scope.READ_COUNTS)
def show(petition_id: int):
    resource = petitions.petition_resource(_petition_or_404(petition_id), g.api_key.scope)
    return hal.response(resource)


@bp.get("/petitions/<int:petition_id>/signatures")
@key_required(Scope.READ_PEOPLE)
def signatures(petition_id: int):
    petition = _petition_or_404(petition_id)
    page = petitions.page_of_signatures(g.coalition.id, petition.id, *page_asked())
    resource = petitions.signatures_resource(page, petition.id)
    log_personal_data(f"api:petitions:{petition.id}:signatures", len(page.items))
    return hal.response(resource)


@bp.get("/petitions/<int:petition_id>/signatures/<int:signature_id>")
@key_required(Scope.READ_PEOPLE)
def signature(petition_id: int, signature_id: int):
    signed = found(petitions.signature(g.coalition.id, _petition_or_404(petition_id).id, signature_id))
    resource = petitions.signature_resource(signed)
    log_personal_data(f"api:petitions:{petition_id}:signatures:{signature_id}", 1)
    return hal.response(resource)


@bp.post("/petitions/<int:petition_id>/signatures")
@key_required(Scope.WRITE)
def record_signature(petition_id: int):
    petition = _petition_or_404(petition_id)
    given = read_signature(json_body())
    try:
        source = record(petition, given, g.api_key)
    except signing.PetitionClosed:
        raise ApiError(409, CLOSED) from None
    db.session.commit()
    return hal.response(petitions.recorded_resource(petition.id, source), 201)
