"""The forms of the webhooks pages: an endpoint, its secret's rotation, the personal-data setting."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from campaign.actions.forms import CheckboxesField
from campaign.api.webhooks.addresses import RefusedAddress, check_url
from campaign.api.webhooks.models import EVENT_LABELS
from campaign.core.forms import AppForm, OnceForm, plain_text, strip_whitespace


def _allowed_address(form, field):
    if field.data:
        try:
            check_url(field.data)
        except RefusedAddress as refused:
            raise ValidationError(str(refused)) from None


def _some_event(form, field):
    if not field.data:
        raise ValidationError(_l("Choose at least one event to send."))


class EndpointForm(AppForm):
    name = StringField(
        _l("Name"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Name the endpoint after what receives it.")),
            Length(max=120),
            plain_text,
        ],
    )
    url = StringField(
        _l("Address (URL)"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter the address that receives the events.")), _allowed_address],
    )
    events = CheckboxesField(
        _l("Events to send"),
        choices=[SelectChoice(value, label) for value, label in EVENT_LABELS.items()],
        validators=[_some_event],
    )
    batch = BooleanField(_l("Send events in batches: up to 100 in one request, as a JSON array"))
    submit = SubmitField(_l("Save the endpoint"))

    def fields_for_save(self) -> dict:
        return {
            "name": self.name.data,
            "url": self.url.data,
            "events": self.events.data,
            "batch": self.batch.data,
        }


class NewEndpointForm(EndpointForm, OnceForm):
    """The form sent twice makes one endpoint (OnceForm)."""

    submit = SubmitField(_l("Add the endpoint"))


class RotateForm(OnceForm):
    """The form sent twice rotates once: a second rotation would retire the secret just shown."""

    submit = SubmitField(_l("Rotate the secret"))


class PersonalDataForm(AppForm):
    personal_data = BooleanField(_l("Webhooks may carry personal data"))
    submit = SubmitField(_l("Save the setting"))
