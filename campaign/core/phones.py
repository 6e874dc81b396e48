"""Phone numbers in international (E.164) form, read as people type them: US numbers without +1."""

import phonenumbers
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

DEFAULT_REGION = "US"


def to_e164(typed: str) -> str | None:
    """ "(215) 555-0100" -> "+12155550100"; None when it is not a valid number."""
    try:
        number = phonenumbers.parse(typed, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def readable(e164: str) -> str:
    """US numbers as Americans write them, others with their country code."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


class PhoneNumber:
    """A form field's phone number, checked and rewritten in E.164 (empty passes: optional)."""

    def __call__(self, form, field):
        if not field.data:
            return
        e164 = to_e164(field.data)
        if e164 is None:
            raise ValidationError(
                _l("Enter a phone number like 215-555-0100, or with its country code, like +52 55 1234 5678.")
            )
        field.data = e164
