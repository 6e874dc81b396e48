"""Sign-on letters and their signatories (our `campaign_desk:` collections): public data, for any key."""

from flask import Blueprint, g

from campaign.api import hal, letters
from campaign.api.asked import found, page_asked
from campaign.api.auth import key_required
from campaign.api.models import Scope
from campaign.letters.models import Letter

bp = Blueprint("letters", __name__)


def _letter(letter_id: int) -> Letter:
    return found(letters.letter(g.coalition.id, letter_id))


@bp.get("/letters")
@key_required(Scope.READ_COUNTS)
def index():
    page = letters.page_of_letters(g.coalition.id, *page_asked())
    return hal.response(letters.letters_resource(page))


@bp.get("/letters/<int:letter_id>")
@key_required(Scope.READ_COUNTS)
def show(letter_id: int):
    letter = _letter(letter_id)
    resource = letters.letter_resource(letter, letters.signatory_totals([letter.id])[letter.id])
    return hal.response(resource)


@bp.get("/letters/<int:letter_id>/signatories")
@key_required(Scope.READ_COUNTS)
def signatories(letter_id: int):
    letter = _letter(letter_id)
    resource = letters.signatories_resource(letter, letters.page_of_signatories(letter, *page_asked()))
    return hal.response(resource)


@bp.get("/letters/<int:letter_id>/signatories/<int:signatory_id>")
@key_required(Scope.READ_COUNTS)
def signatory(letter_id: int, signatory_id: int):
    resource = letters.signatory_resource(found(letters.signatory(_letter(letter_id), signatory_id)))
    return hal.response(resource)
