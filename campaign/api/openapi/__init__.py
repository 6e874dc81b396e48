"""The OpenAPI 3.1 description of what the API serves, written by hand, one module per resource
(each with its PATHS and SCHEMAS): a generator would need annotations on every view."""

from campaign.api.hal import HAL, MAX_PAGE_SIZE, OSDI_VERSION
from campaign.api.openapi import events, forms, letters, people, petitions, tags
from campaign.api.openapi.parts import ERROR, LINK, REFUSED, body

RESOURCES = (people, petitions, events, tags, letters, forms)

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
        "max_page_size": {"type": "integer", "const": MAX_PAGE_SIZE},
        "_links": {
            "type": "object",
            "required": ["self"],
            "properties": {"curies": {"type": "array"}},
            "additionalProperties": LINK,
        },
    },
}
_OWN_PATHS = {
    "/": {
        "get": {
            "summary": "The API entry point: links to what this key may read",
            "responses": {"200": {"description": "The entry point", **body("EntryPoint")}} | REFUSED,
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This description",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
        }
    },
}


def description() -> dict:
    paths, schemas = dict(_OWN_PATHS), {"EntryPoint": ENTRY_POINT, "Error": ERROR}
    for resource in RESOURCES:
        paths |= resource.PATHS
        schemas |= resource.SCHEMAS
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Campaign desk OSDI API",
            "version": OSDI_VERSION,
            "description": f"OSDI 1.1 resources in {HAL}, with the key in the OSDI-API-Token header, "
            "as Action Network's API v2. Examples: docs/api/ in the repository.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"osdiToken": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"osdiToken": {"type": "apiKey", "in": "header", "name": "OSDI-API-Token"}},
            "schemas": schemas,
        },
    }
