"""Hostile bytes on a petition's pages: each answered on the form, never stored, never a 500."""

from io import BytesIO
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from campaign.extensions import db
from campaign.petitions.models import Petition, PetitionSignature
from tests.pages import text_of
from tests.petitions.conftest import petition_form, sign_form

IDN = "maria@correo-exämple.org"
IDN_ASCII = "maria@xn--correo-exmple-jfb.org"


def post_signature(client, petition, **overrides):
    return client.post(f"/petitions/{petition.slug}/sign", data=sign_form(client, petition, **overrides))


@pytest.mark.parametrize(
    ("field", "value", "kept", "message"),
    [
        ("first_name", "Ana\x00", 'value="Ana"', "This field had invisible control characters"),
        ("last_name", "Reyes\x1b[2J", 'value="Reyes[2J"', "This field had invisible control characters"),
        ("comment", "Families\x00 together", "Families together</textarea>", "invisible control characters"),
        ("first_name", "Ana\r\nBcc: x", 'value="Ana Bcc: x"', "This field takes a single line"),
    ],
)
def test_a_nul_control_or_line_break_in_a_signature_is_refused_and_everything_typed_kept(
    client, make_petition, field, value, kept, message
):
    petition = make_petition()
    response = post_signature(client, petition, **{field: value}, zip_code="19104", email="ana@example.org")
    assert response.status_code == 400
    assert message in text_of(response)
    page = response.get_data(as_text=True)
    assert kept in page and 'value="ana@example.org"' in page and 'value="19104"' in page
    assert db.session.query(PetitionSignature).count() == 0


def test_the_refusal_speaks_spanish(client, make_petition):
    petition = make_petition()
    client.get("/language/es")
    response = post_signature(client, petition, first_name="Ana\x00")
    assert "Este campo tenía caracteres de control invisibles" in text_of(response)


def test_a_line_break_in_a_comment_is_kept(client, make_petition, sign):
    sign(make_petition(), confirm=False, comment="Line one\r\nline two")
    assert db.session.scalar(select(PetitionSignature)).comment == "Line one\nline two"


def test_a_1mb_source_gives_a_short_location_and_a_short_stored_source(client, make_petition):
    petition = make_petition()
    huge = "juntos" + "x" * 1_000_000
    page = client.get(f"/petitions/{petition.slug}", query_string={"source": huge}).get_data(as_text=True)
    assert f'name="source" type="hidden" value="{huge[:40]}"' in page
    response = post_signature(client, petition, source=huge + "\r\nSet-Cookie: x=1")
    assert response.status_code == 302
    assert len(response.headers["Location"]) < 200
    assert "Set-Cookie" not in response.headers["Location"]
    assert db.session.scalar(select(PetitionSignature.source)) == huge[:40]


@pytest.mark.parametrize("source", ["jun\x00tos", "jun\r\ntos", "\x00\x1b\r\n"])
def test_a_nul_or_line_break_in_the_source_link_is_dropped_from_the_page_the_row_and_the_redirect(
    client, make_petition, source
):
    petition = make_petition()
    cleaned = " ".join(source.replace("\x00", "").replace("\x1b", "").split())
    page = client.get(f"/petitions/{petition.slug}", query_string={"source": source})
    assert page.status_code == 200
    assert f'name="source" type="hidden" value="{cleaned}"' in page.get_data(as_text=True)
    response = post_signature(client, petition, source=source)
    assert response.status_code == 302
    assert "%00" not in response.headers["Location"] and "%0D" not in response.headers["Location"]
    assert db.session.scalar(select(PetitionSignature.source)) == cleaned


def test_a_1mb_source_on_the_widget_is_cut_to_its_column(client, make_petition):
    petition = make_petition()
    response = client.post(
        f"/petitions/{petition.slug}/embed",
        data=sign_form(client, petition, source="w\x00" + "x" * 1_000_000),
    )
    assert response.status_code == 302
    assert db.session.scalar(select(PetitionSignature.source)) == "w" + "x" * 39


def test_zip_plus_four_is_accepted_and_stored_as_its_zip(client, make_petition, sign):
    sign(make_petition(), confirm=False, zip_code="19104-1234")
    signature = db.session.scalar(select(PetitionSignature))
    assert (signature.zip_code, signature.us_state) == ("19104", "PA")


def test_an_international_domain_is_stored_and_emailed_in_ascii(client, make_petition, sign, mailbox):
    sign(make_petition(), confirm=False, email=IDN)
    assert [message["To"] for message in mailbox.messages()] == [IDN_ASCII]
    assert "/petitions/confirm/" in mailbox.last_link(IDN_ASCII, "/petitions/confirm/")
    assert db.session.scalar(select(PetitionSignature.email_domain)) == "xn--correo-exmple-jfb.org"


def test_an_accented_local_part_is_refused_with_a_message(client, make_petition):
    petition = make_petition()
    response = post_signature(client, petition, email="josé@example.org")
    assert response.status_code == 400
    assert "Use an address with no accents or special letters before the @" in text_of(response)
    assert 'value="josé@example.org"' in response.get_data(as_text=True)
    assert db.session.query(PetitionSignature).count() == 0


def test_a_nul_in_the_places_filter_or_the_slug_is_no_error(client, make_petition):
    petition = make_petition()
    for state in ("%00", "P%00", "%25", "PA%0d%0a"):
        assert client.get(f"/petitions/{petition.slug}/places?state={state}").status_code == 200
    assert client.get("/petitions/%00/places").status_code == 404


def test_an_organizers_title_with_a_nul_or_a_line_break_is_refused(client, coalition):
    for title in ("End ICE detainers\x00", "End ICE\ndetainers"):
        response = client.post(f"/coalitions/{coalition.slug}/petitions/new", data=petition_form(title=title))
        assert response.status_code == 200
        assert "This field" in text_of(response)
        assert "Mayor Jim Kenney" in response.get_data(as_text=True)  # the rest is kept
    assert db.session.query(Petition).count() == 0


def test_the_thanks_page_link_carries_a_clean_source(client, make_petition):
    petition = make_petition()
    response = post_signature(client, petition, source="juntos")
    assert urlsplit(response.headers["Location"]).query == "source=juntos"


def test_a_json_body_or_a_file_in_a_text_field_is_no_error(client, make_petition):
    petition = make_petition()
    as_json = client.post(
        f"/petitions/{petition.slug}/sign", json={"first_name": 5, "zip_code": [1], "goal": {}}
    )
    assert as_json.status_code == 400
    assert client.post(f"/petitions/{petition.slug}/sign", json=[1, 2]).status_code == 400
    files = sign_form(client, petition) | {
        "first_name": (BytesIO(b"\x00"), "a.txt"),
        "zip_code": (BytesIO(), ""),
    }
    response = client.post(f"/petitions/{petition.slug}/sign", data=files, content_type="multipart/form-data")
    assert response.status_code == 400
    assert db.session.query(PetitionSignature).count() == 0


def test_a_deadline_in_year_9999_is_refused_not_overflowed(client, coalition):
    form = petition_form(deadline="9999-12-31T23:59", time_zone="Pacific/Honolulu")
    response = client.post(f"/coalitions/{coalition.slug}/petitions/new", data=form)
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2199." in text_of(response)
    assert 'value="9999-12-31T23:59"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [
        {"json": {"names": "Ana, 19104"}},
        {"data": {"names": (BytesIO(b"Ana, 19104"), "names.txt")}, "content_type": "multipart/form-data"},
        {"data": b"", "content_type": "application/x-www-form-urlencoded"},
    ],
    ids=["json", "file-in-text-field", "empty"],
)
def test_a_post_with_no_form_fields_to_the_paper_form_is_refused_not_an_error(
    client, coalition, make_petition, body
):
    petition = make_petition()
    response = client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/paper", **body)
    assert response.status_code == 400  # the form again, saying what is missing
    assert db.session.scalar(select(PetitionSignature.id)) is None


def test_a_nul_in_a_confirm_link_or_its_button_is_no_error_and_confirms_nothing(
    client, make_petition, sign, mailbox
):
    petition = make_petition()
    sign(petition, confirm=False, email="ana@example.org")
    link = mailbox.last_link("ana@example.org", "/petitions/confirm/")
    assert client.get("/petitions/confirm/%00").status_code == 404
    assert client.get(link + "%00").status_code == 404
    assert client.post(link, data={"shown": "\x00", "csrf_token": "\x00\r\n"}).status_code == 409
    assert db.session.scalar(select(PetitionSignature.confirmed_at)) is None
