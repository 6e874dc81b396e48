"""The forms of a pending measure: add or edit it, move its stage, set its next hearing."""

from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from campaign.core.forms import AppForm, OnceForm, plain_text, strip_whitespace
from campaign.core.zones import LOCAL_INPUT_FORMAT, to_local, to_utc
from campaign.policies import measures
from campaign.policies.forms import url_field
from campaign.policies.labels import STAGE_LABELS
from campaign.policies.models import (
    BODY_MAX,
    NAME_MAX,
    PLACE_MAX,
    SUMMARY_MAX,
    Measure,
)
from campaign.policies.picker import JurisdictionPicker


def _text(label, max_length: int, required=None):
    validators = [DataRequired(required)] if required else [Optional()]
    return StringField(
        label, filters=[strip_whitespace], validators=validators + [Length(max=max_length), plain_text]
    )


class MeasureFields(AppForm):
    """What a measure says about itself, on adding and on editing."""

    title = _text(_l("Title"), NAME_MAX, _l("Enter the measure’s title."))
    body = _text(_l("Who votes on it"), BODY_MAX, _l("Say who votes on it, e.g. City Council."))
    introduced_on = DateField(_l("Introduced on"), validators=[Optional()])
    summary_en = TextAreaField(
        _l("Summary"), filters=[strip_whitespace], validators=[Length(max=SUMMARY_MAX), plain_text]
    )
    summary_es = TextAreaField(
        _l("Summary in Spanish"), filters=[strip_whitespace], validators=[Length(max=SUMMARY_MAX), plain_text]
    )
    source_url = url_field(_l("Source (link)"))
    public = BooleanField(_l("Show it on the public tracker"))
    submit = SubmitField(_l("Save"))

    def validate_introduced_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("The date it was introduced cannot be in the future."))

    def fields_for_save(self) -> dict:
        return {name: getattr(self, name).data for name in measures.MEASURE_FIELDS} | {
            "source_url": self.source_url.data or "",
            "summary_en": self.summary_en.data or "",
            "summary_es": self.summary_es.data or "",
        }


class NewMeasureForm(JurisdictionPicker, MeasureFields, OnceForm):
    """Adds a measure where it is decided (picker.py). The form sent twice adds one (OnceForm)."""

    submit = SubmitField(_l("Add the measure"))


class EditMeasureForm(MeasureFields):
    @classmethod
    def for_measure(cls, measure: Measure) -> "EditMeasureForm":
        return cls(obj=measure)


class StageForm(AppForm):
    """Move the measure forward or back: each move is a step of its history."""

    stage = SelectField(
        _l("Stage"),
        choices=[SelectChoice(stage.value, label) for stage, label in STAGE_LABELS.items()],
        validators=[InputRequired(_l("Choose the stage."))],
    )
    reached_on = DateField(_l("On"), validators=[InputRequired(_l("Enter the date."))])
    note = _text(_l("Note"), PLACE_MAX)
    submit = SubmitField(_l("Move the measure"))

    def validate_reached_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("The date cannot be in the future: record it when it happens."))


class HearingForm(AppForm):
    """The next hearing, typed in the jurisdiction's local time."""

    when = DateTimeLocalField(
        _l("Date and time"),
        format=LOCAL_INPUT_FORMAT,
        validators=[InputRequired(_l("Enter the date and time of the hearing."))],
    )
    place = _text(_l("Place"), PLACE_MAX, _l("Say where it is, e.g. City Hall, Room 400."))
    submit = SubmitField(_l("Set the hearing"))

    def __init__(self, measure: Measure, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure

    @classmethod
    def for_measure(cls, measure: Measure) -> "HearingForm":
        return cls(
            measure,
            data={
                "when": to_local(measure.next_hearing_at, measure.time_zone),
                "place": measure.next_hearing_place,
            },
        )

    def validate_when(self, field):
        if field.data and to_utc(field.data, self.measure.time_zone) <= datetime.now(UTC).replace(
            tzinfo=None
        ):
            raise ValidationError(_l("That time has passed. Enter the date of the next hearing."))
