"""What every resource's OpenAPI fragment is made of: links, errors, paging, collections."""

from campaign.api.hal import HAL, MAX_PAGE_SIZE

LINK = {
    "type": "object",
    "required": ["href"],
    "properties": {"href": {"type": "string"}, "title": {"type": "string"}},
}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
IDENTIFIERS = {"type": "array", "items": {"type": "string", "pattern": "^campaign_desk:[0-9]+$"}}
DATE_TIME = {"type": "string", "format": "date-time"}


def body(schema_name: str, media_type: str = HAL) -> dict:
    return {"content": {media_type: {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


def error(description: str) -> dict:
    return {"description": description, **body("Error", "application/json")}


REFUSED = {
    "401": error("No key, or a key unknown, revoked or expired"),
    "429": error("Too many calls with this key; the Retry-After header says how many seconds to wait"),
}
PERSONAL = REFUSED | {"403": error("The key's scope does not reach personal data (read:people)")}
WRITE = REFUSED | {"403": error("The key's scope does not allow recording (write)")}

PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {
        "name": "per_page",
        "in": "query",
        "description": f"At most {MAX_PAGE_SIZE}; more asks for {MAX_PAGE_SIZE}.",
        "schema": {"type": "integer", "minimum": 1, "default": MAX_PAGE_SIZE},
    },
]


def path_id(name: str = "id") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def collection(rel: str, item_schema: str) -> dict:
    """The schema of a page of a collection whose items are `item_schema`, embedded under `rel`."""
    return {
        "type": "object",
        "required": ["total_pages", "per_page", "page", "total_records", "_links", "_embedded"],
        "properties": {
            "total_pages": {"type": "integer", "minimum": 0},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "page": {"type": "integer", "minimum": 1},
            "total_records": {"type": "integer", "minimum": 0},
            "_links": {
                "type": "object",
                "required": ["self", rel],
                "properties": {
                    "self": LINK,
                    "next": LINK,
                    "prev": LINK,
                    rel: {"type": "array", "items": LINK},
                },
            },
            "_embedded": {
                "type": "object",
                "required": [rel],
                "properties": {
                    rel: {"type": "array", "items": {"$ref": f"#/components/schemas/{item_schema}"}}
                },
            },
        },
    }
