"""Form pieces every feature uses."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length


def strip_whitespace(value):
    return value.strip() if isinstance(value, str) else value


ENTER_YOUR_EMAIL = _l("Enter your email address.")


def email_field(label, required_message=ENTER_YOUR_EMAIL) -> EmailField:
    """An email address, checked offline (no DNS lookup): the one rule for every form."""
    return EmailField(
        label,
        filters=[strip_whitespace],
        validators=[
            DataRequired(required_message),
            Email(_l("Enter an email address like name@example.org."), check_deliverability=False),
            Length(max=254),
        ],
    )
