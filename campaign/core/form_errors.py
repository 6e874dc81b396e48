"""Form errors as sentences in the page's language: WTForms' own messages replaced, nested rows named.

WTForms asks its form's `meta.get_translations()` for each message it makes ("Not a valid
datetime value.", "Field cannot be longer than 200 characters."); `Messages` answers with ours,
which tell the person what to type, in the page's language. Every form is an AppForm, so no
form can show WTForms' wording.

`listed_errors()` is what the summary above a form lists: one sentence per error, naming its
field, and the row for a field of a nested form ("Official 2, Name: …"), never a dict or a list.
"""

import functools
from dataclasses import dataclass

from babel import support
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField
from wtforms.i18n import messages_path

from campaign.core.addresses import NOT_AN_ADDRESS

CHOOSE_AN_OPTION = _l("Choose one of the options offered.")
CHOOSE_AMONG_OPTIONS = _l("Choose only among the options offered.")
UNCHANGEABLE = _l("This field cannot be changed here.")

# WTForms' English message -> ours. Placeholders WTForms fills in afterwards keep their names.
REPLACED = {
    "This field is required.": _l("Fill in this field."),
    "Not a valid choice.": CHOOSE_AN_OPTION,
    "Invalid Choice: could not coerce.": CHOOSE_AN_OPTION,
    "Invalid choice(s): one or more data inputs could not be coerced.": CHOOSE_AMONG_OPTIONS,
    "Not a valid datetime value.": _l(
        "Enter a date and a time as year-month-day and hours:minutes, like 2026-03-01T14:30."
    ),
    "Not a valid date value.": _l("Enter a date as year-month-day, like 2026-03-01."),
    "Not a valid time value.": _l("Enter a time as hours:minutes, like 14:30."),
    "Not a valid week value.": _l("Enter a week as year and week number, like 2026-W09."),
    "Not a valid integer value.": _l("Enter a whole number, like 12."),
    "Not a valid decimal value.": _l("Enter a number, like 12.5."),
    "Not a valid float value.": _l("Enter a number, like 12.5."),
    "Invalid email address.": NOT_AN_ADDRESS,
    "Invalid URL.": _l("Enter a web address like https://example.org."),
    "Invalid input.": _l("This is not in the form expected here: check what you typed."),
    "Invalid IP address.": _l("Enter an IP address, like 192.0.2.1."),
    "Invalid Mac address.": _l("Enter a hardware (MAC) address, like 00:1A:2B:3C:4D:5E."),
    "Invalid UUID.": _l("Enter an identifier like 123e4567-e89b-12d3-a456-426614174000."),
    "Field must be equal to %(other_name)s.": _l("Type the same as in “%(other_label)s”."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Use between %(min)d and %(max)d characters."
    ),
    "Number must be at least %(min)s.": _l("Enter a number of at least %(min)s."),
    "Number must be at most %(max)s.": _l("Enter a number of at most %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Enter a number between %(min)s and %(max)s."),
    "Date must be at least %(min)s.": _l("Choose a date on or after %(min)s."),
    "Date must be at most %(max)s.": _l("Choose a date on or before %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Choose a date between %(min)s and %(max)s."),
    "Invalid value, must be one of: %(values)s.": CHOOSE_AN_OPTION,
    "Invalid value, can't be any of: %(values)s.": _l("This value is not allowed here: enter another."),
    "This field cannot be edited.": UNCHANGEABLE,
    "This field is disabled and cannot have a value.": UNCHANGEABLE,
}

# WTForms' plural messages, by their singular: ours, for the number WTForms counts. Already
# filled in (%(num)d), so what WTForms fills in afterwards finds no placeholder left.
REPLACED_PLURAL = {
    "Field cannot be longer than %(max)d character.": lambda n: ngettext(
        "Use at most %(num)d character.", "Use at most %(num)d characters.", n
    ),
    "Field must be at least %(min)d character long.": lambda n: ngettext(
        "Use at least %(num)d character.", "Use at least %(num)d characters.", n
    ),
    "Field must be exactly %(max)d character long.": lambda n: ngettext(
        "Use exactly %(num)d character.", "Use exactly %(num)d characters.", n
    ),
    # It would quote the values refused, which a crafted post chooses.
    "'%(value)s' is not a valid choice for this field.": lambda n: str(CHOOSE_AMONG_OPTIONS),
}


@functools.cache
def _wtforms_catalog(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Messages:
    """What WTForms reads its messages from (`Meta.get_translations`): ours where we have one,
    else WTForms' own translation (a message a later WTForms adds), read from disk once per
    language."""

    def gettext(self, string: str) -> str:
        ours = REPLACED.get(string)
        if ours is not None:
            return str(ours)
        return _wtforms_catalog(str(get_locale() or "en")).gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        ours = REPLACED_PLURAL.get(singular)
        if ours is not None:
            return ours(n)
        return _wtforms_catalog(str(get_locale() or "en")).ngettext(singular, plural, n)


MESSAGES = Messages()

ROW = _l("Row %(number)d")


class Rows(FieldList):
    """A list of nested forms whose errors name their row in the summary: `row_label` is a
    lazy text with %(number)d ("Official %(number)d"), counted from 1."""

    def __init__(self, unbound_field, label=None, row_label=ROW, **kwargs):
        super().__init__(unbound_field, label, **kwargs)
        self.row_label = row_label


@dataclass(frozen=True)
class ListedError:
    """One line of the summary: the field to go to (its id), what to call it, the message."""

    target: str | None
    label: str | None
    message: str


def listed_errors(form) -> list[ListedError]:
    """Every error of `form` for the summary above it: fields in order, then the form's own.
    The CSRF token's error is not listed: it is not something to correct (see form_notice)."""
    listed = []
    for field in form:
        if field.name != form.meta.csrf_field_name:
            listed += _errors_of(field, None)
    listed += [ListedError(None, None, str(message)) for message in form.form_errors]
    return listed


def _errors_of(field, row: str | None) -> list[ListedError]:
    label = str(field.label.text) if row is None else _("%(row)s, %(field)s", row=row, field=field.label.text)
    if isinstance(field, FieldList):
        return _list_errors(field, label)
    if isinstance(field, FormField):
        nested = [e for sub in field.form for e in _errors_of(sub, label)]
        return nested + [ListedError(field.id, label, str(m)) for m in field.form.form_errors]
    return [ListedError(field.id, label, str(message)) for message in field.errors]


def _list_errors(field: FieldList, label: str) -> list[ListedError]:
    """A list's own errors ("Name at least one official"), then each row's."""
    listed = [ListedError(field.id, label, message) for message in own_errors(field)]
    row_label = getattr(field, "row_label", ROW)
    for number, entry in enumerate(field.entries, 1):
        row = str(row_label) % {"number": number}
        if isinstance(entry, FormField):
            listed += [e for sub in entry.form for e in _errors_of(sub, row)]
            listed += [ListedError(entry.id, row, str(m)) for m in entry.form.form_errors]
        else:
            listed += [ListedError(entry.id, row, str(message)) for message in entry.errors]
    return listed


def own_errors(field) -> list[str]:
    """The messages of a list field about the list itself, not about its rows (said beside
    the list; each row's are said beside its fields)."""
    return [str(m) for m in field.errors if not isinstance(m, dict | list | tuple)]
