"""Supporter forms: a copy or erasure of one's data, the opt-in wording, and CSV imports."""

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FieldList, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from campaign.core.forms import AppForm, email_field
from campaign.supporters import action_network
from campaign.supporters.models import DataRequestKind


class DataRequestForm(AppForm):
    email = email_field(_l("Your email address"))
    kind = RadioField(
        _l("What would you like us to do?"),
        choices=[
            SelectChoice(DataRequestKind.COPY.value, _l("Send me a copy of my data")),
            SelectChoice(DataRequestKind.ERASURE.value, _l("Erase my data")),
        ],
        validators=[DataRequired(_l("Choose whether you want a copy or want your data erased."))],
    )
    submit = SubmitField(_l("Send my request"))


class ConfirmErasureForm(AppForm):
    """Only a CSRF token and a button: erasure happens on POST, never on opening the link."""

    submit = SubmitField(_l("Erase my data"))


class ConsentForm(AppForm):
    """A public form with the unticked opt-in box, labelled with the coalition's wording; the
    exact words shown are what is stored with the consent."""

    subscribe = BooleanField()

    def __init__(self, *args, consent_wording: str | LazyString = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.subscribe.label.text = consent_wording

    @property
    def consent_given(self) -> str | None:
        """The wording the person agreed to, or None if they left the box unticked."""
        return str(self.subscribe.label.text) if self.subscribe.data else None


def consent_wording(coalition_name: str) -> LazyString:
    """The words of the opt-in box on public forms, stored verbatim with the consent.

    Translated when shown or stored, not when the form is built: most signers leave the box
    unticked and are sent on without a page, and a surge of them need not pay for it.
    """
    return _l(
        "Email me news and calls to action from %(coalition)s. I can unsubscribe at any time.",
        coalition=coalition_name,
    )


class ImportUploadForm(AppForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose the CSV file to import."))],
        render_kw={"accept": ".csv,text/csv,text/plain"},
    )
    submit = SubmitField(_l("Upload and preview"))


def _column_choices() -> list[SelectChoice]:
    ignored = SelectChoice("", _l("Do not import"))
    return [ignored] + [
        SelectChoice(column.field, column.label)
        for column in action_network.COLUMNS
        if column.field in action_network.IMPORTED_FIELDS
    ]


class ImportConfirmForm(AppForm):
    """The mapping of each column to one of our fields, and the consent these people gave."""

    columns = FieldList(SelectField(choices=_column_choices), _l("Columns"))
    consent_wording = TextAreaField(
        _l("The consent these people gave"),
        description=_l(
            "The words they agreed to when they gave the address, for example on the member "
            "organization’s sign-up form. They are stored with each new supporter’s consent."
        ),
        validators=[
            DataRequired(_l("Enter the words these people agreed to.")),
            Length(max=2000, message=_l("Keep the wording under 2,000 characters.")),
        ],
    )
    consent_language = SelectField(
        _l("Language of the wording"),
        choices=[SelectChoice("en", "English"), SelectChoice("es", "Español")],
    )
    confirmed = BooleanField(
        _l("I confirm these people agreed to these words and expect email from this coalition."),
        validators=[DataRequired(_l("Confirm that these people agreed to hear from the coalition."))],
    )
    submit = SubmitField(_l("Import"))

    def __init__(self, *args, headers: list[str] = (), mapping: list[str] = (), **kwargs):
        if mapping:
            kwargs["data"] = {"columns": list(mapping)}
        super().__init__(*args, **kwargs)
        while len(self.columns) < len(headers):
            self.columns.append_entry("")
        for entry, header in zip(self.columns, headers, strict=False):
            entry.label.text = header or "—"

    def validate_columns(self, field):
        chosen = [value for value in field.data if value]
        if "email" not in chosen:
            raise ValidationError(_l("Choose the column that holds the email address."))
        if len(chosen) != len(set(chosen)):
            raise ValidationError(_l("Each field can come from one column only."))
