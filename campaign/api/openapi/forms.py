"""OSDI forms (the coalition's public sign, sign-on and RSVP forms) in the OpenAPI description."""

from campaign.api.openapi.parts import BAD_PAGE, DATE_TIME, LINK, PAGING, PUBLIC, body, collection, error

FORM_ID = "(petition|letter|event)-[0-9]+"
FORM = {
    "type": "object",
    "required": [
        "identifiers",
        "created_date",
        "modified_date",
        "title",
        "browser_url",
        "total_submissions",
        "_links",
    ],
    "properties": {
        "identifiers": {
            "type": "array",
            "items": {"type": "string", "pattern": f"^campaign_desk:{FORM_ID}$"},
        },
        "created_date": DATE_TIME,
        "modified_date": DATE_TIME,
        "title": {"type": "string"},
        "browser_url": {"type": "string"},
        "total_submissions": {"type": "integer", "minimum": 0},
        "_links": {
            "type": "object",
            "required": ["self"],
            "properties": {
                "self": LINK,
                "osdi:petition": LINK,
                "osdi:event": LINK,
                "campaign_desk:letter": LINK,
            },
            "minProperties": 2,  # self, and the link to the record the form belongs to
        },
    },
}

SCHEMAS = {"Forms": collection("osdi:forms", "Form"), "Form": FORM}
PATHS = {
    "/forms": {
        "get": {
            "summary": "The coalition's public forms, a page at a time",
            "parameters": PAGING,
            "responses": {
                "200": {"description": "A page of forms", **body("Forms")},
                **BAD_PAGE,
            }
            | PUBLIC,
        }
    },
    "/forms/{form_id}": {
        "get": {
            "summary": "One form, named by its kind and its record's id: petition-12, letter-3, event-40",
            "parameters": [
                {
                    "name": "form_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": f"^{FORM_ID}$"},
                }
            ],
            "responses": {
                "200": {"description": "The form", **body("Form")},
                "404": error("No such public form in this key's coalition"),
            }
            | PUBLIC,
        }
    },
}
