"""Composing and scheduling alerts; a supporter's email preferences."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from campaign.core.forms import AppForm, NoScripts, known_zip, strip_whitespace
from campaign.core.statemap import state_choices
from campaign.core.zones import DEFAULT_TIME_ZONE, LOCAL_INPUT_FORMAT, TIME_ZONE_LABELS, TIME_ZONES, to_utc
from campaign.notifications import audience

MAX_RADIUS_MILES = 500


_no_scripts = NoScripts(
    _l("Remove the script or embedded code: email cannot run it. Use text, links and formatting.")
)


class AlertForm(AppForm):
    subject = StringField(
        _l("Subject"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Write a subject.")), Length(max=200)],
    )
    body = TextAreaField(
        _l("Message"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Write the message.")), Length(max=50000), _no_scripts],
    )
    subject_es = StringField(
        _l("Subject in Spanish"), filters=[strip_whitespace], validators=[Length(max=200)]
    )
    body_es = TextAreaField(
        _l("Message in Spanish"), filters=[strip_whitespace], validators=[Length(max=50000), _no_scripts]
    )
    source = SelectField(_l("Send to"), validators=[InputRequired()])
    state = SelectField(_l("Only supporters in this state"), validators=[Optional()])
    zip_code = StringField(_l("Only supporters near this ZIP code"), filters=[strip_whitespace])
    miles = IntegerField(
        _l("Within (miles)"),
        validators=[
            Optional(),
            NumberRange(1, MAX_RADIUS_MILES, _l("Enter a distance from 1 to 500 miles.")),
        ],
    )
    submit = SubmitField(_l("Save and preview"))

    def __init__(self, coalition_id: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source.choices = [SelectChoice(value, label) for value, label in audience.options(coalition_id)]
        self.state.choices = [SelectChoice("", _l("Any state"))] + [
            SelectChoice(code, name) for code, name in state_choices()
        ]

    def validate_zip_code(self, field):
        known_zip(self, field)
        if self.miles.data and not field.data:
            raise ValidationError(_l("Enter the ZIP code to measure the distance from."))

    def validate_miles(self, field):
        if self.zip_code.data and not field.data:
            raise ValidationError(_l("Enter how many miles around the ZIP code."))

    def validate_subject_es(self, field):
        if self.body_es.data and not field.data:
            raise ValidationError(_l("Add the Spanish subject, or leave both Spanish fields empty."))

    def validate_body_es(self, field):
        if self.subject_es.data and not field.data:
            raise ValidationError(_l("Add the Spanish message, or leave both Spanish fields empty."))

    def fields_for_save(self) -> dict:
        chosen = audience.from_option(self.source.data)
        if self.state.data:
            chosen["state"] = self.state.data
        if self.zip_code.data:
            chosen.update(zip=self.zip_code.data, miles=self.miles.data)
        return {
            "subject": self.subject.data,
            "body": self.body.data,
            "subject_es": self.subject_es.data or "",
            "body_es": self.body_es.data or "",
            "audience": chosen,
        }

    def fill_from(self, alert) -> None:
        for name in ("subject", "body", "subject_es", "body_es"):
            getattr(self, name).data = getattr(alert, name)
        self.source.data = audience.option_value(alert.audience)
        self.state.data = alert.audience.get("state", "")
        self.zip_code.data = alert.audience.get("zip", "")
        self.miles.data = alert.audience.get("miles")


class ScheduleForm(AppForm):
    send_at = DateTimeLocalField(
        _l("Send on"),
        format=LOCAL_INPUT_FORMAT,
        validators=[InputRequired(_l("Choose the date and time to send."))],
    )
    time_zone = SelectField(
        _l("Time zone"), choices=TIME_ZONES, default=DEFAULT_TIME_ZONE, validators=[InputRequired()]
    )
    submit = SubmitField(_l("Schedule"))

    def validate_send_at(self, field):
        if self.time_zone.data not in TIME_ZONE_LABELS:
            return  # the time zone's own check reports it
        if field.data and self.when_utc() <= datetime.now(UTC).replace(tzinfo=None):
            raise ValidationError(_l("Choose a time in the future."))

    def when_utc(self) -> datetime:
        return to_utc(self.send_at.data, self.time_zone.data)


class RateForm(AppForm):
    messages_per_minute = IntegerField(
        _l("Messages per minute"),
        validators=[
            InputRequired(_l("Enter a number; 0 means no limit.")),
            NumberRange(0, 100000, _l("Enter a number from 0 to 100,000.")),
        ],
    )
    submit = SubmitField(_l("Save"))


class PreferencesForm(AppForm):
    subscribed = BooleanField(_l("Send me email from this coalition"))
    language = SelectField(
        _l("Language of the email"),
        choices=[SelectChoice("en", "English"), SelectChoice("es", "Español")],
        validators=[InputRequired()],
    )
    submit = SubmitField(_l("Save my choices"))


class EmptyForm(AppForm):
    """A CSRF token and a button, for actions (send, pause, cancel) that take no input."""
