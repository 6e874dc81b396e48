"""The coalition's people as the API reads and shows them: a page of supporters, filtered by
OData's `modified_date` comparisons, each as an OSDI person with their address's status."""

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement

from campaign.api.hal import BadQuery, Page, collection, identifiers, link, page_of, timestamp
from campaign.core.places import place_of
from campaign.extensions import db
from campaign.notifications.suppression import suppressed_indexes
from campaign.supporters.models import Subscription, Supporter
from campaign.supporters.services import on_file

# OData as Action Network takes it: `modified_date gt '2014-03-25'` (also lt and eq).
FILTER = re.compile(r"\s*modified_date\s+(gt|lt|eq)\s+'([^']{1,40})'\s*")
FILTER_HELP = "Only modified_date with gt, lt or eq is supported, like: modified_date gt '2014-03-25'"


def _moment(text: str) -> tuple[datetime, bool]:
    """The UTC time a filter names, and whether it named a whole day ('2014-03-25')."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time()), True
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise BadQuery(f"Not a date or a date and time: {text}") from None
    return moment, False


def modified_filter(text: str | None) -> ColumnElement[bool] | None:
    """The condition a `filter` parameter asks for; None without one. A day compares as its
    first moment (UTC) with gt and lt, and as the whole day with eq."""
    if text is None:
        return None
    match = FILTER.fullmatch(text)
    if match is None:
        raise BadQuery(FILTER_HELP)
    operator, value = match.groups()
    moment, whole_day = _moment(value)
    column = Supporter.updated_at
    if operator == "gt":
        return column > moment
    if operator == "lt":
        return column < moment
    if not whole_day:
        return column == moment
    if moment.date() == date.max:
        return column >= moment
    return column.between(moment, moment + timedelta(days=1) - timedelta(microseconds=1))


def page_of_people(coalition_id: int, condition, number: int, size: int) -> Page:
    """A page of the people on file; `extra` holds each one's email status by id."""
    query = on_file(coalition_id)
    if condition is not None:
        query = query.where(condition)
    page = page_of(query, Supporter.id, number, size)
    page.extra = statuses(coalition_id, page.items)
    return page


def person(coalition_id: int, person_id: int) -> Supporter | None:
    return db.session.scalar(on_file(coalition_id).where(Supporter.id == person_id))


def statuses(coalition_id: int, people: list[Supporter]) -> dict[int, str]:
    """OSDI's email status of each: subscribed, unsubscribed, or bouncing (a subscribed address
    the coalition's mail bounced from). Someone never asked is "unsubscribed": nobody may
    email them from a list an integration copies."""
    bounced = suppressed_indexes(coalition_id, [each.email_index for each in people])
    return {each.id: _status(each, bounced) for each in people}


def _status(supporter: Supporter, bounced: set[str]) -> str:
    if supporter.subscription != Subscription.SUBSCRIBED:
        return "unsubscribed"
    return "bouncing" if supporter.email_index in bounced else "subscribed"


def person_resource(supporter: Supporter, status: str) -> dict:
    """A person as OSDI names their fields; a field we do not know is left out, as OSDI allows."""
    names = {"given_name": supporter.first_name, "family_name": supporter.last_name}
    return {
        "identifiers": identifiers(supporter.id),
        "created_date": timestamp(supporter.created_at),
        "modified_date": timestamp(supporter.updated_at),
        **{field: value for field, value in names.items() if value},
        "languages_spoken": [supporter.language],
        "email_addresses": [{"primary": True, "address": supporter.email, "status": status}],
        "postal_addresses": _postal_addresses(supporter.zip_code),
        "_links": {"self": link("api.people.show", person_id=supporter.id)},
    }


def _postal_addresses(zip_code: str | None) -> list[dict]:
    if not zip_code:
        return []
    address = {"primary": True, "postal_code": zip_code, "country": "US"}
    place = place_of(zip_code)
    if place is not None:
        address |= {"locality": place.city, "region": place.state}
    return [address]


def people_resource(page: Page, query: dict) -> dict:
    embedded = [person_resource(each, page.extra[each.id]) for each in page.items]
    return collection("api.people.index", "osdi:people", page, embedded, query)
