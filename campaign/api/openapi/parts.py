"""What every resource's OpenAPI fragment is made of: links, errors, paging, collections."""

from campaign.api.hal import HAL, MAX_PAGE_SIZE
from campaign.api.helper_input import CONSENT_MAX, LANGUAGES, MAX_TAGS, SOURCE_MAX, STATUSES
from campaign.tags.models import NAME_MAX

LINK = {
    "type": "object",
    "required": ["href"],
    "properties": {"href": {"type": "string"}, "title": {"type": "string"}},
}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
IDENTIFIERS = {"type": "array", "items": {"type": "string", "pattern": "^campaign_desk:[0-9]+$"}}
DATE_TIME = {"type": "string", "format": "date-time"}
STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
NAME = {"type": "string", "maxLength": 80}


def links(*rels: str) -> dict:
    """A resource's `_links`, each of `rels` required."""
    return {"type": "object", "required": list(rels), "properties": {rel: LINK for rel in rels}}


def body(schema_name: str, media_type: str = HAL) -> dict:
    return {"content": {media_type: {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


def error(description: str) -> dict:
    return {"description": description, **body("Error", "application/json")}


REFUSED = {
    "401": error("No key, or a key unknown, revoked or expired"),
    "429": error("Too many calls with this key; the Retry-After header says how many seconds to wait"),
}
# A write key reads nothing: every GET but the entry point answers it 403.
PUBLIC = REFUSED | {"403": error("A write key reads nothing, counts included: use a read:counts key")}
PERSONAL = REFUSED | {
    "403": error("The key's scope does not reach personal data (read:people); a write key reads nothing")
}
WRITE = REFUSED | {"403": error("The key's scope does not allow recording (write)")}
BAD_PAGE = {"400": error("A paging value the API does not take")}
BAD_HELPER_BODY = {
    "400": error(
        "A body the helper does not take (the message names where in the body), or status subscribed "
        "without a consent wording"
    ),
    "413": error("The body is too large"),
}

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


def helper_body(name_and_zip_required: bool, **properties) -> dict:
    """The body every helper takes (api/helper_input.py): OSDI's person, its source, tags and
    consent, and `properties` of its own. The sign and RSVP forms need a name and a ZIP code."""
    postal_address = {"type": "object", "properties": {"postal_code": STRING, "primary": BOOLEAN}}
    postal_addresses = {"type": "array", "items": postal_address}
    if name_and_zip_required:
        postal_address["required"] = ["postal_code"]
        postal_addresses["minItems"] = 1
    email_address = {
        "type": "object",
        "required": ["address"],
        "properties": {
            "address": {"type": "string", "format": "email", "maxLength": 254},
            "primary": BOOLEAN,
            "status": {
                "enum": list(STATUSES),
                "description": "subscribed needs a consent wording; unsubscribed unsubscribes the person",
            },
        },
    }
    person = {
        "type": "object",
        "required": ["given_name", "email_addresses", "postal_addresses"]
        if name_and_zip_required
        else ["email_addresses"],
        "properties": {
            "given_name": NAME,
            "family_name": NAME,
            "email_addresses": {"type": "array", "minItems": 1, "items": email_address},
            "postal_addresses": postal_addresses,
            "languages_spoken": {"type": "array", "items": STRING},
        },
    }
    return {
        "type": "object",
        "required": ["person"],
        "properties": {
            "person": person,
            "referrer_data": {
                "type": "object",
                "properties": {"source": {"type": "string", "maxLength": SOURCE_MAX}},
            },
            "add_tags": {
                "type": "array",
                "maxItems": MAX_TAGS,
                "description": "Names of the coalition's tags, found whatever their case and accents. "
                "A name it has no tag of is ignored and the answer does not say so: helpers never "
                "make tags",
                "items": {"type": "string", "minLength": 1, "maxLength": NAME_MAX},
            },
            "consent": {
                "type": "object",
                "description": "The words the person agreed to, and their language (the person's by "
                "default): the only way to subscribe them. Someone who unsubscribed stays unsubscribed.",
                "required": ["wording"],
                "properties": {
                    "wording": {"type": "string", "minLength": 1, "maxLength": CONSENT_MAX},
                    "language": {"enum": list(LANGUAGES)},
                },
            },
            **properties,
        },
    }
