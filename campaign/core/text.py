"""Every form's text and choices, cleaned and checked in one place; text bound for a header or a URL.

`AppForm.post_process()` calls `clean_submission()` on every submitted form, so a new form cannot
forget it (the sign POST's lean check, petitions/sign_input.py, calls the same text functions).
It walks every field, nested forms included, and:

- Text fields (StringField and its subclasses) refuse control characters: C0 other than tab,
  line feed and carriage return; DEL; C1; and lone surrogates, which no page can echo back in
  UTF-8. PostgreSQL refuses a NUL in any text column, and the email package and iCalendar
  refuse line breaks in headers and one-line properties: each was a 500 somewhere. They also
  refuse the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
  one in a name turns the rest of the line around where the name is shown ("Lupe is checked
  in." read backwards, an address spelled in reverse). The marks that only set the direction
  of the letters beside them (LRM and RLM, in Arabic and Hebrew names) and the joiners (ZWJ
  and ZWNJ, in Indic scripts and emoji) are letters' business and pass.
- Only a multi-line field (a TextAreaField) takes line breaks; they are stored as "\\n".
  A single-line field refuses them. Browsers strip line breaks from what is typed or pasted
  into an `<input>` (the HTML value sanitization algorithm), so only a script or a crafted post
  sends one: refusing costs no person anything, where silently joining the lines could change
  what a name or a subject says.
- What was refused is shown again as it was typed, minus the offending characters (line
  breaks become spaces), with a message on the field: sending again saves it.
- A hidden field is cleaned silently: the visitor never typed it and could not correct it.
- A text field missing from the submission holds "", as if sent empty, never None.
- Other fields (numbers, dates) parse their own input; their raw input is cleaned so that the
  form shown again with their error can be encoded, and a date must fall in 1900-2199.

`AppForm.Meta.wrap_formdata()` builds every submitted form from `submitted_values()`: form
fields only (never a JSON body), and files only for file fields.

Choice fields (SelectField, RadioField and subclasses) accept only their choices, always
(`validate_choice` is forced on). A value left empty (the "Choose…" placeholder, or a radio
left unticked) is *missing*, not an invalid choice: the field gets its default, and the field's
own validators say whether it was required (DataRequired, InputRequired, or the form's
`validate_<field>`). `Optional()` is not needed on a choice field, and is harmful where the form
checks the field itself: it stops the chain before `validate_<field>` runs.

Values read by hand from a query string go through `query_text()`; text put in an email header
or a one-line format (an iCalendar property) through `one_line()`.
"""

import re
from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import Field, FieldList, FileField, FormField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectFieldBase, SelectMultipleField

# C0 controls but tab, line feed and carriage return; DEL and C1; the bidirectional
# embeddings, overrides and isolates (not LRM, RLM, ZWJ, ZWNJ: see above); lone surrogates.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")

CONTROL_REMOVED = _l(
    "This field had invisible control characters, which we removed. Check it and send the form again."
)
FIRST_YEAR, LAST_YEAR = 1900, 2199
DATE_OUT_OF_RANGE = _l("Enter a date between the years 1900 and 2199.")
ONE_LINE_ONLY = _l(
    "This field takes a single line: we put spaces where the line breaks were. "
    "Check it and send the form again."
)


def one_line(text: str) -> str:
    """`text` for a header or a one-line property: no control characters, no line breaks, and
    each run of white space one space."""
    return " ".join(CONTROL.sub("", text).split())


def single_line(max_length: int):
    """A filter for a hidden field whose value goes into a URL or a header (a `?source=` code):
    made one line and cut to `max_length`."""

    def clean(value):
        return one_line(value)[:max_length] if isinstance(value, str) else value

    return clean


def query_text(name: str, max_length: int) -> str:
    """A query-string value read by hand (a filter, a search): one line, at most `max_length`
    characters. It reaches the database, which refuses a NUL, and links built from it."""
    return one_line(request.args.get(name, ""))[:max_length]


def submitted_values(form) -> MultiDict | None:
    """What a submitted form is read from: the body's form fields, and uploaded files only where
    the form has a file field. Flask-WTF would also read a JSON body, and take a file in place of
    any field: numbers, lists and files for fields that parse text, each a 500."""
    values = MultiDict(request.form)
    for field in form:
        if isinstance(field, FileField) and field.name in request.files:
            values.setlist(field.name, request.files.getlist(field.name))
    return values or None  # nothing sent: as Flask-WTF, the form is built from its defaults


def clean_submission(form) -> None:
    """Clean and check every field of a submitted form (see the module docstring)."""
    submitted = form.is_submitted()
    for field in _fields(form):
        if field.raw_data is None:  # not in the request: built from data or defaults
            if submitted and isinstance(field, StringField) and field.data is None:
                field.data = ""  # a post without this field (or with no form fields at all)
            continue
        if isinstance(field, SelectFieldBase):
            _check_choice(field)
        elif isinstance(field, StringField):
            _check_text(field)
        else:
            _check_other(field)


def _fields(form):
    for field in form:
        if isinstance(field, FormField):
            yield from _fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from _fields(entry.form) if isinstance(entry, FormField) else [entry]
        else:
            yield field


def text_problems(raw_values: list, multiline: bool) -> list:
    """What a text field's submitted values (every one, a name sent twice too) are refused for."""
    raw = "".join(v for v in raw_values if isinstance(v, str))
    problems = []
    if CONTROL.search(raw):
        problems.append(CONTROL_REMOVED)
    if not multiline and LINE_BREAK.search(raw):
        problems.append(ONE_LINE_ONLY)
    return problems


def cleaned_text(data: str, multiline: bool) -> str:
    """A text field's value without control characters, its line breaks "\\n" or spaces."""
    return LINE_BREAK.sub("\n" if multiline else " ", CONTROL.sub("", data))


def _check_text(field: StringField) -> None:
    multiline = isinstance(field, TextAreaField)
    problems = text_problems(field.raw_data, multiline)
    if field.data is None:  # not sent: as an empty field, so no form finds None where it reads text
        field.data = ""
    elif isinstance(field.data, str):
        field.data = cleaned_text(field.data, multiline)
    if not isinstance(field, HiddenField):
        # Kept apart from the raw input, which `Optional()` reads: a value made only of control
        # characters is refused, not taken for an empty one.
        field.process_errors.extend(problem for problem in problems if problem not in field.process_errors)


def _check_other(field: Field) -> None:
    field.raw_data = [CONTROL.sub("", v) if isinstance(v, str) else v for v in field.raw_data]
    # A year a calendar parses but a time zone conversion overflows (9999-12-31 in Honolulu).
    if isinstance(field.data, date) and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        field.data = None
        if DATE_OUT_OF_RANGE not in field.process_errors:
            field.process_errors.append(DATE_OUT_OF_RANGE)


def _check_choice(field: Field) -> None:
    field.validate_choice = True
    if isinstance(field, SelectMultipleField):
        return
    if not field.raw_data or not (field.raw_data[0] or "").strip():
        # Missing: as if the field had not been sent, so InputRequired sees nothing either.
        field.raw_data, field.process_errors = [], []
        field.process_data(field.object_data)
        field.validate_choice = False  # nothing to check; required or not is the validators' say
