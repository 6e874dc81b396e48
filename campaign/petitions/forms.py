"""Writing a petition, and the public sign form."""

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from campaign.core import images
from campaign.core.form_keys import form_key
from campaign.core.forms import AppForm, email_field, known_zip, no_scripts, plain_text, strip_whitespace
from campaign.core.places import place_of, zip5
from campaign.core.text import single_line
from campaign.core.zones import (
    DEFAULT_TIME_ZONE,
    LOCAL_INPUT_FORMAT,
    TIME_ZONES,
    changed_to_the_past,
    to_local,
    to_utc,
)
from campaign.petitions.models import SOURCE_MAX_LENGTH, WRITTEN_FIELDS
from campaign.supporters.forms import ConsentForm


class PetitionForm(AppForm):
    title = StringField(
        _l("Title"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Give the petition a title.")), Length(max=200), plain_text],
    )
    target = StringField(
        _l("Addressed to"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Say who the petition is addressed to.")), Length(max=300), plain_text],
    )
    ask = TextAreaField(
        _l("The ask"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Write what the petition asks for.")), Length(max=500), plain_text],
        render_kw={"rows": 3},
    )
    body = TextAreaField(
        _l("Why it matters"),
        filters=[strip_whitespace],
        validators=[Length(max=50000), no_scripts],
        render_kw={"rows": 10},
    )
    title_es = StringField(
        _l("Title in Spanish"), filters=[strip_whitespace], validators=[Length(max=200), plain_text]
    )
    ask_es = TextAreaField(
        _l("The ask in Spanish"),
        filters=[strip_whitespace],
        validators=[Length(max=500), plain_text],
        render_kw={"rows": 3},
    )
    body_es = TextAreaField(
        _l("Why it matters, in Spanish"),
        filters=[strip_whitespace],
        validators=[Length(max=50000), no_scripts],
        render_kw={"rows": 10},
    )
    goal = IntegerField(
        _l("Signature goal"),
        default=1000,
        validators=[
            InputRequired(_l("Enter a goal, e.g. 1000.")),
            NumberRange(1, 10_000_000, _l("Enter a goal from 1 to 10,000,000.")),
        ],
    )
    deadline = DateTimeLocalField(_l("Closes on"), format=LOCAL_INPUT_FORMAT, validators=[Optional()])
    time_zone = SelectField(
        _l("Time zone"), choices=TIME_ZONES, default=DEFAULT_TIME_ZONE, validators=[InputRequired()]
    )
    image = FileField(_l("Image"), render_kw={"accept": "image/jpeg,image/png,image/webp"})
    image_alt = StringField(
        _l("Describe the image"), filters=[strip_whitespace], validators=[Length(max=300), plain_text]
    )
    image_alt_es = StringField(
        _l("Describe the image in Spanish"),
        filters=[strip_whitespace],
        validators=[Length(max=300), plain_text],
    )
    remove_image = BooleanField(_l("Remove the image"))
    trusted_source = BooleanField(_l("Trusted source"))
    submit = SubmitField(_l("Save the petition"))

    def __init__(self, *args, has_image: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_image = has_image
        self.prepared_image = None

    def validate_image(self, field):
        if not field.data:
            return
        try:
            self.prepared_image = images.prepare(
                field.data.stream,
                too_big=_l("Choose an image under 8 MB."),
                not_an_image=_l("Choose a JPEG, PNG or WebP image."),
            )
        except images.ImageRejected as error:
            raise ValidationError(str(error)) from error

    def validate_image_alt(self, field):
        keeps_an_image = field.data == "" and not self.remove_image.data
        if keeps_an_image and (self.image.data or self.has_image):
            raise ValidationError(_l("Describe the image for people who cannot see it."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid and self.image.data and not self.image.errors:
            # A browser cannot refill a file input; say so rather than drop the image silently.
            self.image.errors.append(
                _l("Choose the image again: it was not saved because of the other errors.")
            )
        return valid

    @property
    def image_change(self):
        """(True, image) to set it, (True, None) to remove it, (False, None) to leave it."""
        if self.prepared_image is not None:
            return True, self.prepared_image
        return bool(self.remove_image.data), None

    def validate_deadline(self, field):
        if changed_to_the_past(field, self.time_zone.data):
            raise ValidationError(_l("Choose a closing time in the future."))

    def fields_for_save(self) -> dict:
        fields = {name: getattr(self, name).data or "" for name in WRITTEN_FIELDS}
        fields["goal"] = self.goal.data
        fields["time_zone"] = self.time_zone.data
        fields["deadline"] = to_utc(self.deadline.data, self.time_zone.data)
        fields["trusted_source"] = self.trusted_source.data
        return fields

    @classmethod
    def for_petition(cls, petition):
        values = {name: getattr(petition, name) for name in WRITTEN_FIELDS}
        deadline = to_local(petition.deadline, petition.time_zone)
        return cls(
            **values,
            deadline=deadline,
            time_zone=petition.time_zone,
            trusted_source=petition.trusted_source,
            has_image=bool(petition.image_key),
        )


# What a signature saves of the sign form, as sign_input.read gives it.
SIGNED_FIELDS = ("first_name", "last_name", "email", "zip_code", "comment", "show_name", "source")


class SignForm(ConsentForm):
    first_name = StringField(
        _l("First name"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter your first name.")), Length(max=80), plain_text],
    )
    last_name = StringField(
        _l("Last name"), filters=[strip_whitespace], validators=[Length(max=80), plain_text]
    )
    email = email_field(_l("Email address"))
    zip_code = StringField(
        _l("ZIP code"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter your ZIP code.")), known_zip],
    )
    comment = TextAreaField(
        _l("Why are you signing?"),
        filters=[strip_whitespace],
        validators=[Length(max=1000), plain_text],
        render_kw={"rows": 3},
    )
    show_name = BooleanField(_l("Show my first name, last initial and city with the signers"))
    # Bots fill every field; people never see this one (hidden with CSS and from screen readers).
    website = StringField(_l("Leave this empty"))
    started = HiddenField()  # a signed timestamp of when the form was shown
    # From the page's `?source=` (a member's link), saved and copied into the thanks page's URL.
    source = HiddenField(filters=[single_line(SOURCE_MAX_LENGTH)])
    submit = SubmitField(_l("Sign the petition"))


class ClusterForm(AppForm):
    """An organizer's verdict on every signature sharing an IP hash or an email domain."""

    kind = HiddenField(validators=[DataRequired()])
    key = HiddenField(validators=[DataRequired()])
    release = SubmitField(_l("Count them"))
    invalidate = SubmitField(_l("Strike them out"))


class PaperForm(AppForm):
    """A batch of paper signatures: how many, or the names and ZIP codes off the sheets. The same
    form enters a batch and corrects one. Entering, it carries a one-time key (`once`,
    core/form_keys.py), so the form sent twice adds one batch."""

    once = HiddenField()
    organization_id = SelectField(_l("Collected by"), coerce=int, validators=[InputRequired()])
    count = IntegerField(
        _l("Number of signatures"),
        validators=[Optional(), NumberRange(0, 1_000_000, _l("Enter a number from 1 to 1,000,000."))],
    )
    names = TextAreaField(
        _l("Or the names and ZIP codes, one signer per line"),
        filters=[strip_whitespace],
        validators=[Length(max=500_000), plain_text],
        render_kw={"rows": 8, "placeholder": "Ana Reyes, 19104"},
    )
    submit = SubmitField(_l("Add the signatures"))

    def __init__(self, organizations: list[tuple[int, str]], *args, names_removed: bool = False, **kwargs):
        """`names_removed`: correcting a batch whose names retention has cleared, where a line
        with a ZIP code alone stands for a signer whose name was removed."""
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [(0, _l("The coalition itself"))] + organizations
        self.once.data = form_key()
        self.names_removed = names_removed
        self.parsed: list[tuple[str | None, str]] = []  # (None, ZIP): a name removed

    def validate_names(self, field):
        problems = []
        for number, line in enumerate((field.data or "").splitlines(), start=1):  # None: not sent
            if not line.strip():
                continue
            name, _, zip_code = line.rpartition(",")
            name, zip_code = name.strip(), zip_code.strip()
            if place_of(zip_code) is None or not (name or self.names_removed):
                problems.append(number)
            else:
                self.parsed.append((name or None, zip5(zip_code)))
        if problems:
            lines = ", ".join(str(number) for number in problems[:10])
            message = (
                _l(
                    "Write each line as a name, a comma and a known ZIP code, or a ZIP code alone "
                    "for a signer whose name was removed (see lines %(lines)s).",
                    lines=lines,
                )
                if self.names_removed
                else _l(
                    "Write each line as a name, a comma and a known ZIP code (see lines %(lines)s).",
                    lines=lines,
                )
            )
            raise ValidationError(message)

    def validate(self, extra_validators=None) -> bool:
        """Here, not in a validate_count(): Optional() ends an empty field's checks before it."""
        valid = super().validate(extra_validators)
        if self.count.errors or self.names.errors:
            return valid
        listed = len(self.parsed)
        if not listed and not self.count.data:
            self.count.errors.append(
                _l("This batch is empty: enter how many signatures it has, or list the names and ZIP codes.")
            )
        elif listed and self.count.data and self.count.data != listed:
            self.count.errors.append(
                ngettext(
                    "You listed %(num)d name: leave the number empty, or make it match.",
                    "You listed %(num)d names: leave the number empty, or make it match.",
                    listed,
                )
            )
        return valid and not self.count.errors
