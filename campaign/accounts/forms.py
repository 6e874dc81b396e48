"""Account forms."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from campaign.core.forms import AppForm, email_field

MIN_PASSWORD = 10


class EmailMixin:
    email = email_field(_l("Email address"))


def _new_password(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD,
                max=128,
                message=lazy_ngettext(
                    "Use at least %(num)d character.", "Use at least %(num)d characters.", MIN_PASSWORD
                ),
            ),
        ],
    )


def _confirm_password():
    return PasswordField(
        _l("Type the password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
    )


class SignupForm(EmailMixin, AppForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=120)])
    password = _new_password(_l("Password"))
    confirm = _confirm_password()
    submit = SubmitField(_l("Create account"))


class LoginForm(EmailMixin, AppForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    submit = SubmitField(_l("Log in"))


class EmailOnlyForm(EmailMixin, AppForm):
    submit = SubmitField(_l("Send the link"))


class NewPasswordForm(AppForm):
    password = _new_password(_l("New password"))
    confirm = _confirm_password()
    submit = SubmitField(_l("Save the new password"))
