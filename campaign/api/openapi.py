"""The OpenAPI 3.1 description of what the API serves today, written by hand: a generator
would need annotations on every view for four routes."""

from campaign.api.people import FILTER_HELP, MAX_PAGE_SIZE
from campaign.api.resources import HAL

_LINK = {
    "type": "object",
    "required": ["href"],
    "properties": {"href": {"type": "string"}, "title": {"type": "string"}},
}
_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}


def _json(schema_name: str, media_type: str = HAL) -> dict:
    return {"content": {media_type: {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


def _error(description: str) -> dict:
    return {"description": description, **_json("Error", "application/json")}


_REFUSED = {
    "401": _error("No key, or a key unknown, revoked or expired"),
    "429": _error("Too many calls with this key; the Retry-After header says how many seconds to wait"),
}
_PERSONAL = _REFUSED | {"403": _error("The key's scope does not reach personal data (read:people)")}

PERSON = {
    "type": "object",
    "required": ["identifiers", "created_date", "modified_date", "email_addresses", "_links"],
    "properties": {
        "identifiers": {"type": "array", "items": {"type": "string", "pattern": "^campaign_desk:[0-9]+$"}},
        "created_date": {"type": "string", "format": "date-time"},
        "modified_date": {"type": "string", "format": "date-time"},
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
        "_links": {"type": "object", "required": ["self"], "properties": {"self": _LINK}},
    },
}

PEOPLE = {
    "type": "object",
    "required": ["total_pages", "per_page", "page", "total_records", "_links", "_embedded"],
    "properties": {
        "total_pages": {"type": "integer", "minimum": 0},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        "page": {"type": "integer", "minimum": 1},
        "total_records": {"type": "integer", "minimum": 0},
        "_links": {
            "type": "object",
            "required": ["self", "osdi:people"],
            "properties": {
                "self": _LINK,
                "next": _LINK,
                "prev": _LINK,
                "osdi:people": {"type": "array", "items": _LINK},
            },
        },
        "_embedded": {
            "type": "object",
            "required": ["osdi:people"],
            "properties": {
                "osdi:people": {"type": "array", "items": {"$ref": "#/components/schemas/Person"}}
            },
        },
    },
}

ENTRY_POINT = {
    "type": "object",
    "required": [
        "motd",
        "vendor_name",
        "product_name",
        "osdi_version",
        "namespace",
        "max_page_size",
        "_links",
    ],
    "properties": {
        "motd": {"type": "string"},
        "vendor_name": {"type": "string"},
        "product_name": {"type": "string"},
        "osdi_version": {"type": "string"},
        "namespace": {"type": "string"},
        "max_page_size": {"type": "integer"},
        "_links": {
            "type": "object",
            "required": ["self"],
            "properties": {"self": _LINK, "docs": _LINK, "osdi:people": _LINK},
        },
    },
}

# What the filter takes, for generated calls: a day (up to the 28th, valid in every month) or a
# moment of it in UTC or with an offset. The API takes any date or time Python's ISO parser reads.
_DAY = "(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
_TIME = "(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?)?"
_FILTER = f"^modified_date (gt|lt|eq) '{_DAY}{_TIME}'$"

_PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {
        "name": "per_page",
        "in": "query",
        "description": f"At most {MAX_PAGE_SIZE}; more asks for {MAX_PAGE_SIZE}.",
        "schema": {"type": "integer", "minimum": 1, "default": MAX_PAGE_SIZE},
    },
    {
        "name": "filter",
        "in": "query",
        "description": FILTER_HELP,
        "schema": {"type": "string", "pattern": _FILTER},
    },
]


def description() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Campaign desk OSDI API",
            "version": "1.1.1",
            "description": "OSDI 1.1 resources in HAL+JSON, with the key in the OSDI-API-Token header, "
            "as Action Network's API v2. Examples: docs/api/ in the repository.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"osdiToken": []}],
        "paths": {
            "/": {
                "get": {
                    "summary": "The API entry point: links to what this key may read",
                    "responses": {"200": {"description": "The entry point", **_json("EntryPoint")}}
                    | _REFUSED,
                }
            },
            "/people": {
                "get": {
                    "summary": "The coalition's people, a page at a time (logged as an export)",
                    "parameters": _PAGING,
                    "responses": {
                        "200": {"description": "A page of people", **_json("People")},
                        "400": _error("A filter or paging value the API does not take"),
                    }
                    | _PERSONAL,
                }
            },
            "/people/{id}": {
                "get": {
                    "summary": "One person (logged as an export)",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                    ],
                    "responses": {
                        "200": {"description": "The person", **_json("Person")},
                        "404": _error("No such person in this key's coalition"),
                    }
                    | _PERSONAL,
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This description",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
                }
            },
        },
        "components": {
            "securitySchemes": {"osdiToken": {"type": "apiKey", "in": "header", "name": "OSDI-API-Token"}},
            "schemas": {"EntryPoint": ENTRY_POINT, "People": PEOPLE, "Person": PERSON, "Error": _ERROR},
        },
    }
