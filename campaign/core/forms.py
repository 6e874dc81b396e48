"""Form pieces every feature uses."""

import json

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from wtforms import EmailField, Form, HiddenField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from campaign.core import form_tokens, lost_session, text
from campaign.core.addresses import DeliverableEmail
from campaign.core.crypto import keyed_hash
from campaign.core.form_errors import MESSAGES
from campaign.core.form_keys import form_key, new_form_key
from campaign.core.markdown import has_unsafe_markup
from campaign.core.places import place_of, zip5


class AppForm(FlaskForm):
    """Every form's base: in place of WTForms' own messages ("Not a valid datetime value."),
    ours in the visitor's language (core/form_errors.py). Flask-WTF's default would read
    WTForms' catalog from disk for every request that builds a form.

    A form visitors post without a login is built with `bound_to=` what it acts on (a petition's
    id, the token of an emailed link): its CSRF token is then a signed form token that needs no
    session (core/form_tokens.py), and its view is `@csrf.exempt` from the session's check.
    A form shown again after its session ended comes back filled in (core/lost_session.py)."""

    notice = None  # said above the form: its token had expired, or it came back through a login

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return MESSAGES

        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and form.is_submitted():
                return text.submitted_values(form)
            return super().wrap_formdata(form, formdata)

    def __init__(self, *args, bound_to=None, **kwargs):
        if bound_to is not None:
            kwargs["meta"] = form_tokens.meta_for(type(self), bound_to) | kwargs.get("meta", {})
        super().__init__(*args, **kwargs)
        if not args and "formdata" not in kwargs:
            lost_session.restore(self, kwargs)

    def post_process(self, formdata=None):
        """Every field of every submitted form is cleaned and checked in core/text.py."""
        super().post_process(formdata)
        text.clean_submission(self)


class OnceForm(AppForm):
    """A form whose post adds something: it carries a one-time key (`once`, core/form_keys.py),
    so that the form sent twice (a double click) adds it once. `fresh`: the empty form shown
    under what was just added, whose own key is spent."""

    once = HiddenField()

    def __init__(self, *args, fresh: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.once.data = new_form_key() if fresh else form_key()


class NestedForm(Form):
    """The base of a form nested in an AppForm (a row of `Rows`): WTForms' messages replaced by
    ours there too, since a nested form reads them from its own Meta."""

    class Meta:
        def get_translations(self, form):
            return MESSAGES


def strip_whitespace(value):
    return value.strip() if isinstance(value, str) else value


ENTER_YOUR_EMAIL = _l("Enter your email address.")


def email_field(label, required_message=ENTER_YOUR_EMAIL) -> EmailField:
    """An email address we can send to (core/addresses.py): the one rule for every form.
    Optional when `required_message` is None."""
    return EmailField(
        label,
        filters=[strip_whitespace],
        validators=[
            DataRequired(required_message) if required_message else Optional(),
            DeliverableEmail(),
            Length(max=254),  # of the ASCII form it is saved in
        ],
    )


def has_markup(value: str) -> bool:
    """Titles and names are plain text; markup there is a mistake or an attack."""
    return "<" in value or ">" in value


def plain_text(form, field):
    if field.data and has_markup(field.data):
        raise ValidationError(_l("Use plain text here: remove the HTML tags."))


UNKNOWN_ZIP = _l("We do not know this ZIP code. Enter five digits, like 19104.")


def known_zip(form, field):
    """A US ZIP code in the offline data, kept as its five digits if typed as a ZIP+4 (an empty
    field passes: required is said elsewhere)."""
    if not field.data:
        return
    if place_of(field.data) is None:
        raise ValidationError(UNKNOWN_ZIP)
    field.data = zip5(field.data)


REMOVE_SCRIPTS = _l("Remove the script or embedded code. Use text, links and formatting.")


class NoScripts:
    """Markdown fields may hold formatting and links, never scripts or embedded code."""

    def __init__(self, message=REMOVE_SCRIPTS):
        self.message = message

    def __call__(self, form, field):
        if has_unsafe_markup(field.data):
            raise ValidationError(self.message)


no_scripts = NoScripts()


class ConfirmSignatureForm(AppForm):
    """The button on the page an email's confirm link opens: the click (a POST) confirms, since
    mail scanners follow links (GETs) and must not sign for anyone."""

    shown = HiddenField()  # digest_of() what the page showed the click would save
    submit = SubmitField(_l("Confirm my signature"))


def digest_of(values: dict) -> str:
    """What a confirm page showed the click would save, as a keyed hash its form sends back: the
    click applies nothing if someone signed again with the address since the page was read."""
    return keyed_hash(json.dumps(values, sort_keys=True, default=str), "SECRET_KEY")
