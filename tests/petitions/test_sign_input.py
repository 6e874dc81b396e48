"""The sign POST's lean check and SignForm take every post alike: a corpus of posts, in English and Spanish.

Each post of the corpus goes through `sign_input.read` and through the form the page builds
(`sign_form`), each in a request of its own with the same body, language and token: both must
accept it with the same values, or refuse it with the same messages in the same order.
"""

import random
from urllib.parse import urlencode

import pytest
from flask import request
from flask_babel import get_locale, refresh
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from campaign.core import form_tokens
from campaign.extensions import db
from campaign.petitions import abuse, sign_input
from campaign.petitions.forms import SIGNED_FIELDS
from campaign.petitions.models import PetitionSignature
from campaign.petitions.views.public import sign_form
from tests.pages import hidden_inputs, text_of

PETITION_ID = 7
COALITION = "Coalición <Sí> & Unidos"
PATH = "/petitions/end-holds/sign"
LANGUAGES = ("en", "es")
LONG = "x" * 10_000

VALID = {
    "first_name": "Ana",
    "last_name": "Reyes",
    "email": "ana@example.org",
    "zip_code": "19104",
    "comment": "",
    "website": "",
    "source": "",
}
TEXT = [
    "",
    " ",
    "\t \t",
    "\x00",
    "A\x00na",
    "Ana\r\nReyes",
    "Ana\nReyes",
    "Ana\rReyes",
    "Ana\u2028Reyes",
    "\u2029",
    "Ana\u202eReyes",
    "Ana\u2066",
    "\ud800",
    "Ana\udfff",
    "\x7f",
    "Ana\x85",
    "\x1c",
    "\x0b",
    "\xa0Ana\xa0",
    "\u200dAna\u200f",
    "x" * 80,
    "x" * 81,
    " " + "x" * 80 + " ",
    "x" * 1000,
    "x" * 1001,
    LONG,
    "<b>Ana</b>",
    "Ana > Beto",
    "José Ñúñez",
    "Zoë 李",
    "  Ana  ",
    "Ana\x00\n",
    "\x00" * 5,
]
EMAILS = [
    "ana@example.org",
    "  ana@example.org  ",
    "ANA@Example.ORG",
    "ana+firmas@example.org",
    "ana",
    "ana@",
    "@example.org",
    "ana@example",
    "ana@correo-exämple.org",
    "josé@example.org",
    "ana @example.org",
    "ana@exa mple.org",
    "ana@example.org\n",
    "ana@\x00example.org",
    "a" * 250 + "@example.org",
    "a" * 64 + "@" + "b" * 60 + ".org",
    "a" * 65 + "@example.org",
    "ana@[192.0.2.1]",
    "ana@localhost",
    "\ud800@example.org",
    "ana@@example.org",
    "ana..b@example.org",
    "ana@xn--correo-exmple-jfb.org",
    "<ana@example.org>",
    "ana@example.org, beto@example.org",
    LONG,
]
ZIPS = [
    "19104",
    "19104-1234",
    "191041234",
    " 19104 ",
    "00000",
    "99999",
    "1910",
    "191045",
    "ABCDE",
    "1910A",
    "19104-",
    "19104-12",
    "90210",
    "10001",
    "１９１０４",
    "19104\n",
    "\x0019104",
    "19 104",
    LONG,
]
CHECKBOX = ["y", "on", "false", "", "False", "0", "true", "\x00", "no"]
SOURCES = ["juntos", "jun\r\ntos", "  juntos  hoy ", "\x00juntos", "x" * 300, LONG, "\u202ejuntos", "\ud800"]
UNKNOWN = [("admin", "1"), ("first_name2", "Eve"), ("email ", "eve@example.org"), ("", "nameless")]
TOKENS = [
    "valid", "missing", "empty", "forged", "other_petition", "other_language", "expired",
    "nul_inside", "line_break", "valid_then_forged", "forged_then_valid", "spaces",
]  # fmt: skip
STAMPS = ["valid", "missing", "forged", "old", "other_petition", "line_break"]
POOLS = {
    "first_name": TEXT,
    "last_name": TEXT,
    "email": EMAILS,
    "zip_code": ZIPS,
    "comment": TEXT + ["Por mis hijos\r\ny mis nietos", "<script>alert(1)</script>"],
    "website": ["http://spam.example", "\n", "\x00", "x" * 300],
    "source": SOURCES,
}


def hand_written() -> list[dict]:
    """Every field alone: each value of its pool, missing, and sent twice; every box and token state."""
    posts = [{"pairs": list(VALID.items())}]
    for name, pool in POOLS.items():
        posts.append({"pairs": [(key, value) for key, value in VALID.items() if key != name]})
        posts += [{"pairs": list((VALID | {name: value}).items())} for value in pool]
        posts.append({"pairs": [*VALID.items(), (name, "\x00second")]})
        posts.append({"pairs": [(name, pool[0]), *VALID.items()]})
    for box in ("show_name", "subscribe", "submit"):
        posts += [{"pairs": [*VALID.items(), (box, value)]} for value in CHECKBOX]
        posts.append({"pairs": [*VALID.items(), (box, "false"), (box, "y")]})
    posts += [{"pairs": [*VALID.items(), pair]} for pair in UNKNOWN]
    posts += [{"pairs": list(VALID.items()), "token": token} for token in TOKENS]
    posts += [{"pairs": list(VALID.items()), "stamp": stamp} for stamp in STAMPS]
    posts += [{"pairs": []}, {"pairs": [], "token": "missing"}, {"pairs": [("first_name", "Ana")]}]
    posts += [{"pairs": list(VALID.items()), "csrf": False}, {"pairs": [], "csrf": False}]
    posts += [{"body": body} for body in RAW_BODIES]
    return posts


# Bytes no browser sends as UTF-8: the request decodes them as it can, for both alike.
RAW_BODIES = [
    b"first_name=%FF%FEAna&email=ana%40example.org&zip_code=19104",
    b"first_name=Ana&email=ana%40example.org&zip_code=19104&comment=%ED%A0%80",
    b"first_name=Ana%C0%80&email=ana%40example.org&zip_code=19104",
    b"first_name=Ana&&&email=ana%40example.org&zip_code=19104&=&show_name",
    b"first_name=Ana;email=ana%40example.org;zip_code=19104",
]


def generated(count: int, seed: int = 19) -> list[dict]:
    """Posts with several fields changed at once, drawn from the pools by a seeded generator."""
    chance = random.Random(seed)
    posts = []
    for _ in range(count):
        values = dict(VALID)
        for name, pool in POOLS.items():
            if chance.random() < 0.25:
                values[name] = chance.choice(pool)
        pairs = [(name, value) for name, value in values.items() if chance.random() > 0.05]
        for box in ("show_name", "subscribe"):
            if chance.random() < 0.6:
                pairs.append((box, chance.choice(CHECKBOX)))
        if chance.random() < 0.1:
            name = chance.choice(list(POOLS))
            pairs.insert(chance.randrange(len(pairs) + 1), (name, chance.choice(POOLS[name])))
        if chance.random() < 0.1:
            pairs.append(chance.choice(UNKNOWN))
        chance.shuffle(pairs)
        token = "valid" if chance.random() < 0.8 else chance.choice(TOKENS)
        stamp = "valid" if chance.random() < 0.8 else chance.choice(STAMPS)
        posts.append({"pairs": pairs, "token": token, "stamp": stamp})
    return posts


CORPUS = hand_written() + generated(400)


@pytest.fixture
def tokens(app, signed_ago):
    """Each token state's values for a page in `language`."""

    def issue(purpose, language, **age):
        with app.test_request_context(headers={"Accept-Language": language}):
            refresh()  # the app context (and its cached language) outlives each request here
            if not age:
                return form_tokens.issue(purpose)
            with signed_ago(**age):
                return form_tokens.issue(purpose)

    def of(state: str, language: str) -> list[str]:
        mine = form_tokens.purpose_of(sign_input.SignForm, PETITION_ID)
        valid = issue(mine, language)
        other = {"en": "es", "es": "en"}[language]
        return {
            "valid": [valid],
            "missing": [],
            "empty": [""],
            "forged": ["not-a-token"],
            "other_petition": [issue(form_tokens.purpose_of(sign_input.SignForm, PETITION_ID + 1), language)],
            "other_language": [issue(mine, other)],
            "expired": [issue(mine, language, hours=25)],
            "nul_inside": [valid[:5] + "\x00" + valid[5:]],
            "line_break": [valid[:5] + "\n" + valid[5:]],
            "valid_then_forged": [valid, "not-a-token"],
            "forged_then_valid": ["not-a-token", valid],
            "spaces": [f" {valid} "],
        }[state]

    return of


@pytest.fixture
def stamps(app, signed_ago):
    with app.test_request_context():
        with signed_ago(days=3):
            old = abuse.form_stamp(PETITION_ID)
        valid = abuse.form_stamp(PETITION_ID)
        return {
            "valid": [valid],
            "missing": [],
            "forged": ["forged-stamp"],
            "old": [old],
            "other_petition": [abuse.form_stamp(PETITION_ID + 1)],
            "line_break": [valid[:4] + "\r\n" + valid[4:]],
        }


def _posted(app, post: dict, language: str, tokens, stamps):
    """A request context for `post`, its form decoded from the body (or set as it is, for text
    no body can carry: a lone surrogate)."""
    pairs = list(post.get("pairs", []))
    if "body" not in post:
        pairs += [("started", stamp) for stamp in stamps[post.get("stamp", "valid")]]
        pairs += [("csrf_token", token) for token in tokens(post.get("token", "valid"), language)]
    try:
        body = post.get("body") or urlencode(pairs).encode()
    except UnicodeEncodeError:
        body = None
    context = app.test_request_context(
        PATH,
        method="POST",
        data=body or b"",
        content_type="application/x-www-form-urlencoded",
        headers={"Accept-Language": language},
    )
    return context, (None if body is not None else MultiDict(pairs))


def _outcome_of_form() -> tuple:
    form = sign_form(PETITION_ID, COALITION)
    if form.validate_on_submit():
        saved = {name: form[name].data for name in SIGNED_FIELDS}
        values = saved, form.website.data, form.started.data, form.consent_given
        return "accepted", values, str(get_locale())
    return (
        "refused",
        [(name, [str(m) for m in messages]) for name, messages in form.errors.items()],
        str(get_locale()),
    )


def _outcome_of_lean() -> tuple:
    signed = sign_input.read(request.form, PETITION_ID, COALITION)
    if isinstance(signed, sign_input.Signing):
        values = signed.fields, signed.website, signed.started, signed.consent_given
        return "accepted", values, str(get_locale())
    return (
        "refused",
        [(name, [str(m) for m in messages]) for name, messages in signed.items()],
        str(get_locale()),
    )


def _run(app, post, language, tokens, stamps, outcome):
    context, form_set = _posted(app, post, language, tokens, stamps)
    with context:
        refresh()  # the app context (and its cached language) outlives each request here
        if form_set is not None:
            request.form = form_set
        return outcome()


def test_the_corpus_is_large_and_mixed():
    assert len(CORPUS) >= 500


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_lean_check_and_the_form_take_every_post_of_the_corpus_alike(
    app, monkeypatch, tokens, stamps, language
):
    accepted = 0
    for number, post in enumerate(CORPUS):
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", post.get("csrf", True))
        by_form = _run(app, post, language, tokens, stamps, _outcome_of_form)
        by_lean = _run(app, post, language, tokens, stamps, _outcome_of_lean)
        assert by_lean == by_form, (number, post)
        accepted += by_form[0] == "accepted"
    assert 100 < accepted < len(CORPUS) - 100  # both outcomes well represented


def test_the_refusals_are_in_spanish_on_a_spanish_page(app, tokens, stamps):
    post = {"pairs": list((VALID | {"first_name": "", "last_name": "x" * 81, "zip_code": "ABCDE"}).items())}
    outcome, errors, language = _run(app, post, "es", tokens, stamps, _outcome_of_lean)
    assert (outcome, language) == ("refused", "es")
    assert dict(errors) == {
        "first_name": ["Escribe tu nombre."],
        "last_name": ["Usa como máximo 80 caracteres."],
        "zip_code": ["No conocemos este código postal. Escribe cinco dígitos, como 19104."],
    }


# End to end: the view signs with the lean check and shows a refused post with the form.


def test_a_valid_post_signs_and_queues_the_confirmation(client, make_petition, sign, mailbox):
    petition = make_petition()
    response = sign(petition, confirm=False, source="juntos", show_name="y")
    assert "/thanks" in response.location and "source=juntos" in response.location
    signature = db.session.scalar(select(PetitionSignature))
    assert (signature.petition_id, signature.source, signature.show_name) == (petition.id, "juntos", True)
    assert mailbox.last_link("ana@example.org", "/petitions/confirm/")


@pytest.mark.parametrize(
    ("language", "first_name_message", "zip_message"),
    [
        ("en", "Enter your first name.", "We do not know this ZIP code."),
        ("es", "Escribe tu nombre.", "No conocemos este código postal."),
    ],
)
def test_an_invalid_post_answers_400_with_the_errors_and_what_was_typed(
    requests_start_afresh, app, make_petition, csrf_on, language, first_name_message, zip_message
):
    petition = make_petition()
    csrf_on()
    visitor = app.test_client()
    page = visitor.get(f"/petitions/{petition.slug}", headers={"Accept-Language": language})
    typed = {"first_name": " ", "last_name": "Reyes", "email": "ana@example.org", "zip_code": "ABCDE"}
    typed |= {"comment": "Por mis hijos", "show_name": "y"}
    response = visitor.post(
        f"/petitions/{petition.slug}/sign",
        data=hidden_inputs(page) | typed,
        headers={"Accept-Language": language},
    )
    assert response.status_code == 400
    shown = text_of(response)
    assert first_name_message in shown and zip_message in shown
    html = response.get_data(as_text=True)
    for value in ("Reyes", "ana@example.org", "ABCDE"):
        assert f'value="{value}"' in html, value
    assert "Por mis hijos</textarea>" in html and 'checked id="show_name"' in html
    assert db.session.scalar(select(PetitionSignature)) is None


# The organizer's own mistake: a rule added to SignForm where the lean check cannot see it.


def _sign_form_with(**members):
    return type("SignFormChanged", (sign_input.SignForm,), members)


@pytest.mark.parametrize(
    "changed",
    [
        {"nickname": TextAreaField("Nickname", [DataRequired()])},  # validators by position
        {"nickname": StringField("Nickname", default="Ana")},
        {"nickname": SelectField("Nickname", choices=["Ana"])},
        {"validate_first_name": lambda form, field: None},
        {"filter_first_name": staticmethod(lambda value: value)},
        {"validate": lambda form, extra_validators=None: True},
        {"post_process": lambda form, formdata=None: None},
    ],
    ids=["positional", "default", "select", "inline_validator", "inline_filter", "validate", "post_process"],
)
def test_a_rule_the_lean_check_would_skip_stops_the_app_from_loading(changed):
    with pytest.raises(TypeError, match="the lean check does not run"):
        sign_input._rules_of(_sign_form_with(**changed))


def test_the_rules_are_every_field_of_the_sign_form_in_its_order(app):
    with app.test_request_context():
        form = sign_form(PETITION_ID, COALITION)
    fields = [field.name for field in form if field.name != "csrf_token"]
    assert [rule.name for rule in sign_input.RULES] == fields
