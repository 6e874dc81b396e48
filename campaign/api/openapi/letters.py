"""Sign-on letters and their signatories (our own `campaign_desk:` collections) in the OpenAPI description."""

from campaign.api.openapi.parts import (
    BAD_PAGE,
    DATE_TIME,
    IDENTIFIERS,
    PAGING,
    PUBLIC,
    body,
    collection,
    error,
    links,
    path_id,
)
from campaign.letters.models import LetterState, SignerKind
from campaign.organizations.models import Sector

TEXT = {"type": "string", "minLength": 1}
LETTER = {
    "type": "object",
    "required": [
        "identifiers",
        "created_date",
        "modified_date",
        "title",
        "browser_url",
        "status",
        "total_signatories",
        "targets",
        "_links",
    ],
    "properties": {
        "identifiers": IDENTIFIERS,
        "created_date": DATE_TIME,
        "modified_date": DATE_TIME,
        "title": {"type": "string"},
        "browser_url": {"type": "string"},
        "status": {"enum": [state.value for state in LetterState if state != LetterState.DRAFT]},
        "total_signatories": {"type": "integer", "minimum": 0},
        "targets": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": TEXT, "title": TEXT, "organization": TEXT},
                "additionalProperties": False,
            },
        },
        "_links": links("self", "campaign_desk:signatories"),
    },
}
SIGNATORY = {
    "type": "object",
    "required": ["identifiers", "created_date", "name", "signer_type", "_links"],
    "properties": {
        "identifiers": IDENTIFIERS,
        "created_date": DATE_TIME,
        "name": TEXT,
        "signer_type": {"enum": [kind.value for kind in SignerKind]},
        "sector": {"enum": [sector.value for sector in Sector]},
        "locality": TEXT,
        "region": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "_links": links("self", "campaign_desk:letter"),
    },
    # Public data only: nothing else about a signer (their email, their title) is ever added.
    "additionalProperties": False,
}

SCHEMAS = {
    "Letters": collection("campaign_desk:letters", "Letter"),
    "Letter": LETTER,
    "Signatories": collection("campaign_desk:signatories", "Signatory"),
    "Signatory": SIGNATORY,
}
_NO_LETTER = {"404": error("No such public letter in this key's coalition")}
PATHS = {
    "/letters": {
        "get": {
            "summary": "The coalition's public sign-on letters, a page at a time",
            "parameters": PAGING,
            "responses": {"200": {"description": "A page of letters", **body("Letters")}} | BAD_PAGE | PUBLIC,
        }
    },
    "/letters/{letter_id}": {
        "get": {
            "summary": "One public letter",
            "parameters": [path_id("letter_id")],
            "responses": {"200": {"description": "The letter", **body("Letter")}} | _NO_LETTER | PUBLIC,
        }
    },
    "/letters/{letter_id}/signatories": {
        "get": {
            "summary": "The letter's listed signatories, as its public page lists them",
            "parameters": [path_id("letter_id"), *PAGING],
            "responses": {"200": {"description": "A page of signatories", **body("Signatories")}}
            | BAD_PAGE
            | _NO_LETTER
            | PUBLIC,
        }
    },
    "/letters/{letter_id}/signatories/{signatory_id}": {
        "get": {
            "summary": "One listed signatory",
            "parameters": [path_id("letter_id"), path_id("signatory_id")],
            "responses": {
                "200": {"description": "The signatory", **body("Signatory")},
                "404": error("No such public letter, or no such listed signatory of it"),
            }
            | PUBLIC,
        }
    },
}
