"""What the record signature helper takes: the person (api/person_input.py), and the comments,
referrer's source, consent wording and tags sent with them, each checked by the sign form's own
rules. Every problem is an ApiError 400 that names the field, before anything is recorded."""

from dataclasses import dataclass

from flask import request
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import TextAreaField
from wtforms.validators import Length

from campaign.api.errors import ApiError
from campaign.api.person_input import PersonInput, read_person
from campaign.core.forms import AppForm, plain_text, strip_whitespace
from campaign.core.text import CONTROL
from campaign.extensions import db
from campaign.petitions.forms import SignForm
from campaign.tags.models import NAME_MAX, Tag
from campaign.tags.services import fold

MAX_TAGS = 50
CONSENT_MAX_LENGTH = 1000
STATUS_WITHOUT_WORDING = (
    "person.email_addresses[0].status: to subscribe the person, send the words they agreed to "
    "as consent.wording; a status alone is not consent"
)


class ExtrasForm(AppForm):
    """Filled from JSON, not a page: the sign form's comment and source fields, and the consent."""

    class Meta:
        csrf = False

    comment = SignForm.comment
    source = SignForm.source  # one line, cut to the `?source=` length, as the form keeps it
    consent = TextAreaField(
        "consent.wording", filters=[strip_whitespace], validators=[Length(max=CONSENT_MAX_LENGTH), plain_text]
    )


OSDI_PATHS = {"comment": "comments", "source": "referrer_data.source", "consent": "consent.wording"}


@dataclass(frozen=True)
class SignatureInput:
    person: PersonInput
    comment: str
    source: str
    consent: str | None  # the wording the person agreed to; None: no consent given
    tag_ids: list[int]

    def fields(self) -> dict:
        """As the sign form's `fields_for_save()` gives them to signing.sign."""
        return {
            "first_name": self.person.given_name,
            "last_name": self.person.family_name,
            "email": self.person.email,
            "zip_code": self.person.postal_code,
            "comment": self.comment,
            "show_name": False,  # shown with the signers only if they tick that on our form
            "source": self.source,
        }


def json_body():
    """The request's JSON, whatever its content type; None if it is not JSON, or nests deeper
    than the parser goes (a RecursionError, which Flask's `silent` does not catch)."""
    try:
        return request.get_json(force=True, silent=True)
    except RecursionError:
        return None


def read_signature(body, coalition_id: int, default_source: str) -> SignatureInput:
    """The helper's body, checked; `default_source` is credited when it names no source."""
    person = read_person(body, name_and_zip_required=True)
    values = {
        "comment": _text(body, "comments"),
        "source": _text(_object(body, "referrer_data"), "source", "referrer_data.source"),
        "consent": _text(_object(body, "consent"), "wording", "consent.wording"),
    }
    form = ExtrasForm(formdata=MultiDict(values))
    form.validate()
    for name, errors in form.errors.items():
        raise ApiError(400, f"{OSDI_PATHS[name]}: {errors[0]}")
    if not form.consent.data and _asks_to_subscribe(body["person"]):
        raise ApiError(400, STATUS_WITHOUT_WORDING)
    return SignatureInput(
        person,
        form.comment.data or "",
        form.source.data or default_source,
        form.consent.data or None,
        _tag_ids(body.get("add_tags"), coalition_id),
    )


def _object(body: dict, key: str) -> dict:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(400, f"{key} must be an object")
    return value


def _text(mapping: dict, key: str, where: str | None = None) -> str:
    value = mapping.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(400, f"{where or key} must be a string")
    return value


def _asks_to_subscribe(person: dict) -> bool:
    """Action Network subscribes with `"status": "subscribed"`; here consent needs its words."""
    addresses = person.get("email_addresses") or []
    return any(each.get("status") == "subscribed" for each in addresses)  # read_person checked the list


def _tag_ids(names, coalition_id: int) -> list[int]:
    """The ids of the coalition's tags of these names (case and accents aside). A name it does
    not have is refused, not made: a key creates nothing in the organizers' list of tags."""
    if names is None:
        return []
    if not isinstance(names, list) or len(names) > MAX_TAGS:
        raise ApiError(400, f"add_tags must be a list of at most {MAX_TAGS} tag names")
    for name in names:
        if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX or CONTROL.search(name):
            raise ApiError(400, f"add_tags: each tag name is text of 1 to {NAME_MAX} characters")
    found = dict(
        db.session.execute(
            select(Tag.folded_name, Tag.id).where(
                Tag.coalition_id == coalition_id, Tag.folded_name.in_({fold(name) for name in names})
            )
        ).all()
    )
    for name in names:
        if fold(name) not in found:
            raise ApiError(
                400, f"add_tags: this coalition has no tag named “{name.strip()}”; create it first"
            )
    return sorted(set(found.values()))
