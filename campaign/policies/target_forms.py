"""The form that aims a campaign at a jurisdiction: a state, a county or a city, asked again
when a county's name means several. The entries' form (forms.py) picks places the same way."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from campaign.core.forms import AppForm, plain_text, strip_whitespace
from campaign.policies import places
from campaign.policies.models import NAME_MAX, OFFICIALS_MAX, JurisdictionKind

LEVELS = [
    SelectChoice(JurisdictionKind.STATE.value, _l("The state")),
    SelectChoice(JurisdictionKind.COUNTY.value, _l("A county")),
    SelectChoice(JurisdictionKind.CITY.value, _l("A city")),
]


def _optional_int(value):
    return int(value) if value not in (None, "", "None") and str(value).isdigit() else None


def _county_name(county: places.County) -> str:
    if county.is_city:
        return _("%(name)s (independent city)", name=county.name)
    return _("%(name)s County", name=county.name)


class TargetForm(AppForm):
    level = RadioField(_l("Aimed at"), choices=LEVELS, default=JurisdictionKind.COUNTY.value)
    state = SelectField(_l("State"), validators=[DataRequired(_l("Choose the state."))])
    name = StringField(
        _l("County or city"),
        description=_l(
            "For a county, its name (Los Angeles); for a city, the city’s name (Oakland). "
            "Empty for the state."
        ),
        filters=[strip_whitespace],
        validators=[Length(max=NAME_MAX), plain_text],
    )
    county = StringField(
        _l("The city’s county"),
        description=_l("Only for a city: the county it is in (Alameda)."),
        filters=[strip_whitespace],
        validators=[Length(max=NAME_MAX), plain_text],
    )
    # Shown only when the county's name means several in the state: which one.
    county_fips = SelectField(_l("Which county?"))
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
        self.state.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(code, name)
            for code, name in sorted(places.states().items(), key=lambda item: item[1])
        ]
        self.measure_id.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(measure.id, measure.title) for measure in measures
        ]
        named = self._named()
        several = named if len(named) > 1 else ()
        self.county_fips.choices = [SelectChoice(county.fips, _county_name(county)) for county in several]
        self.fips = None  # the state's or county's, once validated

    def _county_field(self):
        return self.name if self.level.data == JurisdictionKind.COUNTY else self.county

    def _named(self) -> tuple[places.County, ...]:
        """The counties the typed county name can mean in the chosen state."""
        if self.level.data not in (JurisdictionKind.COUNTY, JurisdictionKind.CITY):
            return ()
        return places.counties_named(self._county_field().data or "", self.state.data or "")

    def validate_name(self, field):
        if self.level.data != JurisdictionKind.STATE and not field.data:
            raise ValidationError(_l("Enter the county’s or the city’s name."))

    def validate_county(self, field):
        if self.level.data == JurisdictionKind.CITY and not field.data:
            raise ValidationError(_l("Enter the county the city is in."))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.level.data == JurisdictionKind.STATE:
            self.fips = places.state_fips(self.state.data)
            return True
        found = self._named()
        if not found:
            self._county_field().errors.append(
                _l("No county of that name in this state. Check the spelling.")
            )
            return False
        chosen = [county for county in found if county.fips == self.county_fips.data]
        if len(found) > 1 and not chosen:
            self.county_fips.errors.append(_l("That name means several counties here: choose one."))
            return False
        self.fips = (chosen or found)[0].fips
        return True
