"""The organizers' forms: a policy entry (its place picked by picker.py) and the tracker's sharing."""

from datetime import date, timedelta
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from campaign.actions.forms import CheckboxesField
from campaign.core.forms import AppForm, OnceForm, plain_text, strip_whitespace
from campaign.policies import upkeep
from campaign.policies.labels import CONDITION_LABELS, KIND_LABELS, STATUS_LABELS
from campaign.policies.models import (
    BODY_MAX,
    NAME_MAX,
    SOURCE_TITLE_MAX,
    STATUSES,
    SUMMARY_MAX,
    URL_MAX,
    DetainerCondition,
    PolicyKind,
)
from campaign.policies.picker import JurisdictionPicker

# What the form writes on an entry, as services.ENTRY_FIELDS names them.
TEXT_FIELDS = ("name", "body", "summary_en", "summary_es", "source_url", "source_title")
DATE_FIELDS = ("adopted_on", "effective_on", "ended_on")
FIRST_YEAR = 1900
YEARS_AHEAD = 5  # a law may be adopted to take effect years later; not decades


def _text(label, max_length: int) -> StringField:
    return StringField(label, filters=[strip_whitespace], validators=[Length(max=max_length), plain_text])


def _summary(label) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[strip_whitespace],
        validators=[Length(max=SUMMARY_MAX), plain_text],
        render_kw={"rows": 3, "maxlength": SUMMARY_MAX},
    )


def _date(label) -> DateField:
    return DateField(label, validators=[Optional()])


def web_address(form, field):
    """Only links a reader can follow: http and https, never javascript: or data:."""
    if not field.data:
        return
    try:
        parts = urlsplit(field.data)
    except ValueError:  # "http://[": an unclosed IPv6 address
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError(_l("Enter a web address starting with https:// or http://."))


def url_field(label) -> URLField:
    return URLField(label, filters=[strip_whitespace], validators=[Length(max=URL_MAX), web_address])


def latest_date() -> date:
    """The latest date an entry may carry: a law may be adopted to take effect years later."""
    return date.today() + timedelta(days=365 * YEARS_AHEAD)


def _plausible(field) -> None:
    if field.data and not date(FIRST_YEAR, 1, 1) <= field.data <= latest_date():
        raise ValidationError(
            _l("Enter a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=latest_date().year)
        )


def _status_choices() -> list[SelectChoice]:
    """Every kind's statuses, grouped under their kind: without a script, the organizer sees
    which belong together (static/js/policy_entry.js hides the other kinds' groups)."""
    return [
        SelectChoice(status, STATUS_LABELS[(kind, status)], optgroup=str(KIND_LABELS[kind]))
        for kind, statuses in STATUSES.items()
        for status in statuses
    ]


class EntryFields:
    """What an entry says: its kind and status, dates, summaries and sources."""

    kind = SelectField(
        _l("Kind of policy"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[InputRequired(_l("Choose the kind of policy."))],
    )
    status = SelectField(_l("Status"), validators=[InputRequired(_l("Choose the status."))])
    conditions = CheckboxesField(
        _l("Conditions for honoring a hold"),
        choices=[SelectChoice(str(int(flag)), label) for flag, label in CONDITION_LABELS.items()],
    )
    name = _text(_l("Name of the law, order or resolution"), NAME_MAX)
    body = _text(_l("Who adopted it"), BODY_MAX)
    votes_for = IntegerField(_l("Votes for"), validators=[Optional(), NumberRange(0, 1000)])
    votes_against = IntegerField(_l("Votes against"), validators=[Optional(), NumberRange(0, 1000)])
    adopted_on = _date(_l("Adopted or signed on"))
    effective_on = _date(_l("In effect from"))
    ended_on = _date(_l("Ended or terminated on"))
    summary_en = _summary(_l("Summary in English"))
    summary_es = _summary(_l("Summary in Spanish"))
    source_url = url_field(_l("Source web address"))
    source_title = _text(_l("Title of the source"), SOURCE_TITLE_MAX)
    source_pdf = FileField(_l("The source as a PDF"), render_kw={"accept": "application/pdf,.pdf"})
    public = BooleanField(_l("Show it on our public tracker"))
    verified_on = _date(_l("Checked against its source on"))

    pdf_data: bytes | None = None

    def set_statuses(self) -> None:
        self.status.choices = [SelectChoice("", _l("Choose…")), *_status_choices()]

    def validate_status(self, field):
        if self.kind.data in set(PolicyKind) and field.data not in STATUSES[PolicyKind(self.kind.data)]:
            raise ValidationError(
                _l("Choose a status of the kind “%(kind)s”.", kind=KIND_LABELS[PolicyKind(self.kind.data)])
            )

    def validate_adopted_on(self, field):
        _plausible(field)

    def validate_effective_on(self, field):
        _plausible(field)

    def validate_ended_on(self, field):
        _plausible(field)
        started = self.adopted_on.data or self.effective_on.data
        if field.data and started and field.data < started:
            raise ValidationError(_l("The end cannot be before the policy was adopted or took effect."))

    def validate_verified_on(self, field):
        if field.data and not date(FIRST_YEAR, 1, 1) <= field.data <= date.today():
            raise ValidationError(_l("Enter the day it was checked: today or before."))

    def validate_source_pdf(self, field):
        if not field.data:
            return
        try:
            self.pdf_data = upkeep.check_pdf(field.data.stream.read(upkeep.PDF_MAX_BYTES + 1))
        except upkeep.NotAPdf as refused:
            raise ValidationError(_l("Choose a PDF file under 10 MB.")) from refused

    def entry_fields(self) -> dict:
        """The fields as services.record_entry and edit_entry take them."""
        fields = {name: getattr(self, name).data or "" for name in TEXT_FIELDS}
        fields |= {name: getattr(self, name).data for name in (*DATE_FIELDS, "verified_on")}
        fields |= {name: getattr(self, name).data for name in ("votes_for", "votes_against")}
        flags = DetainerCondition(0)
        for value in self.conditions.data or ():
            flags |= DetainerCondition(int(value))
        return fields | {
            "kind": self.kind.data,
            "status": self.status.data,
            "conditions": int(flags),
            "public": bool(self.public.data),
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid and self.source_pdf.data and not self.source_pdf.errors:
            # A browser cannot refill a file input; say so rather than drop the PDF silently.
            self.source_pdf.errors.append(
                _l("Choose the PDF again: it was not saved because of the other errors.")
            )
        return valid


class NewEntryForm(EntryFields, JurisdictionPicker, OnceForm):
    submit = SubmitField(_l("Record the policy"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_statuses()


class EditEntryForm(EntryFields, AppForm):
    change_source = url_field(_l("Source of this change"))
    submit = SubmitField(_l("Save the changes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_statuses()

    @classmethod
    def for_entry(cls, entry):
        values = {name: getattr(entry, name) for name in (*TEXT_FIELDS, *DATE_FIELDS, "verified_on")}
        conditions = [str(int(flag)) for flag in DetainerCondition if entry.conditions & flag]
        return cls(
            **values, kind=entry.kind, status=entry.status, conditions=conditions,
            votes_for=entry.votes_for, votes_against=entry.votes_against, public=entry.public,
            change_source=entry.source_url,
        )  # fmt: skip


class ShareTrackerForm(AppForm):
    shared = BooleanField(_l("Share our tracker publicly"))
    submit = SubmitField(_l("Save"))


class ConfirmForm(AppForm):
    """A button that changes something (delete, mark verified): a POST with its CSRF token."""

    submit = SubmitField(_l("Confirm"))
