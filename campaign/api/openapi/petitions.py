"""OSDI petitions, their signatures and the record signature helper in the OpenAPI description."""

from campaign.api.openapi.parts import (
    BAD_HELPER_BODY,
    BAD_PAGE,
    DATE_TIME,
    IDENTIFIERS,
    LINK,
    PAGING,
    PERSONAL,
    PUBLIC,
    WRITE,
    body,
    collection,
    error,
    helper_body,
    links,
    path_id,
)
from campaign.core.urls import MAX_ID
from campaign.petitions.models import SOURCE_MAX_LENGTH

PETITION = {
    "type": "object",
    "required": [
        "identifiers",
        "origin_system",
        "created_date",
        "modified_date",
        "title",
        "petition_text",
        "browser_url",
        "total_signatures",
        "target",
        "_links",
    ],
    "properties": {
        "identifiers": IDENTIFIERS,
        "origin_system": {"type": "string"},
        "created_date": DATE_TIME,
        "modified_date": DATE_TIME,
        "title": {"type": "string"},
        "description": {"type": "string", "description": "HTML"},
        "petition_text": {"type": "string"},
        "browser_url": {"type": "string"},
        "total_signatures": {"type": "integer", "minimum": 0},
        "target": {
            "type": "array",
            "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        },
        "_links": {
            "type": "object",
            "required": ["self", "osdi:record_signature_helper"],
            "properties": {
                "self": LINK,
                "osdi:signatures": LINK,
                "osdi:record_signature_helper": LINK,
            },
        },
    },
}
_REFERRER_DATA = {
    "type": "object",
    "properties": {"source": {"type": "string", "maxLength": SOURCE_MAX_LENGTH}},
}
SIGNATURE = {
    "type": "object",
    "required": ["identifiers", "created_date", "modified_date", "_links"],
    "properties": {
        "identifiers": IDENTIFIERS,
        "created_date": DATE_TIME,
        "modified_date": DATE_TIME,
        "comments": {"type": "string"},
        "referrer_data": _REFERRER_DATA,
        "_links": links("self", "osdi:petition", "osdi:person"),
    },
}
# Closed to anything else: the answer to a write key carries no personal data, and nothing that
# tells a new signer from one who had signed.
RECORDED = {
    "type": "object",
    "required": ["origin_system", "_links"],
    "additionalProperties": False,
    "properties": {
        "origin_system": {"type": "string"},
        "referrer_data": _REFERRER_DATA,
        "_links": {
            "type": "object",
            "required": ["osdi:petition"],
            "additionalProperties": False,
            "properties": {"osdi:petition": LINK},
        },
    },
}
RECORD_SIGNATURE = helper_body(True, comments={"type": "string", "maxLength": 1000})
EXAMPLE = {
    "person": {
        "given_name": "Ana",
        "family_name": "Reyes",
        "email_addresses": [{"address": "ana.reyes@example.org"}],
        "postal_addresses": [{"postal_code": "19104"}],
        "languages_spoken": ["es"],
    },
    "comments": "My family lives here.",
    "referrer_data": {"source": "juntos"},
    "consent": {
        "wording": "Email me news and calls to action from the coalition. I can unsubscribe at any time."
    },
}

SCHEMAS = {
    "Petitions": collection("osdi:petitions", "Petition"),
    "Petition": PETITION,
    "Signatures": collection("osdi:signatures", "Signature"),
    "Signature": SIGNATURE,
    "RecordedSignature": RECORDED,
    "RecordSignature": RECORD_SIGNATURE,
}
_NOT_FOUND = error("No such petition (or a draft) in this key's coalition")


def _id(name: str = "id") -> dict:
    """A row's id: what an INTEGER holds (another number matches no route: a POST to it is a 405)."""
    return path_id(name) | {"schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}


PATHS = {
    "/petitions": {
        "get": {
            "summary": "The coalition's petitions, drafts aside, a page at a time",
            "parameters": PAGING,
            "responses": {
                "200": {"description": "A page of petitions", **body("Petitions")},
                **BAD_PAGE,
            }
            | PUBLIC,
        }
    },
    "/petitions/{id}": {
        "get": {
            "summary": "One petition",
            "parameters": [_id()],
            "responses": {"200": {"description": "The petition", **body("Petition")}, "404": _NOT_FOUND}
            | PUBLIC,
        }
    },
    "/petitions/{id}/signatures": {
        "get": {
            "summary": "The petition's confirmed signatures, a page at a time (logged as an export)",
            "parameters": [_id(), *PAGING],
            "responses": {
                "200": {"description": "A page of signatures", **body("Signatures")},
                **BAD_PAGE,
                "404": _NOT_FOUND,
            }
            | PERSONAL,
        },
        "post": {
            "summary": "The record signature helper: signs for the person, who confirms from the "
            "email unless the petition trusts the coalition's keys",
            "parameters": [_id()],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/RecordSignature"},
                        "example": EXAMPLE,
                    }
                },
            },
            "responses": {
                "201": {"description": "Recorded (the same answer for anyone)", **body("RecordedSignature")},
                **BAD_HELPER_BODY,
                "404": _NOT_FOUND,
                "409": error("The petition is closed"),
            }
            | WRITE,
        },
    },
    "/petitions/{id}/signatures/{signature_id}": {
        "get": {
            "summary": "One confirmed signature (logged as an export)",
            "parameters": [_id(), _id("signature_id")],
            "responses": {
                "200": {"description": "The signature", **body("Signature")},
                "404": error("No such confirmed signature of this petition"),
            }
            | PERSONAL,
        }
    },
}
