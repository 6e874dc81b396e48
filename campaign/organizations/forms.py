"""Organization profile fields, shared by the profile form and the coalition invitation form."""

from datetime import date

import us
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError

from campaign.core.forms import AppForm
from campaign.organizations.models import SCOPE_LABELS, SECTOR_LABELS, Scope, Sector

EARLIEST_FOUNDING_YEAR = 1800  # older than nearly every advocacy group still at work


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _with_scheme(value):
    """People type "example.org"; store a link that works."""
    value = _strip(value)
    if value and "://" not in value:
        return f"https://{value}"
    return value


def _us_state(form, field):
    """Accept "ca", "CA" or "California"; keep the two-letter code."""
    if not field.data:
        return
    state = us.states.lookup(field.data)
    if state is None:
        raise ValidationError(_l("Enter a US state as a two-letter code, like CA or TX."))
    field.data = state.abbr


def _plausible_year(form, field):
    if field.data is not None and not EARLIEST_FOUNDING_YEAR <= field.data <= date.today().year:
        raise ValidationError(
            _l(
                "Enter a year between %(first)d and %(last)d.",
                first=EARLIEST_FOUNDING_YEAR,
                last=date.today().year,
            )
        )


def organization_name_field():
    return StringField(
        _l("Organization name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the organization’s name.")), Length(max=200)],
    )


class ProfileFieldsMixin:
    """The public profile fields; all optional, so an organizer can invite with just a name."""

    sector = SelectField(
        _l("Sector"),
        choices=[SelectChoice("", _l("Not specified"))]
        + [SelectChoice(sector.value, label) for sector, label in SECTOR_LABELS.items()],
        validators=[Optional()],
    )
    scope = SelectField(
        _l("Scope"),
        choices=[SelectChoice("", _l("Not specified"))]
        + [SelectChoice(scope.value, label) for scope, label in SCOPE_LABELS.items()],
        validators=[Optional()],
    )
    city = StringField(_l("City"), filters=[_strip], validators=[Optional(), Length(max=100)])
    state = StringField(_l("State"), filters=[_strip], validators=[Optional(), Length(max=30), _us_state])
    website = URLField(
        _l("Website"),
        filters=[_with_scheme],
        validators=[
            Optional(),
            Length(max=300),
            URL(message=_l("Enter a web address like https://example.org.")),
        ],
    )

    def profile(self) -> dict:
        """The profile values in the form the organization services take."""
        return {
            "sector": Sector(self.sector.data) if self.sector.data else Sector.OTHER,
            "scope": Scope(self.scope.data) if self.scope.data else None,
            "city": self.city.data or "",
            "state": self.state.data or "",
            "website": self.website.data or "",
        }


class OrganizationForm(ProfileFieldsMixin, AppForm):
    name = organization_name_field()
    description = TextAreaField(
        _l("Short description"),
        filters=[_strip],
        validators=[Optional(), Length(max=600, message=_l("Keep the description under 600 characters."))],
    )
    founded_year = IntegerField(
        _l("Year founded"),
        validators=[Optional(), _plausible_year],
    )
    submit = SubmitField(_l("Save profile"))

    def profile(self) -> dict:
        return super().profile() | {
            "description": self.description.data or "",
            "founded_year": self.founded_year.data,
        }


class MemberNameForm(AppForm):
    """A coalition's own name for a member whose shared profile it may not change."""

    name = organization_name_field()
    submit = SubmitField(_l("Save name"))


class LinkForm(AppForm):
    duplicate = SelectField(_l("Duplicate record"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Link as one organization"))

    candidates: dict = {}

    def offer(self, candidates: list) -> None:
        self.candidates = {org.id: org for org in candidates}
        self.duplicate.choices = [
            SelectChoice(org.id, f"{org.name} ({org.place})" if org.place else org.name) for org in candidates
        ]

    def chosen(self):
        return self.candidates[self.duplicate.data]
