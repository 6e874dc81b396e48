"""What a caller asks of a collection besides the key: the page, and the record asked for.
Whatever it is, a bad value is a JSON 400 or 404, never a 5xx. (A helper's JSON body is read
by api/helper_input.py.)"""

from flask import request

from campaign.api import hal
from campaign.api.errors import ApiError


def page_asked() -> tuple[int, int]:
    """The page number and size of a collection asked for (`page`, `per_page`)."""
    try:
        return hal.paging(request.args.get("page"), request.args.get("per_page"))
    except hal.BadQuery as error:
        raise ApiError(400, str(error)) from None


def found(record):
    """The record asked for, or a 404: another coalition's is not found either."""
    if record is None:
        raise ApiError(404, "Not found")
    return record
