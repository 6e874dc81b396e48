"""A person as an API caller sends one (OSDI's `person` object), checked by the web forms' own
validators: the API takes nothing the sign form or the RSVP form would refuse, and says why in
the caller's terms (`person.email_addresses[0].address: ...`)."""

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import Length

from campaign.api.errors import ApiError
from campaign.core.forms import AppForm, email_field, known_zip, plain_text, strip_whitespace

LANGUAGES = ("en", "es")
# Where each checked value sits in OSDI's person, for the error message.
OSDI_PATHS = {
    "given_name": "person.given_name",
    "family_name": "person.family_name",
    "email": "person.email_addresses[0].address",
    "postal_code": "person.postal_addresses[0].postal_code",
}


class PersonForm(AppForm):
    """The fields every public form shares, with their rules; filled from JSON, not a page."""

    class Meta:
        csrf = False

    # Labelled with where each value sits in the body: no person sees this form, a script does.
    given_name = StringField(
        OSDI_PATHS["given_name"], filters=[strip_whitespace], validators=[Length(max=80), plain_text]
    )
    family_name = StringField(
        OSDI_PATHS["family_name"], filters=[strip_whitespace], validators=[Length(max=80), plain_text]
    )
    email = email_field(OSDI_PATHS["email"])
    postal_code = StringField(OSDI_PATHS["postal_code"], filters=[strip_whitespace], validators=[known_zip])


@dataclass(frozen=True)
class PersonInput:
    given_name: str
    family_name: str
    email: str
    postal_code: str
    language: str


def read_person(body, *, name_and_zip_required: bool = False) -> PersonInput:
    """The person of a helper's JSON body, or ApiError 400 naming the first problem.
    `name_and_zip_required`: as the sign and RSVP forms ask (the signup helper needs an email only)."""
    person = body.get("person") if isinstance(body, dict) else None
    if not isinstance(person, dict):
        raise ApiError(400, "The body is a JSON object with a `person` object in it")
    values = {
        "given_name": _text(person, "given_name"),
        "family_name": _text(person, "family_name"),
        "email": first_entry(person, "email_addresses", "address"),
        "postal_code": first_entry(person, "postal_addresses", "postal_code"),
    }
    form = PersonForm(formdata=MultiDict(values))
    form.validate()
    for name, errors in form.errors.items():
        raise ApiError(400, f"{OSDI_PATHS[name]}: {errors[0]}")
    if name_and_zip_required:
        for name in ("given_name", "postal_code"):
            if not form[name].data:
                raise ApiError(400, f"{OSDI_PATHS[name]} is required")
    return PersonInput(
        form.given_name.data,
        form.family_name.data,
        form.email.data,
        form.postal_code.data,
        _language(person.get("languages_spoken")),
    )


def _text(mapping: dict, key: str, where: str = "person") -> str:
    value = mapping.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(400, f"{where}.{key} must be a string")
    return value


def first_entry(person: dict, key: str, field: str) -> str:
    """`field` of the primary entry of the list `key` (or of its first entry)."""
    entries = person.get(key) or []
    if not isinstance(entries, list) or not all(isinstance(each, dict) for each in entries):
        raise ApiError(400, f"person.{key} must be a list of objects")
    primary = next((each for each in entries if each.get("primary") is True), entries[0] if entries else {})
    return _text(primary, field, f"person.{key}[0]")


def _language(spoken) -> str:
    """The first language we speak among those listed ("es-MX" is Spanish); English otherwise."""
    if isinstance(spoken, list):
        for tag in spoken:
            if isinstance(tag, str) and tag[:2].lower() in LANGUAGES:
                return tag[:2].lower()
    return "en"
