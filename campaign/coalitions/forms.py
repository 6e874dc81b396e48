"""Coalition forms: create a coalition, invite a member organization, manage the team."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from campaign.coalitions.models import ROLE_LABELS, Role
from campaign.core.forms import AppForm, email_field
from campaign.core.forms import strip_whitespace as _strip
from campaign.organizations.forms import ProfileFieldsMixin, organization_name_field

NEW_ORGANIZATION = "new"
CHOOSE_A_MATCH = _l(
    "We already know organizations with a similar name. "
    "Choose one of them, or choose to add a new organization."
)


class CoalitionForm(AppForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the coalition’s name.")), Length(max=160)],
    )
    description = TextAreaField(
        _l("Description"), filters=[_strip], validators=[Optional(), Length(max=4000)]
    )
    region = StringField(_l("Region"), filters=[_strip], validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Create coalition"))


class ContactForm(AppForm):
    """The coalition's settings an owner keeps: where replies to its email go."""

    contact_email = email_field(_l("Address for replies"), required_message=None)
    submit = SubmitField(_l("Save the settings"))


class InviteForm(ProfileFieldsMixin, AppForm):
    organization_name = organization_name_field()
    # Offered only when the name matches organizations we know, so the organizer can pick one
    # rather than create a duplicate record.
    existing_organization = RadioField(
        _l("Is it one of these?"), choices=[], invalid_choice_message=CHOOSE_A_MATCH
    )
    contact_email = email_field(_l("Contact email"), _l("Enter the email address to send the invitation to."))
    message = TextAreaField(
        _l("Personal message"), filters=[_strip], validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField(_l("Send invitation"))

    matches: list = []

    def offer_matches(self, matches: list) -> None:
        self.matches = matches
        self.existing_organization.choices = [SelectChoice(str(org.id), org.name) for org in matches] + [
            SelectChoice(NEW_ORGANIZATION, _l("None of these: add it as a new organization"))
        ]

    def validate_existing_organization(self, field) -> None:
        if self.matches and not field.data:  # a choice not offered is refused as any other
            raise ValidationError(CHOOSE_A_MATCH)

    def chosen_organization(self):
        return next((org for org in self.matches if str(org.id) == self.existing_organization.data), None)


def _role_field():
    return SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        coerce=int,
        default=Role.ORGANIZER.value,
    )


class AddTeammateForm(AppForm):
    email = email_field(_l("Their email address"), _l("Enter the email address to send the invitation to."))
    role = _role_field()
    submit = SubmitField(_l("Send the invitation"))


class ChangeRoleForm(AppForm):
    role = _role_field()
    submit = SubmitField(_l("Change role"))
