"""The coalition's people as the API reads them: a page of supporters, filtered by OData's
`modified_date` comparisons, with each address's OSDI status."""

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, func, select

from campaign.extensions import db
from campaign.notifications.suppression import suppressed_indexes
from campaign.supporters.models import Subscription, Supporter
from campaign.supporters.services import on_file

MAX_PAGE_SIZE = 25  # as Action Network's
# OData as Action Network takes it: `modified_date gt '2014-03-25'` (also lt and eq).
FILTER = re.compile(r"\s*modified_date\s+(gt|lt|eq)\s+'([^']{1,40})'\s*")
FILTER_HELP = "Only modified_date with gt, lt or eq is supported, like: modified_date gt '2014-03-25'"


class BadQuery(ValueError):
    """A filter or paging value the API does not take; its message is said to the caller."""


@dataclass
class Page:
    people: list[Supporter]
    statuses: dict[int, str]
    page: int
    per_page: int
    total_records: int

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total_records / self.per_page)


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


def paging(page: str | None, per_page: str | None) -> tuple[int, int]:
    """Page (from 1) and page size (at most 25; more asks for 25, as Action Network answers)."""
    try:
        number = int(page) if page is not None else 1
        size = int(per_page) if per_page is not None else MAX_PAGE_SIZE
    except ValueError:
        raise BadQuery("page and per_page are whole numbers") from None
    if number < 1 or size < 1:
        raise BadQuery("page and per_page start at 1")
    return number, min(size, MAX_PAGE_SIZE)


def page_of_people(coalition_id: int, condition, number: int, size: int) -> Page:
    query = on_file(coalition_id)
    if condition is not None:
        query = query.where(condition)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    people = []
    if (number - 1) * size < total:  # a page past the end reads nothing (and no huge OFFSET)
        query = query.order_by(Supporter.id).offset((number - 1) * size).limit(size)
        people = list(db.session.scalars(query))
    return Page(people, statuses(coalition_id, people), number, size, total)


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
