"""The one way organizers pick a place: a state, or a county or city typed with its state."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from campaign.core.forms import plain_text, strip_whitespace
from campaign.policies import places, services, upkeep
from campaign.policies.models import NAME_MAX, JurisdictionKind


def _name(label) -> StringField:
    return StringField(label, filters=[strip_whitespace], validators=[Length(max=NAME_MAX), plain_text])


class JurisdictionPicker:
    """Mixed into a form (before AppForm): a state chosen, or a county or city typed with its
    state. A county name matching none of the state's is answered with close names; one
    matching several (Richmond, Virginia: the county and the independent city) is asked about
    with a choice of each; `pick()` says which place a valid form names, as
    services.jurisdiction_for takes it. templates/policies/_jurisdiction_picker.html shows it."""

    level = RadioField(
        _l("It is about"),
        choices=[
            SelectChoice(JurisdictionKind.STATE.value, _l("A state")),
            SelectChoice(JurisdictionKind.COUNTY.value, _l("A county")),
            SelectChoice(JurisdictionKind.CITY.value, _l("A city or town")),
        ],
        validators=[InputRequired(_l("Choose a state, a county or a city."))],
    )
    state = SelectField(_l("State"), validators=[InputRequired(_l("Choose the state."))])
    county_name = _name(_l("County"))
    city_name = _name(_l("City or town"))
    county_fips = RadioField(_l("Which one?"), choices=[])

    suggestions: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(code, name) for code, name in places.states_by_name()
        ]
        self.county_fips.choices = [
            SelectChoice(county.fips, services.county_label(county)) for county in self._candidates()
        ]

    def _candidates(self) -> tuple:
        if not self.county_name.data or not self.state.data or self.level.data == JurisdictionKind.STATE:
            return ()
        found = places.counties_named(self.county_name.data, self.state.data)
        return found if len(found) > 1 else ()

    def validate_county_name(self, field):
        if self.level.data not in (JurisdictionKind.COUNTY, JurisdictionKind.CITY) or not self.state.data:
            return
        if not field.data:
            raise ValidationError(_l("Enter the county's name."))
        found = places.counties_named(field.data, self.state.data)
        state_name = places.states().get(self.state.data, self.state.data)
        if not found:
            self.suggestions = upkeep.close_county_names(field.data, self.state.data)
            raise ValidationError(_l("No county of that name in %(state)s.", state=state_name))
        if len(found) > 1 and self.county_fips.data not in {county.fips for county in found}:
            raise ValidationError(
                _l("%(state)s has more than one place of that name: choose which below.", state=state_name)
            )

    def validate_city_name(self, field):
        if self.level.data == JurisdictionKind.CITY and not field.data:
            raise ValidationError(_l("Enter the city's name."))

    def pick(self) -> tuple[JurisdictionKind, str, str | None, str | None]:
        """(kind, state, county FIPS, city name) of a validated form."""
        kind = JurisdictionKind(self.level.data)
        if kind == JurisdictionKind.STATE:
            return kind, self.state.data, None, None
        found = places.counties_named(self.county_name.data, self.state.data)
        fips = found[0].fips if len(found) == 1 else self.county_fips.data
        return kind, self.state.data, fips, self.city_name.data if kind == JurisdictionKind.CITY else None
