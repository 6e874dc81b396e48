"""What the API's helpers take (the person signup, record signature and record attendance
helpers, as Action Network shapes their bodies): the JSON body, OSDI's `person`, and the extras
they share, each checked by the web forms' own rules. The API takes nothing the sign form, the
RSVP form or the tags page would refuse, and every problem is an ApiError 400 naming where it
is in the body (`person.given_name: ...`, `consent.wording: ...`), before anything is recorded.

Consent has one shape for every helper, `"consent": {"wording": "...", "language": "es"}`, and
one rule (docs/api/README.md): the wording alone subscribes, `"status": "subscribed"` without
it is refused, and `"status": "unsubscribed"` cannot come with it."""

from dataclasses import dataclass

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from campaign.api.errors import ApiError
from campaign.core.forms import AppForm, email_field, known_zip, plain_text, strip_whitespace
from campaign.petitions.forms import SignForm
from campaign.tags.forms import TagNameForm

LANGUAGES = ("en", "es")
STATUSES = ("subscribed", "unsubscribed")  # of the person's email address
MAX_TAGS = 20  # more in one call is a mistake (a list pasted whole), and each is a write
SOURCE_MAX = 200  # a helper's record keeps a source this long at most (Rsvp.source)
CONSENT_MAX = 2000
CONSENT_EXAMPLE = '{"consent": {"wording": "the words they agreed to", "language": "en"}}'
STATUS = "person.email_addresses[0].status"
# Where each checked value sits in the body, for the error message.
PATHS = {
    "given_name": "person.given_name",
    "family_name": "person.family_name",
    "email": "person.email_addresses[0].address",
    "postal_code": "person.postal_addresses[0].postal_code",
    "source": "referrer_data.source",
    "comment": "comments",
    "wording": "consent.wording",
    "language": "consent.language",
}


def json_body():
    """The request's body as JSON, whatever its Content-Type (a browser form's script may send
    text/plain); None when it is not JSON: bytes that are not UTF-8, or nesting deeper than
    Python's parser recurses (`[[[[...` in a few kilobytes: a RecursionError, which Flask's
    `silent` does not catch). A body over MAX_CONTENT_LENGTH is refused before it is read (413)."""
    try:
        return request.get_json(force=True, silent=True)
    except RecursionError:
        return None


# The forms below are filled from JSON, not a page, and labelled with where each value sits in
# the body: no person sees them, a script does.


class PersonForm(AppForm):
    """The fields every public form shares, with their rules."""

    class Meta:
        csrf = False

    given_name = StringField(
        PATHS["given_name"], filters=[strip_whitespace], validators=[Length(max=80), plain_text]
    )
    family_name = StringField(
        PATHS["family_name"], filters=[strip_whitespace], validators=[Length(max=80), plain_text]
    )
    email = email_field(PATHS["email"])
    postal_code = StringField(PATHS["postal_code"], filters=[strip_whitespace], validators=[known_zip])


class ExtrasForm(AppForm):
    """What a helper's body carries beside the person: the sign form's comment, the source, and
    the consent as an import's organizer confirms it (supporters/forms.py)."""

    class Meta:
        csrf = False

    source = StringField(
        PATHS["source"], filters=[strip_whitespace], validators=[Length(max=SOURCE_MAX), plain_text]
    )
    comment = SignForm.comment
    wording = TextAreaField(
        PATHS["wording"],
        filters=[strip_whitespace],
        validators=[
            Length(max=CONSENT_MAX, message=_l("Keep the wording under 2,000 characters.")),
            plain_text,
        ],
    )
    language = SelectField(PATHS["language"], choices=[SelectChoice(code, code) for code in LANGUAGES])


@dataclass(frozen=True)
class PersonInput:
    given_name: str
    family_name: str
    email: str
    postal_code: str
    language: str


@dataclass(frozen=True)
class Consent:
    wording: str  # exactly as the caller's form showed it
    language: str


@dataclass(frozen=True)
class HelperInput:
    person: PersonInput
    status: str | None  # the email status asked for: "subscribed", "unsubscribed", or None
    consent: Consent | None  # None: no consent given, so none recorded
    tag_names: list[str]
    source: str  # referrer_data.source; "" if none
    comment: str  # `comments`, which only the record signature helper reads


def read_signup(body) -> HelperInput:
    """The person signup helper's body: an email address is all a person needs."""
    return _read(body, name_and_zip_required=False)


def read_signature(body) -> HelperInput:
    """The record signature helper's: a person as the sign form asks for one, and `comments`."""
    return _read(body, name_and_zip_required=True, comments=True)


def read_attendance(body) -> HelperInput:
    """The record attendance helper's: a person as the RSVP form asks for one, coming."""
    helper = _read(body, name_and_zip_required=True)
    if body.get("status") not in (None, "accepted"):
        raise ApiError(
            400, "status: this helper records people coming (accepted); they cancel from their email"
        )
    return helper


def _read(body, *, name_and_zip_required: bool, comments: bool = False) -> HelperInput:
    person = _person(body, name_and_zip_required)
    referrer, consent = _object(body, "referrer_data"), _consent_object(body.get("consent"))
    values = {
        "source": _text(referrer, "source", "referrer_data.source"),
        "comment": _text(body, "comments") if comments else "",
        "wording": _text(consent, "wording", "consent.wording"),
        "language": _text(consent, "language", "consent.language") or person.language,
    }
    form = ExtrasForm(formdata=MultiDict(values))
    form.validate()
    _refuse_first_error(form)
    given = Consent(form.wording.data, form.language.data) if form.wording.data else None
    if body.get("consent") is not None and given is None:
        raise ApiError(400, f"consent.wording is the words the person agreed to: {CONSENT_EXAMPLE}")
    status = _status(body["person"], given)
    return HelperInput(
        person, status, given, _tag_names(body.get("add_tags")), form.source.data, form.comment.data
    )


def _person(body, name_and_zip_required: bool) -> PersonInput:
    """OSDI's person in the body; `name_and_zip_required` as the sign and RSVP forms ask."""
    person = body.get("person") if isinstance(body, dict) else None
    if not isinstance(person, dict):
        raise ApiError(400, "The body is a JSON object with a `person` object in it")
    values = {
        "given_name": _text(person, "given_name", "person.given_name"),
        "family_name": _text(person, "family_name", "person.family_name"),
        "email": _first_entry(person, "email_addresses", "address"),
        "postal_code": _first_entry(person, "postal_addresses", "postal_code"),
    }
    form = PersonForm(formdata=MultiDict(values))
    form.validate()
    _refuse_first_error(form)
    if name_and_zip_required:
        for name in ("given_name", "postal_code"):
            if not form[name].data:
                raise ApiError(400, f"{PATHS[name]} is required")
    return PersonInput(
        form.given_name.data,
        form.family_name.data,
        form.email.data,
        form.postal_code.data,
        _language(person.get("languages_spoken")),
    )


def _status(person: dict, consent: Consent | None) -> str | None:
    """Action Network subscribes on `"status": "subscribed"` alone; here consent needs its words."""
    status = _first_entry(person, "email_addresses", "status") or None
    if status is not None and status not in STATUSES:
        raise ApiError(400, f"{STATUS} is subscribed or unsubscribed")
    if status == "subscribed" and consent is None:
        raise ApiError(
            400,
            f"{STATUS}: to subscribe someone, send the words they agreed to as consent.wording, like "
            f"{CONSENT_EXAMPLE}. Nobody is subscribed without them.",
        )
    if status == "unsubscribed" and consent is not None:
        raise ApiError(400, f"{STATUS}: a consent wording subscribes the person, so not with unsubscribed")
    return status


def _tag_names(names) -> list[str]:
    """Each name as the tags page takes it."""
    if names is None:
        return []
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ApiError(400, "add_tags is a list of tag names")
    if len(names) > MAX_TAGS:
        raise ApiError(400, f"add_tags takes at most {MAX_TAGS} names")
    checked = []
    for number, name in enumerate(names):
        form = TagNameForm(formdata=MultiDict({"name": name}), meta={"csrf": False})
        if not form.validate():
            raise ApiError(400, f"add_tags[{number}]: {form.name.errors[0]}")
        checked.append(form.name.data)
    return checked


def _refuse_first_error(form: AppForm) -> None:
    for name, errors in form.errors.items():
        raise ApiError(400, f"{PATHS[name]}: {errors[0]}")


def _object(body: dict, key: str) -> dict:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(400, f"{key} must be an object")
    return value


def _consent_object(consent) -> dict:
    if consent is None:
        return {}
    if not isinstance(consent, dict) or not all(isinstance(value, str) for value in consent.values()):
        raise ApiError(400, f"consent is an object of strings: {CONSENT_EXAMPLE}")
    return consent


def _text(mapping: dict, key: str, where: str | None = None) -> str:
    value = mapping.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(400, f"{where or key} must be a string")
    return value


def _first_entry(person: dict, key: str, field: str) -> str:
    """`field` of the primary entry of the list `key` (or of its first entry)."""
    entries = person.get(key) or []
    if not isinstance(entries, list) or not all(isinstance(each, dict) for each in entries):
        raise ApiError(400, f"person.{key} must be a list of objects")
    primary = next((each for each in entries if each.get("primary") is True), entries[0] if entries else {})
    return _text(primary, field, f"person.{key}[0].{field}")


def _language(spoken) -> str:
    """The first language we speak among those listed ("es-MX" is Spanish); English otherwise."""
    if isinstance(spoken, list):
        for tag in spoken:
            if isinstance(tag, str) and tag[:2].lower() in LANGUAGES:
                return tag[:2].lower()
    return "en"
