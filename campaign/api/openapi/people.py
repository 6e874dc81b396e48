"""OSDI people in the OpenAPI description."""

from campaign.api.openapi.parts import (
    BAD_HELPER_BODY,
    DATE_TIME,
    IDENTIFIERS,
    PAGING,
    PERSONAL,
    WRITE,
    body,
    collection,
    error,
    helper_body,
    links,
    path_id,
)
from campaign.api.people import FILTER_HELP

PERSON = {
    "type": "object",
    "required": ["identifiers", "created_date", "modified_date", "email_addresses", "_links"],
    "properties": {
        "identifiers": IDENTIFIERS,
        "created_date": DATE_TIME,
        "modified_date": DATE_TIME,
        "given_name": {"type": "string"},
        "family_name": {"type": "string"},
        "languages_spoken": {"type": "array", "items": {"type": "string"}},
        "email_addresses": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["primary", "address", "status"],
                "properties": {
                    "primary": {"type": "boolean"},
                    "address": {"type": "string"},
                    "status": {"enum": ["subscribed", "unsubscribed", "bouncing"]},
                },
            },
        },
        "postal_addresses": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "primary": {"type": "boolean"},
                    "postal_code": {"type": "string"},
                    "locality": {"type": "string"},
                    "region": {"type": "string"},
                    "country": {"type": "string"},
                },
            },
        },
        "_links": links("self"),
    },
}

# What the filter takes, for generated calls: a day (up to the 28th, valid in every month) or a
# moment of it in UTC or with an offset. The API takes any date or time Python's ISO parser reads.
_DAY = "(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
_TIME = "(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?)?"
_FILTER = {
    "name": "filter",
    "in": "query",
    "description": FILTER_HELP,
    "schema": {"type": "string", "pattern": f"^modified_date (gt|lt|eq) '{_DAY}{_TIME}'$"},
}

SIGNUP = helper_body(False)
RECEIVED = {"type": "object", "required": ["notice"], "properties": {"notice": {"type": "string"}}}

SCHEMAS = {
    "People": collection("osdi:people", "Person"),
    "Person": PERSON,
    "PersonSignup": SIGNUP,
    "SignupReceived": RECEIVED,
}
PATHS = {
    "/people": {
        "get": {
            "summary": "The coalition's people, a page at a time (logged as an export)",
            "parameters": [*PAGING, _FILTER],
            "responses": {
                "200": {"description": "A page of people", **body("People")},
                "400": error("A filter or paging value the API does not take"),
            }
            | PERSONAL,
        },
        "post": {
            "summary": "The person signup helper: add a person or match them by email, and tag them",
            "requestBody": {"required": True, **body("PersonSignup", "application/json")},
            "responses": {
                "200": {
                    "description": "Received: the same answer for a new person and one on file",
                    **body("SignupReceived"),
                },
                **BAD_HELPER_BODY,
            }
            | WRITE,
        },
    },
    "/people/{id}": {
        "get": {
            "summary": "One person (logged as an export)",
            "parameters": [path_id()],
            "responses": {
                "200": {"description": "The person", **body("Person")},
                "404": error("No such person in this key's coalition"),
            }
            | PERSONAL,
        }
    },
}
