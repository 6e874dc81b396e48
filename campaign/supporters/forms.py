"""Public supporter forms: asking for a copy or erasure of one's data; the opt-in wording."""

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms import BooleanField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from campaign.core.forms import AppForm, email_field
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
