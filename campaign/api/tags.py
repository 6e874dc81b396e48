"""The coalition's tags and taggings as the API reads and shows them (OSDI tags and taggings).

A tagging is shown only for a person on file: whoever is erased, or only typed into a public
form, carries no tagging here, whatever the table holds."""

from urllib.parse import urlsplit

from flask import current_app, request
from sqlalchemy import Select, select
from werkzeug.exceptions import HTTPException

from campaign.api.errors import ApiError
from campaign.api.hal import Page, collection, identifiers, link, page_of, timestamp
from campaign.extensions import db
from campaign.supporters.models import Supporter
from campaign.supporters.services import on_file
from campaign.tags.models import Tag, Tagging

PERSON_LINK = "_links.osdi:person.href"


def page_of_tags(coalition_id: int, number: int, size: int) -> Page:
    return page_of(select(Tag).where(Tag.coalition_id == coalition_id), Tag.id, number, size)


def _taggings(tag: Tag) -> Select:
    people_on_file = on_file(tag.coalition_id, Supporter.id)
    return select(Tagging).where(Tagging.tag_id == tag.id, Tagging.supporter_id.in_(people_on_file))


def page_of_taggings(tag: Tag, number: int, size: int) -> Page:
    return page_of(_taggings(tag), Tagging.id, number, size)


def tagging(tag: Tag, tagging_id: int) -> Tagging | None:
    return db.session.scalar(_taggings(tag).where(Tagging.id == tagging_id))


def linked_person_id(body) -> int:
    """The id of the person a new tagging's body links to, as OSDI posts it:
    `{"_links": {"osdi:person": {"href": ".../api/v1/people/12"}}}`. Only the link's path is read:
    a script may have built it from another copy of the URL (http behind a proxy)."""
    links = body.get("_links") if isinstance(body, dict) else None
    person = links.get("osdi:person") if isinstance(links, dict) else None
    href = person.get("href") if isinstance(person, dict) else None
    if not isinstance(href, str):
        raise ApiError(
            400, f"The body is a JSON object with {PERSON_LINK}, a link to one of this API's people"
        )
    try:
        endpoint, values = current_app.create_url_adapter(request).match(urlsplit(href).path, method="GET")
    except (HTTPException, ValueError):
        endpoint, values = None, {}
    if endpoint != "api.people.show":
        raise ApiError(400, f"{PERSON_LINK} is not a link to one of this API's people")
    return values["person_id"]


def tag_resource(tag: Tag) -> dict:
    return {
        "identifiers": identifiers(tag.id),
        "created_date": timestamp(tag.created_at),
        "modified_date": timestamp(tag.updated_at),
        "name": tag.name,
        "_links": {
            "self": link("api.tags.show", tag_id=tag.id),
            "osdi:taggings": link("api.tags.taggings", tag_id=tag.id),
        },
    }


def tagging_resource(tagging: Tagging) -> dict:
    """A tagging is made and deleted, never changed: it was last modified when it was made."""
    made = timestamp(tagging.created_at)
    return {
        "identifiers": identifiers(tagging.id),
        "created_date": made,
        "modified_date": made,
        "item_type": "osdi:person",
        "_links": {
            "self": link("api.tags.tagging", tag_id=tagging.tag_id, tagging_id=tagging.id),
            "osdi:tag": link("api.tags.show", tag_id=tagging.tag_id),
            "osdi:person": link("api.people.show", person_id=tagging.supporter_id),
        },
    }


def tagging_asked(tag: Tag, person_id: int) -> dict:
    """The answer to a new tagging: what was asked, linked, whether or not it named anyone."""
    return {
        "item_type": "osdi:person",
        "_links": {
            "osdi:tag": link("api.tags.show", tag_id=tag.id),
            "osdi:person": link("api.people.show", person_id=person_id),
        },
    }


def tags_resource(page: Page) -> dict:
    return collection("api.tags.index", "osdi:tags", page, [tag_resource(each) for each in page.items], {})


def taggings_resource(tag: Tag, page: Page) -> dict:
    embedded = [tagging_resource(each) for each in page.items]
    return collection("api.tags.taggings", "osdi:taggings", page, embedded, {}, tag_id=tag.id)
