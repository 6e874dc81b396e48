"""Form pieces every feature uses."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from campaign.core.markdown import has_unsafe_markup


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


def plain_text(form, field):
    """Titles and names are plain text; markup there is a mistake or an attack."""
    if field.data and ("<" in field.data or ">" in field.data):
        raise ValidationError(_l("Use plain text here: remove the HTML tags."))


def no_scripts(form, field):
    """Markdown fields may hold formatting and links, never scripts or embedded code."""
    if has_unsafe_markup(field.data):
        raise ValidationError(_l("Remove the script or embedded code. Use text, links and formatting."))
