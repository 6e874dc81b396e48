"""One place cleans and checks every form's text and choices (core/text.py), for every form.

The forms here are the app's own, built from crafted submissions as a request would build them;
the features' pages are tried with the same attacks in their own tests (test_hostile_input.py).
"""

import importlib
import pkgutil

import pytest
from flask_babel import refresh
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from wtforms import Form, FormField
from wtforms.fields.core import UnboundField

import campaign
from campaign.core.addresses import UndeliverableAddress, ascii_address
from campaign.core.forms import AppForm, NestedForm
from campaign.core.mail import build_message
from campaign.core.places import zip5
from campaign.core.text import query_text
from campaign.letters.forms import LetterForm, SignOnForm
from campaign.organizations.forms import LinkForm
from campaign.petitions.forms import PaperForm, SignForm
from tests.letters.conftest import letter_form
from tests.letters.conftest import sign_form as sign_on_form

CONTROL_REMOVED = "This field had invisible control characters, which we removed."
ONE_LINE_ONLY = "This field takes a single line"
IDN = "maria@correo-exämple.org"
IDN_ASCII = "maria@xn--correo-exmple-jfb.org"


def submitted(form_class, values: dict, **kwargs):
    """The form as a POST with these values builds it, validated."""
    form = form_class(formdata=MultiDict(values), **kwargs)
    form.validate()
    return form


def petition_signature(**overrides) -> dict:
    return {"first_name": "Ana", "email": "ana@example.org", "zip_code": "19104"} | overrides


def every_form_class() -> set[type]:
    for module in pkgutil.walk_packages(campaign.__path__, "campaign."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, waiting = set(), [Form]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            waiting.append(subclass)
            if subclass.__module__.startswith("campaign."):
                found.add(subclass)
    return found


def nested_forms(field: UnboundField):
    """The form classes a field encloses: FormField(F), FieldList(FormField(F))."""
    if issubclass(field.field_class, FormField):
        yield field.args[0]
    for argument in field.args:
        if isinstance(argument, UnboundField):
            yield from nested_forms(argument)


def test_every_form_is_checked_through_appform_so_a_new_one_cannot_forget(app):
    forms = every_form_class()
    nested = {
        enclosed
        for form in forms
        for value in vars(form).values()
        if isinstance(value, UnboundField)
        for enclosed in nested_forms(value)
    }
    assert forms, "no forms found"
    # A plain Form is allowed only inside an AppForm, whose check walks into it; a NestedForm,
    # so that it speaks our messages, not WTForms' (core/form_errors.py).
    assert {form for form in forms if not issubclass(form, AppForm)} - {NestedForm} <= nested
    assert all(issubclass(form, NestedForm) for form in nested)


@pytest.mark.parametrize(
    "character",
    [
        *["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800", "\udfff"],
        # Bidirectional embeddings, overrides (RLO turns "Philadelphia" around) and isolates.
        *["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
    ],
    ids=repr,
)
def test_a_control_character_or_lone_surrogate_is_refused_and_the_rest_kept(app, character):
    with app.test_request_context("/", method="POST"):
        form = submitted(SignOnForm, sign_on_form(city=f"Phila{character}delphia"))
        assert list(form.errors) == ["city"]
        assert CONTROL_REMOVED in str(form.errors["city"][0])
        assert form.city.data == "Philadelphia"
        # The form shown again can be sent: a lone surrogate echoed back cannot be encoded.
        for field in form:
            str(field()).encode("utf-8")


@pytest.mark.parametrize(
    "name",
    [
        "\u05e9\u05e8\u05d4\u200f",  # a Hebrew name ended by RLM, as Hebrew keyboards type it
        "\u0645\u0631\u064a\u0645\u200e Reyes",  # an Arabic name, LRM before the Latin one
        "\u0936\u094d\u200d\u0930\u0940",  # Devanagari with a ZWJ
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian with a ZWNJ
        "Ana \U0001f469\U0001f3fd\u200d\U0001f33e",  # an emoji joined by ZWJ
    ],
    ids=["RLM", "LRM", "ZWJ", "ZWNJ", "emoji ZWJ"],
)
def test_direction_marks_and_joiners_that_names_need_pass_untouched(app, name):
    with app.test_request_context("/", method="POST"):
        form = submitted(SignForm, petition_signature(first_name=name))
        assert form.errors == {}
        assert form.first_name.data == name


def test_a_value_made_only_of_control_characters_is_refused_not_taken_for_empty(app):
    with app.test_request_context("/", method="POST"):
        form = submitted(SignOnForm, sign_on_form(signer_title="\x00\x00"))
        assert CONTROL_REMOVED in str(form.errors["signer_title"][0])
        assert form.signer_title.data == ""


def test_a_single_line_field_refuses_line_breaks_and_shows_them_as_spaces(app):
    with app.test_request_context("/", method="POST"):
        for pasted in ("Ana\nMaría", "Ana\r\nMaría", "Ana\rMaría", "Ana\u2028María"):
            form = submitted(SignForm, petition_signature(first_name=pasted))
            assert list(form.errors) == ["first_name"], pasted
            assert ONE_LINE_ONLY in str(form.errors["first_name"][0])
            assert form.first_name.data == "Ana María"


def test_a_multi_line_field_keeps_its_line_breaks_as_line_feeds_and_tabs_pass(app):
    with app.test_request_context("/", method="POST"):
        form = submitted(SignForm, petition_signature(first_name="Ana\tMaría", comment="One\r\ntwo\rthree\n"))
        assert form.errors == {}
        assert form.comment.data == "One\ntwo\nthree"


def test_a_hidden_field_is_cleaned_silently_since_nobody_can_correct_it(app):
    with app.test_request_context("/", method="POST"):
        form = submitted(SignForm, petition_signature(source="email\x00\r\nSet-Cookie: x" + "y" * 100))
        assert form.errors == {}
        assert form.source.data == ("email Set-Cookie: x" + "y" * 100)[:40]


def test_fields_of_a_nested_form_are_checked_too(app):
    with app.test_request_context("/", method="POST"):
        form = submitted(
            LetterForm, letter_form(**{"targets-1-office": "ICE\x00", "targets-0-name": "Jeh\nJ"})
        )
        rows = form.errors["targets"]
        assert CONTROL_REMOVED in str(rows[1]["office"][0])
        assert ONE_LINE_ONLY in str(rows[0]["name"][0])
        assert form.targets[1].form.office.data == "ICE"


def test_the_messages_speak_spanish(app):
    with app.test_request_context("/", method="POST", headers={"Accept-Language": "es"}):
        form = submitted(SignForm, petition_signature(first_name="Ana\x00", last_name="Reyes\nRuiz"))
        assert str(form.errors["first_name"][0]).startswith("Este campo tenía caracteres de control")
        assert str(form.errors["last_name"][0]).startswith("Este campo admite una sola línea")


def test_the_choose_placeholder_means_missing_with_the_fields_own_message(app):
    with app.test_request_context("/", method="POST"):
        for left_empty in ("", "   "):
            form = submitted(SignOnForm, sign_on_form(sector=left_empty, scope=left_empty))
            assert form.errors == {
                "sector": ["Choose the sector closest to your organization’s work."],
                "scope": ["Choose whether your organization works nationally, statewide or locally."],
            }
            assert form.sector.data is None


def test_a_choice_left_empty_where_none_is_needed_is_no_error(app):
    with app.test_request_context("/", method="POST"):
        individual = sign_on_form(kind="individual", organization_name="", sector="", authorized="")
        del individual["scope"]
        form = submitted(SignOnForm, individual, allow_individuals=True)
        assert form.errors == {}
        assert "sector" not in form.fields_for_save()


@pytest.mark.parametrize("crafted", ["bogus", "grassroots\x00", " grassroots", "0", "\u00a0"], ids=repr)
def test_a_crafted_choice_is_refused(app, crafted):
    with app.test_request_context("/", method="POST"):
        form = submitted(SignOnForm, sign_on_form(sector=crafted, scope=crafted))
        assert set(form.errors) == {"sector", "scope"}


def test_a_required_choice_sent_blank_is_missing_and_never_saved_as_none(app):
    with app.test_request_context("/", method="POST"):
        form = submitted(LetterForm, letter_form(time_zone="  "))
        assert form.errors == {"time_zone": ["Fill in this field."]}
        form = LinkForm(formdata=MultiDict({"duplicate": ""}))
        form.offer([])
        assert not form.validate() and "duplicate" in form.errors


def test_a_path_segment_with_a_control_character_or_too_long_matches_no_route(app):
    urls = app.url_map.bind("localhost")
    assert urls.match("/petitions/end-287g")[0] == "petitions.public_petition"
    for crafted in ("end\x00", "end\x0a287g", "end\x85", "a" * 1001):
        with pytest.raises(NotFound):
            urls.match(f"/petitions/{crafted}")


def test_a_query_string_filter_is_one_line_and_short(app):
    with app.test_request_context("/?state=%0d%0aPA%00&q=" + "x" * 500):
        assert query_text("state", 2) == "PA"
        assert query_text("q", 200) == "x" * 200
        assert query_text("absent", 10) == ""


def test_an_international_domain_is_sent_in_ascii_and_an_accented_local_part_never():
    assert ascii_address(IDN) == IDN_ASCII
    assert ascii_address("ana@example.org") == "ana@example.org"
    for undeliverable in ("josé@example.org", "ü@ü.de", "ana@exa mple.org\u00e9"):
        with pytest.raises(UndeliverableAddress) as refused:
            ascii_address(undeliverable)
        assert "@" not in str(refused.value).replace("the @", "")  # never quotes the address


def test_the_email_field_stores_an_international_domain_in_ascii(app):
    with app.test_request_context("/", method="POST"):
        assert submitted(SignForm, petition_signature(email=IDN)).email.data == IDN_ASCII
        refused = submitted(SignForm, petition_signature(email="josé@example.org"))
        assert str(refused.errors["email"][0]).startswith("Use an address with no accents")
    with app.test_request_context("/", method="POST", headers={"Accept-Language": "es"}):
        refresh()  # the language the first request chose is kept in the app context
        refused = submitted(SignForm, petition_signature(email="josé@example.org"))
        assert str(refused.errors["email"][0]).startswith("Usa una dirección sin acentos")


def test_the_mail_layer_makes_every_header_value_one_line(app):
    with app.test_request_context("/"):
        message = build_message(
            IDN,
            "Event proposed: line1\nline2\r\nBcc: x@evil.example",
            "Hi",
            reply_to_header="A\nB <replies@example.org>\r\nBcc: y@evil.example",
        )
    assert message["To"] == IDN_ASCII
    assert message["Subject"] == "Event proposed: line1 line2 Bcc: x@evil.example"
    assert message["Bcc"] is None
    assert "\n" not in message["Reply-To"] and "\r" not in message["Reply-To"]


def test_zip_plus_four_is_its_five_digit_zip():
    assert zip5("30093-1234") == zip5("300931234") == zip5("30093 1234") == "30093"
    assert zip5("3009") == "3009" and zip5("30093-12") == "30093-12"


def test_zip_plus_four_is_accepted_and_kept_as_five_digits(app):
    with app.test_request_context("/", method="POST"):
        form = submitted(SignForm, petition_signature(zip_code="19104-1234"))
        assert form.errors == {}
        assert form.zip_code.data == "19104"


def test_a_text_field_missing_from_a_submission_is_empty_not_none(app):
    with app.test_request_context("/", method="POST"):
        form = submitted(PaperForm, {"organization_id": "0", "count": "3"}, organizations=[])
        assert form.errors == {}
        assert form.names.data == ""
