"""OSDI tags and taggings in the OpenAPI description."""

from campaign.api.openapi.parts import (
    BAD_PAGE,
    DATE_TIME,
    IDENTIFIERS,
    PAGING,
    PERSONAL,
    WRITE,
    body,
    collection,
    error,
    links,
    path_id,
)
from campaign.core.urls import MAX_ID

TAG = {
    "type": "object",
    "required": ["identifiers", "created_date", "modified_date", "name", "_links"],
    "properties": {
        "identifiers": IDENTIFIERS,
        "created_date": DATE_TIME,
        "modified_date": DATE_TIME,
        "name": {"type": "string"},
        "_links": links("self", "osdi:taggings"),
    },
}
TAGGING = {
    "type": "object",
    "required": ["identifiers", "created_date", "modified_date", "item_type", "_links"],
    "properties": {
        "identifiers": IDENTIFIERS,
        "created_date": DATE_TIME,
        "modified_date": DATE_TIME,
        "item_type": {"const": "osdi:person"},
        "_links": links("self", "osdi:tag", "osdi:person"),
    },
}
TAGGING_ASKED = {
    "type": "object",
    "required": ["item_type", "_links"],
    "properties": {"item_type": {"const": "osdi:person"}, "_links": links("osdi:tag", "osdi:person")},
    "additionalProperties": False,
}
NEW_TAGGING = {
    "type": "object",
    "required": ["_links"],
    "properties": {"_links": links("osdi:person")},
}

SCHEMAS = {
    "Tags": collection("osdi:tags", "Tag"),
    "Tag": TAG,
    "Taggings": collection("osdi:taggings", "Tagging"),
    "Tagging": TAGGING,
    "NewTagging": NEW_TAGGING,
    "TaggingAsked": TAGGING_ASKED,
}
_NO_TAG = {"404": error("No such tag in this key's coalition")}
PATHS = {
    "/tags": {
        "get": {
            "summary": "The coalition's tags, a page at a time",
            "parameters": PAGING,
            "responses": {
                "200": {"description": "A page of tags", **body("Tags")},
                **BAD_PAGE,
            }
            | PERSONAL,
        }
    },
    "/tags/{tag_id}": {
        "get": {
            "summary": "One tag",
            "parameters": [path_id("tag_id")],
            "responses": {"200": {"description": "The tag", **body("Tag")}} | _NO_TAG | PERSONAL,
        }
    },
    "/tags/{tag_id}/taggings": {
        "get": {
            "summary": "The people on file carrying the tag, a page at a time (logged as an export)",
            "parameters": [path_id("tag_id"), *PAGING],
            "responses": {
                "200": {"description": "A page of taggings", **body("Taggings")},
                **BAD_PAGE,
            }
            | _NO_TAG
            | PERSONAL,
        },
        "post": {
            "summary": "Tag a person on file (twice is one tagging), the same answer whoever the link names",
            # Beyond the largest id a POST finds no route of its own and meets the GET's: a 405.
            "parameters": [path_id("tag_id") | {"schema": {"type": "integer", "maximum": MAX_ID}}],
            "requestBody": {"required": True, **body("NewTagging", "application/json")},
            "responses": {
                "200": {"description": "What was asked, linked", **body("TaggingAsked")},
                "400": error("No link to a person of this API"),
            }
            | _NO_TAG
            | WRITE,
        },
    },
    "/tags/{tag_id}/taggings/{tagging_id}": {
        "get": {
            "summary": "One tagging (logged as an export)",
            "parameters": [path_id("tag_id"), path_id("tagging_id")],
            "responses": {
                "200": {"description": "The tagging", **body("Tagging")},
                "404": error("No such tag, or no such tagging of a person on file"),
            }
            | PERSONAL,
        }
    },
}
