"""Writing a letter, signing on, vetting, naming the leads, recording delivery and response."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from campaign.core.form_errors import Rows
from campaign.core.forms import AppForm, NestedForm, email_field, no_scripts, plain_text, strip_whitespace
from campaign.core.statemap import state_choices
from campaign.core.zones import (
    DEFAULT_TIME_ZONE,
    LOCAL_INPUT_FORMAT,
    TIME_ZONES,
    changed_to_the_past,
    to_local,
    to_utc,
)
from campaign.letters.models import AUTHORIZATION_LABELS, ChangeKind, SignerKind
from campaign.letters.outreach import MAX_LINE_LENGTH, MAX_PASTED_LINES, pasted_lines
from campaign.letters.versions import Decision
from campaign.organizations.models import SCOPE_LABELS, SECTOR_LABELS
from campaign.supporters.forms import ConsentForm

EXTRA_TARGET_ROWS = 2


class TargetForm(NestedForm):
    """One official; rows left empty are ignored."""

    name = StringField(_l("Name"), filters=[strip_whitespace], validators=[Length(max=200), plain_text])
    title = StringField(_l("Title"), filters=[strip_whitespace], validators=[Length(max=200), plain_text])
    office = StringField(
        _l("Office or agency"), filters=[strip_whitespace], validators=[Length(max=200), plain_text]
    )

    def validate_name(self, field):
        if not field.data and (self.title.data or self.office.data):
            raise ValidationError(_l("Add the name of this official, or clear the row."))


class LetterForm(AppForm):
    title = StringField(
        _l("Title"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Give the letter a title.")), Length(max=200), plain_text],
    )
    body = TextAreaField(
        _l("Text of the letter"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Write the text of the letter.")), Length(max=50000), no_scripts],
        render_kw={"rows": 16},
    )
    title_es = StringField(
        _l("Title in Spanish"), filters=[strip_whitespace], validators=[Length(max=200), plain_text]
    )
    body_es = TextAreaField(
        _l("Text in Spanish"),
        filters=[strip_whitespace],
        validators=[Length(max=50000), no_scripts],
        render_kw={"rows": 16},
    )
    targets = Rows(
        FormField(TargetForm),
        _l("Addressed to"),
        row_label=_l("Official %(number)d"),
        min_entries=1 + EXTRA_TARGET_ROWS,
    )
    deadline = DateTimeLocalField(_l("Sign-on deadline"), format=LOCAL_INPUT_FORMAT, validators=[Optional()])
    time_zone = SelectField(
        _l("Time zone"), choices=TIME_ZONES, default=DEFAULT_TIME_ZONE, validators=[InputRequired()]
    )
    allow_individuals = BooleanField(_l("Individuals may sign too, listed apart from organizations"))
    auto_approve_domains = BooleanField(
        _l(
            "Approve at once signers whose email address is at the domain their organization "
            "verified when it accepted this coalition's invitation"
        )
    )
    embargoed = BooleanField(_l("Embargo: collect signatures privately before the letter is public"))
    release_at = DateTimeLocalField(_l("Release time"), format=LOCAL_INPUT_FORMAT, validators=[Optional()])
    # The review step, shown when an edit changes what confirmed signers endorsed.
    change_kind = RadioField(
        _l("What kind of change is this?"),
        choices=[
            SelectChoice(ChangeKind.CORRECTION.value, _l("A correction: signatures stay")),
            SelectChoice(ChangeKind.NEW_VERSION.value, _l("A new version: signers must confirm again")),
        ],
        validate_choice=False,  # checked in decision(), with a sentence of our own
    )
    change_note = TextAreaField(
        _l("Note for the public change log"),
        filters=[strip_whitespace],
        validators=[Length(max=1000), plain_text],
        render_kw={"rows": 3},
    )
    # Labelled on the page with the number unlisted; this label names it in the error summary.
    unlist_all = BooleanField(_l("Unlist the signatories until they confirm the new version"))
    reviewed = HiddenField()  # the digest of the change the review step showed
    submit = SubmitField(_l("Save the letter"))
    REVIEW_FIELDS = frozenset({"change_kind", "change_note", "unlist_all", "reviewed"})

    def validate_targets(self, field):
        if not self.target_rows():
            raise ValidationError(_l("Name at least one official the letter is addressed to."))

    def validate_deadline(self, field):
        if changed_to_the_past(field, self.time_zone.data):
            raise ValidationError(_l("Choose a deadline in the future."))

    def validate_release_at(self, field):
        if field.data and not self.embargoed.data:
            raise ValidationError(_l("Tick the embargo box to set a release time, or clear the time."))
        if changed_to_the_past(field, self.time_zone.data):
            raise ValidationError(_l("Choose a release time in the future, or release by hand."))

    def decision(self, proposal) -> Decision | None:
        """The organizer's call on `proposal`, if made on the page that showed this very change;
        otherwise None, with a message beside the choice that is missing."""
        if self.reviewed.data != proposal.digest:
            if self.reviewed.data:  # the words changed again after the difference was shown
                self.form_errors.append(_l("The change is not the one shown before. Check it again."))
            return None
        kinds = {kind.value: kind for kind in (ChangeKind.CORRECTION, ChangeKind.NEW_VERSION)}
        kind = kinds.get(self.change_kind.data or "")
        if kind is None:
            self.change_kind.errors = [_l("Choose whether this is a correction or a new version.")]
            return None
        if kind == ChangeKind.NEW_VERSION and proposal.listed and not self.unlist_all.data:
            self.unlist_all.errors = [_l("Tick this box to unlist them, or choose a correction.")]
            return None
        return Decision(kind, self.change_note.data or "")

    def target_rows(self) -> list[dict]:
        return [
            {
                "name": row.form.name.data,
                "title": row.form.title.data or "",
                "office": row.form.office.data or "",
            }
            for row in self.targets
            if row.form.name.data
        ]

    def fields_for_save(self) -> dict:
        return {
            "title": self.title.data,
            "title_es": self.title_es.data or "",
            "body": self.body.data,
            "body_es": self.body_es.data or "",
            "deadline": to_utc(self.deadline.data, self.time_zone.data),
            "time_zone": self.time_zone.data,
            "allow_individuals": self.allow_individuals.data,
            "auto_approve_domains": self.auto_approve_domains.data,
            "embargoed": self.embargoed.data,
            "release_at": to_utc(self.release_at.data, self.time_zone.data),
        }

    @classmethod
    def for_letter(cls, letter):
        """The form filled from a saved letter, with blank rows to add officials."""
        targets = [{"name": t.name, "title": t.title, "office": t.office} for t in letter.targets]
        targets += [{}] * EXTRA_TARGET_ROWS
        zone = letter.time_zone
        return cls(
            title=letter.title,
            title_es=letter.title_es,
            body=letter.body,
            body_es=letter.body_es,
            targets=targets,
            deadline=to_local(letter.deadline, zone),
            time_zone=zone,
            allow_individuals=letter.allow_individuals,
            auto_approve_domains=letter.auto_approve_domains,
            embargoed=letter.embargoed,
            release_at=to_local(letter.release_at, zone),
        )


def _state_choices():
    return [SelectChoice("", _l("Choose a state"))] + [
        SelectChoice(code, name) for code, name in state_choices()
    ]


def _sector_field() -> SelectField:
    return SelectField(
        _l("Sector"),
        choices=[SelectChoice("", _l("Choose a sector"))]
        + [SelectChoice(value.value, label) for value, label in SECTOR_LABELS.items()],
    )


def _scope_field() -> RadioField:
    return RadioField(
        _l("Where the organization works"),
        choices=[SelectChoice(value.value, label) for value, label in SCOPE_LABELS.items()],
    )


def _display_name_field() -> StringField:
    return StringField(
        _l("Name to show on this letter"),
        description=_l('For example "ACLU of Georgia". Leave it empty to show the organization’s name.'),
        filters=[strip_whitespace],
        validators=[Length(max=200), plain_text],
    )


class SignOnForm(ConsentForm):
    kind = RadioField(
        _l("Signing as"),
        choices=[
            SelectChoice(SignerKind.ORGANIZATION.value, _l("An organization")),
            SelectChoice(SignerKind.INDIVIDUAL.value, _l("An individual")),
        ],
        default=SignerKind.ORGANIZATION.value,
        validators=[InputRequired()],
    )
    organization_name = StringField(
        _l("Organization name"), filters=[strip_whitespace], validators=[Length(max=200), plain_text]
    )
    display_name = _display_name_field()
    website = StringField(
        _l("Organization website"), filters=[strip_whitespace], validators=[Length(max=300), plain_text]
    )
    signer_name = StringField(
        _l("Your full name"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter your name.")), Length(max=120), plain_text],
    )
    signer_title = StringField(
        _l("Your title or role"), filters=[strip_whitespace], validators=[Length(max=120), plain_text]
    )
    email = email_field(_l("Your email address"))
    city = StringField(
        _l("City"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter the city.")), Length(max=100), plain_text],
    )
    us_state = SelectField(_l("State"), validators=[DataRequired(_l("Choose the state."))])
    sector = _sector_field()
    scope = _scope_field()
    authorized = BooleanField(_l("I am authorized to sign on behalf of this organization"))
    show_name = BooleanField(_l("List my name with the letter"))
    submit = SubmitField(_l("Sign the letter"))

    def __init__(self, *args, allow_individuals: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.us_state.choices = _state_choices()
        # Required of organizations (checked below); shown as required, not as "(optional)".
        for name in ("organization_name", "sector", "scope", "authorized"):
            self[name].flags.required = True
        if not allow_individuals:  # the choice is not shown: everyone signs for an organization
            self.kind.data = SignerKind.ORGANIZATION.value
            self.kind.validators = []

    @property
    def for_organization(self) -> bool:
        return self.kind.data != SignerKind.INDIVIDUAL.value

    def validate_organization_name(self, field):
        if self.for_organization and not field.data:
            raise ValidationError(_l("Enter your organization’s name."))

    def validate_sector(self, field):
        if self.for_organization and not field.data:
            raise ValidationError(_l("Choose the sector closest to your organization’s work."))

    def validate_scope(self, field):
        if self.for_organization and not field.data:
            raise ValidationError(
                _l("Choose whether your organization works nationally, statewide or locally.")
            )

    def validate_authorized(self, field):
        if self.for_organization and not field.data:
            raise ValidationError(_l("Tick this box to confirm you may sign for your organization."))

    def fields_for_save(self) -> dict:
        fields = {
            "kind": SignerKind.ORGANIZATION if self.for_organization else SignerKind.INDIVIDUAL,
            "signer_name": self.signer_name.data,
            "signer_title": self.signer_title.data or "",
            "email": self.email.data,
            "city": self.city.data,
            "us_state": self.us_state.data,
        }
        if self.for_organization:
            fields.update(
                organization_name=self.organization_name.data,
                display_name=self.display_name.data or "",
                website=self.website.data or "",
                sector=self.sector.data,
                scope=self.scope.data,
            )
        else:
            fields["show_name"] = self.show_name.data
        return fields


class DecisionForm(AppForm):
    """Approve or reject the ticked sign-ons (checkboxes named signature_id in the table)."""

    approve = SubmitField(_l("Approve selected"))
    reject = SubmitField(_l("Reject selected"))


class AddSignatoryForm(AppForm):
    """An organization that said yes outside the app, listed by an organizer."""

    organization_name = StringField(
        _l("Organization name"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter the organization’s name.")), Length(max=200), plain_text],
    )
    display_name = _display_name_field()
    city = StringField(_l("City"), filters=[strip_whitespace], validators=[Length(max=100), plain_text])
    us_state = SelectField(_l("State"), validators=[Optional()])
    sector = _sector_field()
    scope = _scope_field()
    authorization = RadioField(
        _l("How the organization said yes"),
        choices=[SelectChoice(value.value, label) for value, label in AUTHORIZATION_LABELS.items()],
        validators=[InputRequired(_l("Choose how the organization said yes."))],
    )
    authorized_by = StringField(
        _l("Who said yes for the organization"),
        description=_l("The person’s name. Only organizers of this coalition see it."),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Enter the name of the person who said yes.")),
            Length(max=120),
            plain_text,
        ],
    )
    contact_email = email_field(_l("Contact’s email address"), required_message=None)
    send_link = BooleanField(_l("Email the contact a link to confirm the signature"))
    submit = SubmitField(_l("Add to the letter"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.us_state.choices = _state_choices()
        for name in ("sector", "scope"):
            self[name].flags.required = True

    def validate_sector(self, field):
        if not field.data:
            raise ValidationError(_l("Choose the sector closest to the organization’s work."))

    def validate_scope(self, field):
        if not field.data:
            raise ValidationError(
                _l("Choose whether the organization works nationally, statewide or locally.")
            )

    def validate_send_link(self, field):
        if field.data and not self.contact_email.data:
            raise ValidationError(
                _l("Enter the contact’s email address to send the link, or untick the box.")
            )

    def fields_for_save(self, language: str) -> dict:
        return {
            "organization_name": self.organization_name.data,
            "display_name": self.display_name.data or "",
            "city": self.city.data or "",
            "us_state": self.us_state.data or "",
            "sector": self.sector.data,
            "scope": self.scope.data,
            "authorization": self.authorization.data,
            "authorized_by": self.authorized_by.data,
            "contact_email": self.contact_email.data or "",
            "send_link": self.send_link.data,
            "language": language,
        }


class RenameForm(AppForm):
    """How one signatory appears on this letter, set from the queue."""

    display_name = StringField(
        _l("Name on this letter"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter the name to show.")), Length(max=200), plain_text],
    )
    submit = SubmitField(_l("Save the name"))


class MergeForm(AppForm):
    """Merge one sign-on into a listed one of the same organization (ids checked by the view)."""

    into = HiddenField(_l("The listed sign-on"), validators=[DataRequired()])
    submit = SubmitField(_l("Merge into this one"))


class LeadsForm(AppForm):
    first = SelectField(_l("Named first"), coerce=int, validators=[Optional()])
    second = SelectField(_l("Named second"), coerce=int, validators=[Optional()])
    third = SelectField(_l("Named third"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Save the summary"))

    def __init__(self, organizations: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [SelectChoice(0, _l("Default: national organizations first"))] + [
            SelectChoice(org_id, name) for org_id, name in organizations
        ]
        for slot in (self.first, self.second, self.third):
            slot.choices = choices

    def chosen_ids(self) -> list[int]:
        return [slot.data for slot in (self.first, self.second, self.third) if slot.data]

    def validate_third(self, field):
        chosen = self.chosen_ids()
        if len(chosen) != len(set(chosen)):
            raise ValidationError(_l("Choose a different organization for each place."))


class DeliveryForm(AppForm):
    delivered_on = DateField(
        _l("Delivered on"), validators=[InputRequired(_l("Enter the date the letter was delivered."))]
    )
    delivery_method = StringField(
        _l("How it was delivered"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Say how it was delivered, e.g. by email, in person, by mail.")),
            Length(max=200),
            plain_text,
        ],
    )
    delivered_to = StringField(
        _l("Delivered to"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Say who received it.")), Length(max=300), plain_text],
    )
    tell_earlier = BooleanField(
        _l("Also tell those who signed only an earlier version that a new version was delivered")
    )
    submit = SubmitField(_l("Record the delivery"))

    def validate_delivered_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("The delivery date cannot be in the future."))


class ResponseForm(AppForm):
    response_on = DateField(_l("Response received on"), validators=[InputRequired(_l("Enter the date."))])
    response = TextAreaField(
        _l("The response"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Summarize or paste the response.")), Length(max=20000), no_scripts],
    )
    submit = SubmitField(_l("Record the response"))


class PastedOrganizationsForm(AppForm):
    """A list of organizations to ask to sign, pasted from a spreadsheet or typed."""

    pasted = TextAreaField(
        _l("Organizations, one per line"),
        validators=[
            DataRequired(_l("Paste at least one organization, with its contact’s email address.")),
            Length(max=MAX_PASTED_LINES * MAX_LINE_LENGTH),
        ],
        render_kw={"rows": 10},
    )
    language = SelectField(
        _l("Language of the emails to new contacts"),
        choices=[SelectChoice("en", "English"), SelectChoice("es", "Español")],
        validators=[InputRequired()],
    )
    preview = SubmitField(_l("Preview"))
    invite = SubmitField(_l("Invite all valid lines"))

    def validate_pasted(self, field):
        if len(pasted_lines(field.data)) > MAX_PASTED_LINES:
            raise ValidationError(
                lazy_ngettext(
                    "Paste at most %(num)d organization at a time.",
                    "Paste at most %(num)d organizations at a time.",
                    MAX_PASTED_LINES,
                )
            )
