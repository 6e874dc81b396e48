"""HAL+JSON as OSDI shapes it, shared by every resource: links, times, paging and collections."""

import math
from dataclasses import dataclass, field
from datetime import datetime

from flask import Response, json, url_for
from sqlalchemy import Select, func, select

from campaign.extensions import db

HAL = "application/hal+json"
OSDI_VERSION = "1.1.1"
NAMESPACE = "campaign_desk"  # of our identifiers ("campaign_desk:12") and any extension of ours
CURIES = [{"name": "osdi", "href": "https://opensupporter.github.io/osdi-docs/{rel}", "templated": True}]
MAX_PAGE_SIZE = 25  # as Action Network's


class BadQuery(ValueError):
    """A filter or paging value the API does not take; its message is said to the caller."""


def response(resource: dict, status: int = 200) -> Response:
    return Response(json.dumps(resource), status=status, mimetype=HAL)


def link(endpoint: str, title: str | None = None, **values) -> dict:
    found = {"href": url_for(endpoint, _external=True, **values)}
    if title:
        found["title"] = title
    return found


def timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def identifiers(record_id: int) -> list[str]:
    return [f"{NAMESPACE}:{record_id}"]


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


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total_records: int
    extra: dict = field(default_factory=dict)  # what a resource reads once for the whole page

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total_records / self.per_page)


def page_of(query: Select, order_by, number: int, size: int) -> Page:
    """One page of `query`'s rows in `order_by` order, and how many rows there are in all."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = []
    if (number - 1) * size < total:  # a page past the end reads nothing (and no huge OFFSET)
        items = list(db.session.scalars(query.order_by(order_by).offset((number - 1) * size).limit(size)))
    return Page(items, number, size, total)


def collection(endpoint: str, rel: str, page: Page, embedded: list[dict], query: dict, **values) -> dict:
    """A page of a collection: `next`/`prev` keep the caller's query and size; `values` are the
    endpoint's own (a petition's id for its signatures)."""

    def at(number: int) -> dict:
        return link(endpoint, **values, **query, page=number, per_page=page.per_page)

    links = {"self": at(page.page)}
    if page.page < page.total_pages:
        links["next"] = at(page.page + 1)
    if page.page > 1 and page.total_pages:  # from past the end, back to the last page
        links["prev"] = at(min(page.page - 1, page.total_pages))
    links[rel] = [each["_links"]["self"] for each in embedded]
    links["curies"] = CURIES
    return {
        "total_pages": page.total_pages,
        "per_page": page.per_page,
        "page": page.page,
        "total_records": page.total_records,
        "_links": links,
        "_embedded": {rel: embedded},
    }
