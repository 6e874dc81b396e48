"""The sign POST checked without building SignForm: its rules, read off the form's class, run lean.

Building the WTForms form was a fifth of a signature's web time (bench/README.md). This check
runs the very filters and validators SignForm declares (inherited fields too), the cleaning
every submitted form gets (core/text.py) and its form token (core/form_tokens.py), in the
form's order, and gives what the form would: the values a signature saves, or the same errors
in the same words. A refused post is shown again by SignForm itself, which the page renders;
tests/petitions/test_sign_input.py runs a corpus through both.
"""

from dataclasses import dataclass

from flask import current_app
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields import HiddenField
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation, ValidationError

from campaign.core import form_tokens
from campaign.core.form_errors import MESSAGES
from campaign.core.forms import AppForm
from campaign.core.text import cleaned_text, text_problems
from campaign.petitions.forms import SIGNED_FIELDS, SignForm
from campaign.supporters.forms import consent_wording


@dataclass(frozen=True)
class Signing:
    """An accepted post: the SIGNED_FIELDS a signature saves, the honeypot and the form stamp
    (for the abuse checks), and the consent wording the signer ticked, or None."""

    fields: dict
    website: str
    started: str
    consent_given: str | None


@dataclass(frozen=True)
class _Rule:
    """A field of the form as the check runs it."""

    name: str
    checkbox: bool  # else text
    false_values: tuple
    multiline: bool
    hidden: bool  # cleaned silently: nobody typed it
    filters: tuple
    validators: tuple


# What AppForm does on a post, which this check does in its own way; a form that does more
# (its own validate(), say) is refused at import rather than checked without it.
_FORM_STEPS = ("process", "post_process", "validate", "validate_on_submit")


def _rules_of(form_class) -> tuple[_Rule, ...]:
    """The form's fields in WTForms' order (by creation, then name), with what binding them gives."""
    for step in _FORM_STEPS:
        if getattr(form_class, step) is not getattr(AppForm, step):
            raise TypeError(f"{form_class.__name__}.{step}: a step the lean check does not run")
    unbound = [(name, getattr(form_class, name)) for name in dir(form_class)]
    unbound = sorted(
        ((name, field) for name, field in unbound if isinstance(field, UnboundField)),
        key=lambda item: (item[1].creation_counter, item[0]),
    )
    rules = []
    for name, field in unbound:
        kind = field.field_class
        inline = hasattr(form_class, f"validate_{name}") or hasattr(form_class, f"filter_{name}")
        # Only the label may be positional: validators or filters given by position would be skipped.
        lean = issubclass(kind, BooleanField | StringField) and len(field.args) <= 1
        if not lean or "default" in field.kwargs or inline:
            raise TypeError(f"{form_class.__name__}.{name}: a field the lean check does not run")
        rules.append(
            _Rule(
                name=field.name or name,
                checkbox=issubclass(kind, BooleanField),
                false_values=tuple(field.kwargs.get("false_values") or kind.false_values)
                if issubclass(kind, BooleanField)
                else (),
                multiline=issubclass(kind, TextAreaField),
                hidden=issubclass(kind, HiddenField),
                filters=tuple(field.kwargs.get("filters", ())),
                validators=tuple(field.kwargs.get("validators", ())),
            )
        )
    return tuple(rules)


RULES = _rules_of(SignForm)


class _Field:
    """What validators read and write of a bound field: its data, its errors, and WTForms'
    messages in our words (core/form_errors.py), as every AppForm field has them."""

    __slots__ = ("data", "errors")
    gettext = staticmethod(MESSAGES.gettext)
    ngettext = staticmethod(MESSAGES.ngettext)

    def __init__(self, data, errors: list):
        self.data, self.errors = data, errors


def _processed(rule: _Rule, values: list) -> _Field:
    """Field.process, then clean_submission: the value as the form holds it, and process errors."""
    errors = []
    if rule.checkbox:
        data = bool(values) and values[0] not in rule.false_values
    else:
        data = values[0] if values else None
    try:
        for clean in rule.filters:
            data = clean(data)
    except ValueError as error:
        errors.append(error.args[0])
    if rule.checkbox:
        return _Field(data, errors)
    problems = text_problems(values, rule.multiline)
    data = "" if data is None else cleaned_text(data, rule.multiline) if isinstance(data, str) else data
    if not rule.hidden:
        errors.extend(problem for problem in problems if problem not in errors)
    return _Field(data, errors)


def _validated(rule: _Rule, field: _Field) -> None:
    """Field.validate's chain: a StopValidation ends it (DataRequired also drops earlier errors)."""
    for validator in rule.validators:
        try:
            validator(None, field)
        except StopValidation as stop:
            if stop.args and stop.args[0]:
                field.errors.append(stop.args[0])
            return
        except ValidationError as error:
            field.errors.append(error.args[0])


def read(formdata: MultiDict, petition_id: int, coalition_name: str) -> Signing | dict[str, list]:
    """The sign form's post, as `sign_form(petition_id, coalition_name)` would take it: a Signing,
    or the form's `errors` (field name -> messages, the form token's last). Like the form's token
    check, a token from a page in another language chooses that language for this answer."""
    fields, errors = {}, {}
    for rule in RULES:
        field = _processed(rule, formdata.getlist(rule.name))
        _validated(rule, field)
        fields[rule.name] = field.data
        if field.errors:
            errors[rule.name] = field.errors
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        token_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        token = cleaned_text(formdata.get(token_name, ""), multiline=False)
        valid, language = form_tokens.read(token, form_tokens.purpose_of(SignForm, petition_id))
        form_tokens.follow_page_language(language)
        if not valid:
            errors[token_name] = [form_tokens.PRESS_AGAIN]
    if errors:
        return errors
    consent = str(consent_wording(coalition_name)) if fields["subscribe"] else None
    return Signing(
        {name: fields[name] for name in SIGNED_FIELDS}, fields["website"], fields["started"], consent
    )
