"""The form that makes an API key."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from campaign.api.models import SCOPE_LABELS
from campaign.core.forms import OnceForm, plain_text, strip_whitespace


def _in_the_future(form, field):
    if field.data and field.data <= datetime.now(UTC).date():
        raise ValidationError(
            _l("Choose a day after today, or leave it empty for a key that does not expire.")
        )


class NewKeyForm(OnceForm):
    """The form sent twice makes one key (OnceForm)."""

    name = StringField(
        _l("Name"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Name the key after what will use it.")), Length(max=120), plain_text],
    )
    scope = RadioField(
        _l("What the key may do"),
        choices=[SelectChoice(scope.value, label) for scope, label in SCOPE_LABELS.items()],
        validators=[InputRequired(_l("Choose what the key may do."))],
    )
    expires_on = DateField(_l("Last day it works"), validators=[Optional(), _in_the_future])
    submit = SubmitField(_l("Create the key"))
