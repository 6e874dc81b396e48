"""Every form's errors are sentences in the page's language: no dict, list or quote of Python.

The walk finds the forms as the fuzz does (tests/fuzz/site.py: the world's objects, the pages
and emailed links that show them), on the fast tier's SQLite, and posts each form with nothing,
with wrong values (a word for a date or a number, an option no list offers, an address that is
none) and with 10,000 characters, in English and in Spanish.
"""

import html
import re
from collections import defaultdict
from itertools import count

import pytest
from wtforms import FieldList, FormField, HiddenField, SubmitField
from wtforms.fields.core import UnboundField

from tests.core.test_input import every_form_class
from tests.fuzz import world
from tests.fuzz.fuzzer import is_button
from tests.fuzz.site import _crawl, _remember, log_in, mail_links
from tests.letters.conftest import letter_form

ERROR = re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.S)
SUMMARY = re.compile(r'<div class="error-summary".*?<ul>(.*?)</ul>', re.S)
ITEM = re.compile(r"<li>(.*?)</li>", re.S)
PYTHON = re.compile(r"[{\['\]}]")

# Wrong values by input type; any other text field gets the hostile text.
WRONG = {
    "date": "tomorrow",
    "datetime-local": "tomorrow",
    "time": "noon",
    "number": "twelve",
    "email": "not-an-address",
    "url": "not a web address",
    "tel": "call me",
}
HOSTILE = "{'a': [1]} \r\n ' [x] \x00"
UNLABELLED = (HiddenField, SubmitField)  # never named in an error
LABELLED_WHEN_BUILT = {"campaign.supporters.forms.ConsentForm.subscribe"}  # the coalition's wording


@pytest.mark.parametrize(
    ("language", "row_error", "deadline_error"),
    [
        (
            "en",
            "Official 2, Name: Add the name of this official, or clear the row.",
            "Sign-on deadline: Enter a date and a time as year-month-day and hours:minutes, "
            "like 2026-03-01T14:30.",
        ),
        (
            "es",
            "Destinatario 2, Nombre: Agrega el nombre de este destinatario o vacía la fila.",
            "Fecha límite de adhesión: Escribe una fecha y una hora como año-mes-día y horas:minutos, "
            "por ejemplo 2026-03-01T14:30.",
        ),
    ],
)
def test_a_letter_row_without_a_name_and_a_typed_non_date_are_named_sentences(
    client, coalition, language, row_error, deadline_error
):
    """Defect 6: the summary printed `Targets: {'name': [l'Add the name…']}`, then `Targets: {}`
    twice, and "Not a valid datetime value.", in both languages."""
    client.get(f"/language/{language}")
    form = letter_form(**{"targets-1-name": "", "deadline": "tomorrow"})
    page = client.post(f"/coalitions/{coalition.slug}/letters/new", data=form).get_data(as_text=True)
    assert _messages(page) == [
        row_error.split(": ", 1)[1],
        deadline_error.split(": ", 1)[1],
        row_error,
        deadline_error,
    ]
    assert 'href="#targets-1-name"' in page and 'id="targets-1-name"' in page
    assert 'value="Director"' in page  # what was typed is kept


def test_a_letter_with_no_official_says_so_beside_the_list(client, coalition):
    emptied = {f"targets-{row}-{part}": "" for row in (0, 1) for part in ("name", "title", "office")}
    form = letter_form(**emptied)
    page = client.post(f"/coalitions/{coalition.slug}/letters/new", data=form).get_data(as_text=True)
    assert _messages(page) == [
        "Name at least one official the letter is addressed to.",
        "Addressed to: Name at least one official the letter is addressed to.",
    ]
    assert 'href="#targets"' in page and 'id="targets"' in page


def _messages(page: str) -> list[str]:
    """The error messages a page shows: beside fields, and listed above the form."""
    found = ERROR.findall(page)
    for summary in SUMMARY.findall(page):
        found += ITEM.findall(summary)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", m)).split()) for m in found]


def _submissions(form) -> list[dict]:
    """Nothing; wrong values; 10,000 characters. Hidden fields keep the page's values."""
    kept = {name: f.values[:1] for name, f in form.fields.items() if f.kind == "hidden"}
    empty, wrong, long = dict(kept), dict(kept), dict(kept)
    for name, field in form.fields.items():
        if field.kind in ("hidden", "submit", "file"):
            continue
        if field.kind in ("select", "radio", "checkbox"):
            wrong[name] = ["{'off': ['choice']}"]
            long[name] = ["9" * 10_000]
        else:
            wrong[name] = [WRONG.get(field.kind, HOSTILE)]
            long[name] = ["'" * 10_000]
    return [empty, wrong, long]


def _found_forms(app):
    with app.app_context():
        made = world.build()
        links = mail_links()
    values = defaultdict(list)
    for key, value in made.by_prefix.items():
        values[key].append(value)
    for argument, ids in made.ids.items():
        values[("", argument)] += [str(each) for each in ids]
    for link in links:
        _remember(app, values, link)
    client = log_in(app)
    forms, _, _ = _crawl(app, client, values, links)
    return client, forms


def test_every_form_answers_bad_input_with_sentences_in_both_languages(app):
    client, forms = _found_forms(app)
    # Public forms first: a letter the organizer's forms deliver takes no more sign-ons.
    ordered = sorted(forms.values(), key=lambda f: (f.rule.rule.startswith("/coalitions/"), f.rule.rule))
    ordered = [form for form in ordered if not is_button(form) and form.rule.endpoint != "accounts.logout"]
    addresses = count(1)
    wrong, shown = {}, 0
    for language in ("en", "es"):
        client.get(f"/language/{language}")
        for form in ordered:
            # A long value's message ("Usa como máximo 200 caracteres.") is the same few catalog
            # entries on every form: in Spanish, nothing and wrong values are enough (time).
            for data in _submissions(form)[: 3 if language == "en" else 2]:
                n = next(addresses)  # an address per post, as a crowd's: no rate limit answers
                address = f"10.9.{n >> 8 & 255}.{n & 255}"
                page = client.post(form.actions[0], data=data, environ_base={"REMOTE_ADDR": address})
                messages = _messages(page.get_data(as_text=True))
                shown += len(messages)
                if leaks := [message[:200] for message in messages if PYTHON.search(message)]:
                    wrong.setdefault((form.rule.endpoint, language), leaks)
            if form.rule.endpoint.startswith("accounts."):  # a login form may have ended the session
                client = log_in(app)
                client.get(f"/language/{language}")
    assert len(ordered) > 30 and shown > 1000, "the walk found too few forms or errors"
    assert not wrong, "\n".join(f"{where}: {leaks}" for where, leaks in sorted(wrong.items()))


def test_every_field_a_person_fills_in_has_a_label_of_ours(app):
    """A field without one is called by its Python name ("Targets"), untranslated, in the
    summary of errors."""
    unlabelled = []
    for form in every_form_class():
        for name, unbound in vars(form).items():
            if not isinstance(unbound, UnboundField) or issubclass(unbound.field_class, UNLABELLED):
                continue
            label_at = 1 if issubclass(unbound.field_class, FormField | FieldList) else 0
            args = unbound.args
            label = args[label_at] if len(args) > label_at else unbound.kwargs.get("label")
            where = f"{form.__module__}.{form.__name__}.{name}"
            if label is None and where not in LABELLED_WHEN_BUILT:
                unlabelled.append(where)
    assert not unlabelled
