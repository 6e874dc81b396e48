"""What the person signup helper takes beside the person (OSDI's `person`, read by person_input):
the email status asked for, the consent wording the person agreed to, and the tags to add,
checked by the web forms' own rules.

Consent is never implied: `"status": "subscribed"` needs the words the person agreed to, sent as
`"consent": {"wording": "...", "language": "es"}`, and the wording alone subscribes. Action
Network's helper would subscribe on the status alone; here that is a 400 saying what to send."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from campaign.api.errors import ApiError
from campaign.api.person_input import LANGUAGES, PersonInput, first_entry, read_person
from campaign.core.forms import AppForm, plain_text, strip_whitespace
from campaign.tags.forms import TagNameForm

STATUSES = ("subscribed", "unsubscribed")
MAX_TAGS = 20  # more in one call is a mistake (a list pasted whole), and each is a write
CONSENT_EXAMPLE = '{"consent": {"wording": "the words they agreed to", "language": "en"}}'


class ConsentForm(AppForm):
    """The consent wording, as an import's organizer confirms it (supporters/forms.py)."""

    class Meta:
        csrf = False

    # Labelled with where each value sits in the body: no person sees this form, a script does.
    wording = TextAreaField(
        "consent.wording",
        filters=[strip_whitespace],
        validators=[Length(max=2000, message=_l("Keep the wording under 2,000 characters.")), plain_text],
    )
    language = SelectField("consent.language", choices=[SelectChoice(code, code) for code in LANGUAGES])


@dataclass(frozen=True)
class Consent:
    wording: str
    language: str


@dataclass(frozen=True)
class SignupInput:
    person: PersonInput
    status: str | None  # "subscribed", "unsubscribed", or None: not said
    consent: Consent | None
    tag_names: list[str]


def read_signup(body) -> SignupInput:
    """The signup in a helper's JSON body, or ApiError 400 naming the first problem."""
    person = read_person(body)
    status = first_entry(body["person"], "email_addresses", "status") or None
    if status is not None and status not in STATUSES:
        raise ApiError(400, "person.email_addresses[0].status is subscribed or unsubscribed")
    consent = _consent(body.get("consent"), person.language)
    if status == "subscribed" and consent is None:
        raise ApiError(
            400,
            "To subscribe someone, send the words they agreed to: "
            f"{CONSENT_EXAMPLE}. Nobody is subscribed without them.",
        )
    if status == "unsubscribed" and consent is not None:
        raise ApiError(
            400, "A consent wording subscribes the person: it cannot come with status unsubscribed"
        )
    return SignupInput(person, status, consent, _tag_names(body.get("add_tags")))


def _consent(consent, person_language: str) -> Consent | None:
    if consent is None:
        return None
    if not isinstance(consent, dict) or not all(isinstance(value, str) for value in consent.values()):
        raise ApiError(400, f"consent is an object of strings: {CONSENT_EXAMPLE}")
    form = ConsentForm(formdata=MultiDict({"language": person_language} | consent))
    form.validate()
    for name, errors in form.errors.items():
        raise ApiError(400, f"consent.{name}: {errors[0]}")
    if not form.wording.data:
        raise ApiError(400, f"consent.wording is the words the person agreed to: {CONSENT_EXAMPLE}")
    return Consent(form.wording.data, form.language.data or person_language)


def _tag_names(names) -> list[str]:
    """Each name as the desk's tag form takes it."""
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
