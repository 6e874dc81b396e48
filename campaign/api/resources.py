"""OSDI 1.1 resources in HAL+JSON: the API entry point, people and their collection."""

from datetime import datetime

from flask import url_for

from campaign.api.models import Scope
from campaign.api.people import MAX_PAGE_SIZE, Page
from campaign.core.places import place_of
from campaign.supporters.models import Supporter

HAL = "application/hal+json"
OSDI_VERSION = "1.1.1"
NAMESPACE = "campaign_desk"  # of our identifiers ("campaign_desk:12") and any extension of ours
CURIES = [{"name": "osdi", "href": "https://opensupporter.github.io/osdi-docs/{rel}", "templated": True}]


def _link(endpoint: str, title: str | None = None, **values) -> dict:
    link = {"href": url_for(endpoint, _external=True, **values)}
    if title:
        link["title"] = title
    return link


def entry_point(scope: Scope) -> dict:
    """Links only to what exists and what this key may read."""
    links = {
        "curies": CURIES,
        "self": _link("api.entry_point", "This API entry point"),
        "docs": _link("api.openapi", "The OpenAPI description of this API"),
    }
    if Scope.READ_PEOPLE in scope.grants:
        links["osdi:people"] = _link("api.people", "The collection of people in the system")
    return {
        "motd": "Welcome to the Campaign desk OSDI API entry point",
        "vendor_name": "Campaign desk",
        "product_name": "Campaign desk",
        "osdi_version": OSDI_VERSION,
        "namespace": NAMESPACE,
        "max_page_size": MAX_PAGE_SIZE,
        "_links": links,
    }


def timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def person(supporter: Supporter, status: str) -> dict:
    """A person as OSDI names their fields; a field we do not know is left out, as OSDI allows."""
    names = {"given_name": supporter.first_name, "family_name": supporter.last_name}
    return {
        "identifiers": [f"{NAMESPACE}:{supporter.id}"],
        "created_date": timestamp(supporter.created_at),
        "modified_date": timestamp(supporter.updated_at),
        **{field: value for field, value in names.items() if value},
        "languages_spoken": [supporter.language],
        "email_addresses": [{"primary": True, "address": supporter.email, "status": status}],
        "postal_addresses": _postal_addresses(supporter.zip_code),
        "_links": {"self": _link("api.person", person_id=supporter.id)},
    }


def _postal_addresses(zip_code: str | None) -> list[dict]:
    if not zip_code:
        return []
    address = {"primary": True, "postal_code": zip_code, "country": "US"}
    place = place_of(zip_code)
    if place is not None:
        address |= {"locality": place.city, "region": place.state}
    return [address]


def people(page: Page, query: dict) -> dict:
    """A page of the collection, its `next`/`prev` links keeping the caller's filter and size."""
    links = {"self": _link("api.people", **query, page=page.page, per_page=page.per_page)}
    if page.page < page.total_pages:
        links["next"] = _link("api.people", **query, page=page.page + 1, per_page=page.per_page)
    if page.page > 1 and page.total_pages:  # from past the end, back to the last page
        previous = min(page.page - 1, page.total_pages)
        links["prev"] = _link("api.people", **query, page=previous, per_page=page.per_page)
    embedded = [person(each, page.statuses[each.id]) for each in page.people]
    links["osdi:people"] = [each["_links"]["self"] for each in embedded]
    links["curies"] = CURIES
    return {
        "total_pages": page.total_pages,
        "per_page": page.per_page,
        "page": page.page,
        "total_records": page.total_records,
        "_links": links,
        "_embedded": {"osdi:people": embedded},
    }
