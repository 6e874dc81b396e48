"""What a caller sends besides the key: the page of a collection, the JSON body of a helper.
Whatever it is, a bad value is a JSON 400, never a 5xx."""

from flask import request

from campaign.api import hal
from campaign.api.errors import ApiError


def page_asked() -> tuple[int, int]:
    """The page number and size of a collection asked for (`page`, `per_page`)."""
    try:
        return hal.paging(request.args.get("page"), request.args.get("per_page"))
    except hal.BadQuery as error:
        raise ApiError(400, str(error)) from None


def json_body():
    """The body parsed as JSON, or None if it is not JSON; each helper then says what it takes.
    Nesting deeper than Python's parser recurses (`[[[[...` in a few kilobytes) is not JSON either."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def found(record):
    """The record asked for, or a 404: another coalition's is not found either."""
    if record is None:
        raise ApiError(404, "Not found")
    return record
