"""The record attendance helper (OSDI's, as Action Network takes it): its JSON body checked by the
web forms' own rules, and the RSVP recorded through the public RSVP form's own service, with its
rules (one RSVP per person, the waitlist when full, the RSVP email, consent only when given)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, StringField, TextAreaField
from wtforms.validators import Length

from campaign.actions import rsvps
from campaign.actions.models import Event, Rsvp
from campaign.api.errors import ApiError
from campaign.api.person_input import PersonInput, read_person
from campaign.core.forms import AppForm, plain_text, strip_whitespace
from campaign.extensions import db
from campaign.tags import services as tags
from campaign.tags.models import NAME_MAX, Tag

MAX_TAGS = 20
SOURCE_MAX = 200  # Rsvp.source
CONSENT_MAX = 2000
# Where each checked value sits in the body, for the error message.
BODY_PATHS = {"source": "referrer_data.source", "consent": "consent", "add_tags": "add_tags"}


class HelperForm(AppForm):
    """What the body carries beside the person, with the forms' rules; filled from JSON, not a page."""

    class Meta:
        csrf = False

    # Labelled with where each value sits in the body: no person sees these forms, a script does.
    source = StringField(
        "referrer_data.source", filters=[strip_whitespace], validators=[Length(max=SOURCE_MAX), plain_text]
    )
    # The words the person agreed to, exactly as the caller's form showed them (several lines, maybe).
    consent = TextAreaField(
        "consent", filters=[strip_whitespace], validators=[Length(max=CONSENT_MAX), plain_text]
    )
    add_tags = FieldList(
        StringField("add_tags", filters=[strip_whitespace], validators=[Length(max=NAME_MAX)]),
        "add_tags",
        max_entries=MAX_TAGS,
    )


@dataclass(frozen=True)
class AttendanceRequest:
    person: PersonInput
    tags: list[Tag]
    source: str | None
    consent: str | None  # None: no consent given, so none recorded


def read_request(coalition_id: int, body) -> AttendanceRequest:
    """The helper's body, or ApiError 400 naming the first problem. The person needs what the
    RSVP form asks for: a first name, an email address and a ZIP code."""
    person = read_person(body, name_and_zip_required=True)
    if body.get("status") not in (None, "accepted"):
        raise ApiError(
            400, "status: this helper records people coming (accepted); they cancel from their email"
        )
    form = HelperForm(formdata=MultiDict(_form_values(body)))
    form.validate()
    for name, errors in form.errors.items():
        raise ApiError(400, f"{BODY_PATHS[name]}: {_first_error(errors)}")
    return AttendanceRequest(
        person,
        _tags_named(coalition_id, [name for name in form.add_tags.data if name]),
        form.source.data or None,
        form.consent.data or None,
    )


def _form_values(body: dict) -> list[tuple[str, str]]:
    referrer = body.get("referrer_data") or {}
    if not isinstance(referrer, dict):
        raise ApiError(400, 'referrer_data must be an object, like {"source": "newsletter"}')
    names = body.get("add_tags") or []
    if not isinstance(names, list) or len(names) > MAX_TAGS:
        raise ApiError(400, f"add_tags must be a list of at most {MAX_TAGS} tag names")
    values = [("source", _string(referrer.get("source"), "referrer_data.source"))]
    values.append(("consent", _string(body.get("consent"), "consent")))
    return values + [(f"add_tags-{index}", _string(name, "add_tags[]")) for index, name in enumerate(names)]


def _string(value, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(400, f"{where} must be a string")
    return value


def _first_error(errors) -> str:
    """A field's first message; a list's (add_tags) are per entry."""
    first = errors[0]
    return (
        next(message for entry in errors if entry for message in entry) if isinstance(first, list) else first
    )


def _tags_named(coalition_id: int, names: list[str]) -> list[Tag]:
    """The coalition's tags of these names (their case and accents aside). An unknown name is
    refused rather than made: tags are the organizers' to create, and a misspelling would add one."""
    wanted = {tags.fold(name): name for name in names}
    found = list(
        db.session.scalars(select(Tag).where(Tag.coalition_id == coalition_id, Tag.folded_name.in_(wanted)))
    )
    missing = [name for folded, name in wanted.items() if folded not in {tag.folded_name for tag in found}]
    if missing:
        raise ApiError(400, f"add_tags: this coalition has no tag named “{missing[0]}”")
    return found


def record_attendance(event: Event, request: AttendanceRequest, now: datetime) -> rsvps.Outcome:
    """The RSVP, as the public form makes it (rsvps.EventClosed if the event takes none). The
    tags go on the person only once they are on file (tags.tag's rule): an address only typed
    here, by whoever knew it, is labelled by nobody."""
    person = request.person
    fields = {
        "first_name": person.given_name,
        "last_name": person.family_name,
        "email": person.email,
        "zip_code": person.postal_code,
    }
    outcome = rsvps.rsvp(event, fields, person.language, request.consent, now, source=request.source)
    supporter_id = db.session.scalar(select(Rsvp.supporter_id).where(Rsvp.id == outcome.rsvp_id))
    for tag in request.tags:
        tags.tag([supporter_id], tag)
    return outcome
