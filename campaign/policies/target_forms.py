"""The form that aims a campaign at a jurisdiction (picked as every policies form picks one,
picker.py), with the officials it addresses and the measure it is trying to win."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from campaign.core.forms import AppForm, plain_text, strip_whitespace
from campaign.policies.models import OFFICIALS_MAX
from campaign.policies.picker import JurisdictionPicker


def _optional_int(value):
    return int(value) if value not in (None, "", "None") and str(value).isdigit() else None


class TargetForm(JurisdictionPicker, AppForm):
    officials = StringField(
        _l("Officials addressed"),
        description=_l("For example: the sheriff, the county board."),
        filters=[strip_whitespace],
        validators=[Length(max=OFFICIALS_MAX), plain_text],
    )
    measure_id = SelectField(
        _l("The measure it is trying to win"), coerce=_optional_int, validators=[Optional()]
    )

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.measure_id.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(measure.id, measure.title) for measure in measures
        ]
