"""Writing a day of action and its events, proposing an event, RSVPing, and the host's forms."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from campaign.actions import services
from campaign.actions.models import (
    DAY_FIELDS,
    EVENT_FIELDS,
    EVENT_KIND_LABELS,
    EVENT_LANGUAGES,
    Event,
    EventKind,
)
from campaign.actions.rsvps import WalkIn
from campaign.core.form_keys import form_key
from campaign.core.forms import AppForm, email_field, known_zip, no_scripts, plain_text, strip_whitespace
from campaign.core.outbox import utcnow
from campaign.core.phones import PhoneNumber, readable
from campaign.core.places import place_of
from campaign.core.zones import LOCAL_INPUT_FORMAT, date_range, to_local
from campaign.supporters.forms import ConsentForm

ZIP_LABEL = _l("ZIP code")


def zip_field(label=ZIP_LABEL) -> StringField:
    return StringField(
        label, filters=[strip_whitespace], validators=[DataRequired(_l("Enter a ZIP code.")), known_zip]
    )


def _text(label, required_message=None, max_length=200, **kwargs) -> StringField:
    validators = [DataRequired(required_message)] if required_message else []
    return StringField(
        label,
        filters=[strip_whitespace],
        validators=[*validators, Length(max=max_length), plain_text],
        **kwargs,
    )


def _plain_area(label, rows=3, max_length=2000) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[strip_whitespace],
        validators=[Length(max=max_length), plain_text],
        render_kw={"rows": rows},
    )


def _markdown(label, rows=6) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[strip_whitespace],
        validators=[Length(max=20000), no_scripts],
        render_kw={"rows": rows},
    )


class DayForm(AppForm):
    title = _text(_l("Title"), _l("Give the day of action a title."))
    description = _markdown(_l("What is happening"))
    demand = _markdown(_l("What it delivers or demands"), rows=4)
    title_es = _text(_l("Title in Spanish"))
    description_es = _markdown(_l("What is happening, in Spanish"))
    demand_es = _markdown(_l("What it delivers or demands, in Spanish"), rows=4)
    starts_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date, e.g. 2027-05-29."))])
    ends_on = DateField(_l("Last day, for an action over several days"), validators=[Optional()])
    proposals_open = BooleanField(_l("Member organizations and supporters may propose events"))
    submit = SubmitField(_l("Save the day of action"))

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first."))

    def fields_for_save(self) -> dict:
        fields = {name: getattr(self, name).data or "" for name in DAY_FIELDS}
        fields["starts_on"] = self.starts_on.data
        fields["ends_on"] = self.ends_on.data or self.starts_on.data
        fields["proposals_open"] = self.proposals_open.data
        return fields

    @classmethod
    def for_day(cls, day):
        values = {name: getattr(day, name) for name in DAY_FIELDS}
        ends_on = day.ends_on if day.ends_on != day.starts_on else None
        return cls(**values, starts_on=day.starts_on, ends_on=ends_on, proposals_open=day.proposals_open)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EventForm(AppForm):
    """What a host and the organizers write about an event; times are in the event's local time."""

    title = _text(_l("Event title"), _l("Give the event a title."))
    kind = SelectField(
        _l("Type of event"),
        choices=[SelectChoice(kind.value, label) for kind, label in EVENT_KIND_LABELS.items()],
        validators=[InputRequired()],
    )
    description = _markdown(_l("About the event"), rows=5)
    title_es = _text(_l("Event title in Spanish"))
    description_es = _markdown(_l("About the event, in Spanish"), rows=5)
    starts_at = DateTimeLocalField(
        _l("Starts"),
        format=LOCAL_INPUT_FORMAT,
        validators=[InputRequired(_l("Enter when the event starts."))],
    )
    ends_at = DateTimeLocalField(
        _l("Ends"), format=LOCAL_INPUT_FORMAT, validators=[InputRequired(_l("Enter when the event ends."))]
    )
    zip_code = zip_field()
    venue = _text(_l("Place name"), max_length=200)
    address = _text(_l("Street address, or the meeting link of a virtual event"), max_length=300)
    address_public = RadioField(
        _l("Who sees the place name and address"),
        choices=[
            SelectChoice("public", _l("Everyone, on the public page")),
            SelectChoice("rsvps", _l("Only people with a place: it is emailed to them when they RSVP")),
        ],
        default="public",
        validators=[InputRequired(_l("Choose who sees the address."))],
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[
            Optional(),
            NumberRange(1, 100_000, _l("Enter a capacity of 1 or more, or leave it empty for no limit.")),
        ],
    )
    accessibility = _plain_area(_l("Accessibility"))
    languages = CheckboxesField(
        _l("Languages spoken or interpreted"),
        choices=[SelectChoice(code, label) for code, label in EVENT_LANGUAGES.items()],
        default=["en"],
        validators=[DataRequired(_l("Choose at least one language."))],
    )
    marshals = BooleanField(_l("Trained marshals on site"))
    legal_observers = BooleanField(_l("Legal observers on site"))
    hotline = StringField(
        _l("Rapid-response hotline"), filters=[strip_whitespace], validators=[PhoneNumber()]
    )
    safety_notes = _plain_area(_l("Safety information"))
    submit = SubmitField(_l("Save the event"))

    def __init__(self, *args, day=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day

    def validate_starts_at(self, field):
        """On the day of action, and not moved into the past (a start left as saved passes, so
        a past event's other details stay editable)."""
        if not field.data or field.data == field.object_data:
            return
        if self.day and not self.day.starts_on <= field.data.date() <= self.day.ends_on:
            raise ValidationError(
                _l(
                    "Choose a start on the day of action (%(dates)s).",
                    dates=date_range(self.day.starts_on, self.day.ends_on),
                )
            )
        place = place_of(self.zip_code.data or "")
        if place and field.data.replace(tzinfo=ZoneInfo(place.time_zone)) <= datetime.now(UTC):
            raise ValidationError(_l("Choose a start in the future."))

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_address(self, field):
        if not field.data and self.kind.data != EventKind.VIRTUAL:
            raise ValidationError(_l("Enter the address, or choose Virtual event as the type."))

    def fields_for_save(self) -> dict:
        fields = {name: getattr(self, name).data for name in EVENT_FIELDS}
        for name in (
            "title_es",
            "description",
            "description_es",
            "venue",
            "address",
            "accessibility",
            "hotline",
            "safety_notes",
        ):
            fields[name] = fields[name] or ""
        fields["kind"] = EventKind(self.kind.data)
        fields["address_public"] = self.address_public.data == "public"
        fields["languages"] = ",".join(self.languages.data)
        fields["starts_at"], fields["ends_at"] = self.starts_at.data, self.ends_at.data
        fields["zip_code"] = self.zip_code.data
        return fields

    @classmethod
    def values_of(cls, event) -> dict:
        values = {name: getattr(event, name) for name in EVENT_FIELDS}
        values.update(
            kind=event.kind.value,
            address_public="public" if event.address_public else "rsvps",
            languages=event.language_codes,
            hotline=readable(event.hotline),
            starts_at=to_local(event.starts_at, event.time_zone),  # as typed, in the event's zone
            ends_at=to_local(event.ends_at, event.time_zone),
            zip_code=event.zip_code,
        )
        return values


class OrganizerEventForm(EventForm):
    host_organization_id = SelectField(_l("Hosted by"), coerce=int, validators=[InputRequired()])
    host_email = email_field(_l("Host’s email"), required_message=None)

    def __init__(self, organizations: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.host_organization_id.choices = [(0, _l("The coalition itself"))] + organizations


class ProposalForm(EventForm):
    """A member organization or a supporter proposes an event; organizers approve or decline it."""

    organization_id = SelectField(_l("Your organization"), coerce=int, validators=[InputRequired()])
    group_name = _text(_l("Your group’s name, if not listed"), max_length=200)  # shown publicly
    first_name = _text(_l("Your first name"), _l("Enter your first name."), max_length=80)
    email = email_field(_l("Your email address"))
    submit = SubmitField(_l("Propose the event"))

    def __init__(self, organizations: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [
            (0, _l("Not listed: I am a supporter or another group"))
        ] + organizations

    def validate_group_name(self, field):
        # The host's name is shown publicly: a person's own name never becomes it by default.
        if not field.data and not self.organization_id.data:
            raise ValidationError(_l("Enter your group’s name, or choose your organization."))


class RsvpForm(ConsentForm):
    first_name = _text(_l("First name"), _l("Enter your first name."), max_length=80)
    last_name = _text(_l("Last name"), max_length=80)
    email = email_field(_l("Email address"))
    zip_code = zip_field()
    phone = StringField(_l("Mobile phone"), filters=[strip_whitespace], validators=[PhoneNumber()])
    submit = SubmitField(_l("RSVP"))

    def fields_for_save(self) -> dict:
        return {
            "first_name": self.first_name.data,
            "last_name": self.last_name.data or "",
            "email": self.email.data,
            "zip_code": self.zip_code.data,
            "phone": self.phone.data or "",
        }


class CancelRsvpForm(AppForm):
    """A button on the RSVP's own page: cancelling is a POST, since mail scanners open links."""

    submit = SubmitField(_l("Cancel my RSVP"))


class WalkInForm(ConsentForm):
    """At the door, the host adds someone who did not RSVP. Each form shown carries a nonce of
    its own (`once`): its form token is bound to it, so it cannot be changed, and the walk-in is
    keyed by it, so the form sent twice (a double tap, a reload) adds one person."""

    once = HiddenField()
    first_name = _text(_l("First name"), _l("Enter their first name."), max_length=80)
    zip_code = StringField(ZIP_LABEL, filters=[strip_whitespace], validators=[Optional(), known_zip])
    email = email_field(_l("Email"), required_message=None)
    submit = SubmitField(_l("Add and check in"))

    def __init__(self, host_token: str, *args, **kwargs):
        once = form_key()
        super().__init__(*args, bound_to=f"{host_token}:{once}", **kwargs)
        self.once.data = once

    def validate_email(self, field):
        # Kept only to send what they agreed to: an address without the box ticked is not stored.
        if field.data and not self.subscribe.data:
            raise ValidationError(_l("Tick the box if they want news by email, or leave their email empty."))

    def validate_subscribe(self, field):
        if field.data and not self.email.data:
            raise ValidationError(_l("Enter their email for the news, or untick the box."))

    def walk_in(self) -> WalkIn:
        return WalkIn(
            first_name=self.first_name.data,
            zip_code=self.zip_code.data or None,
            email=self.email.data or None,
            consent_wording=self.consent_given,
        )


class ZipSearchForm(AppForm):
    """The public "events near me" search: a GET, so no CSRF token."""

    class Meta(AppForm.Meta):
        csrf = False

    zip = StringField(_l("Your ZIP code"), filters=[strip_whitespace], validators=[Optional(), known_zip])


class MessageForm(AppForm):
    subject = _text(_l("Subject"), _l("Write a subject."))
    body = TextAreaField(
        _l("Message"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Write the message.")), Length(max=10000), no_scripts],
        render_kw={"rows": 8},
    )
    include_waitlist = BooleanField(_l("Send it to the waitlist too"))
    submit = SubmitField(_l("Send to attendees"))


class ReportForm(AppForm):
    """The host's report, once the event has started; turnout counts walk-ins too."""

    turnout = IntegerField(
        _l("How many people came"),
        validators=[
            InputRequired(_l("Enter how many people came.")),
            NumberRange(0, 1_000_000, _l("Enter a number from 0 to 1,000,000.")),
        ],
    )
    report_notes = _plain_area(_l("How it went"), rows=5, max_length=5000)
    photos_url = StringField(
        _l("Link to photos"),
        filters=[strip_whitespace],
        validators=[
            Optional(),
            URL(message=_l("Enter a full link, starting with https://.")),
            Length(max=500),
        ],
    )
    submit = SubmitField(_l("Save the report"))


EVENT_MOVED_ON = _l("This event was cancelled or declined meanwhile: it can no longer be changed.")


def save_event_form(form: EventForm, event: Event) -> str | None:
    """Save a valid event form (the organizers' or the host's): the message to show, or None
    when the event was cancelled or declined meanwhile, said on the form, which keeps what was
    typed."""
    try:
        told = services.update_event(event, form.fields_for_save(), utcnow())
    except services.EventStateError:
        form.form_errors.append(EVENT_MOVED_ON)
        return None
    return _("Saved. Attendees are emailed the new time and place.") if told else _("Saved.")


def event_form_status(form: EventForm) -> int:
    """409 when the event moved on under the form, 400 for other errors, else 200."""
    if EVENT_MOVED_ON in form.form_errors:
        return 409
    return 400 if form.errors else 200
