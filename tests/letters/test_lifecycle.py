"""A letter's life: versions, embargo, deadline, summary, packet, export, delivery and response."""

import csv
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from campaign.core.exports import ExportLog
from campaign.core.outbox import utcnow
from campaign.extensions import db as _db
from campaign.letters import services
from campaign.letters.models import LetterState, Signature
from campaign.letters.tasks import keep_letters_on_time
from tests.letters.conftest import approve_all, letter_form, save_change
from tests.pages import click_confirm, text_of


def _url(coalition, letter, rest=""):
    return f"/coalitions/{coalition.slug}/letters/{letter.id}{rest}"


def test_editing_a_signed_text_makes_a_version_signers_must_reconfirm(
    client, coalition, make_letter, sign, mailbox
):
    letter = make_letter()
    sign(letter)
    approve_all(client, coalition, letter)
    assert "Juntos" in text_of(client.get(f"/letters/{letter.slug}"))

    changed = letter_form(body="Dear Secretary Johnson,\n\nA stronger text.")
    save_change(client, _url(coalition, letter, "/edit"), changed, "new_version")
    _db.session.refresh(letter)
    assert letter.version == 2
    public = text_of(client.get(f"/letters/{letter.slug}"))
    assert "Juntos" not in public and "A stronger text." in public and "Version 2" in public
    assert "1 signed an earlier version" in text_of(client.get(_url(coalition, letter)))

    message = mailbox.to("erika@juntos.example")[-1]
    assert message["Subject"] == "The letter changed: please confirm your signature again"
    link = mailbox.last_link("erika@juntos.example", "/letters/confirm/")
    assert "The letter changed after you signed" in text_of(client.get(link))
    assert "you signed the new version" in text_of(click_confirm(client, link))
    assert "Juntos" in text_of(client.get(f"/letters/{letter.slug}"))


def test_settings_changes_make_no_new_version(client, coalition, make_letter, sign):
    letter = make_letter()
    sign(letter)
    response = client.post(_url(coalition, letter, "/edit"), data=letter_form(allow_individuals="y"))
    assert response.status_code == 302
    _db.session.refresh(letter)
    assert letter.version == 1 and letter.allow_individuals


@pytest.mark.usefixtures("requests_start_afresh")
def test_an_embargoed_letter_is_private_until_released(app, client, coalition, make_letter, sign, mailbox):
    letter = make_letter(embargoed="y")
    public = app.test_client()  # the organizers see a preview (tests/coalitions/test_preview.py)
    assert public.get(f"/letters/{letter.slug}").status_code == 404
    assert public.get(f"/letters/sign/{letter.signon_key}").status_code == 200
    sign(letter)
    approve_all(client, coalition, letter)
    assert public.get(f"/letters/{letter.slug}").status_code == 404

    client.post(_url(coalition, letter, "/release"))
    assert "Juntos" in text_of(client.get(f"/letters/{letter.slug}"))
    assert client.get(f"/letters/sign/{letter.signon_key}").status_code == 200
    assert mailbox.to("erika@juntos.example")[-1]["Subject"].startswith("The letter you signed is now public")


def test_the_release_time_publishes_by_itself(client, coalition, make_letter):
    letter = make_letter(embargoed="y")
    letter.release_at = utcnow() - timedelta(seconds=1)
    _db.session.commit()
    keep_letters_on_time()
    assert client.get(f"/letters/{letter.slug}").status_code == 200


@pytest.mark.usefixtures("requests_start_afresh")
def test_a_draft_is_invisible_to_the_public(app, make_letter):
    letter = make_letter(open_it=False)
    public = app.test_client()
    assert public.get(f"/letters/{letter.slug}").status_code == 404
    assert public.get(f"/letters/sign/{letter.signon_key}").status_code == 404


def test_at_the_deadline_the_letter_closes_and_late_sign_ons_wait(client, coalition, make_letter, sign):
    letter = make_letter(auto_approve_domains="y")
    letter.deadline = utcnow() - timedelta(minutes=1)
    _db.session.commit()
    keep_letters_on_time()
    _db.session.refresh(letter)
    assert letter.state == LetterState.CLOSED
    assert "deadline has passed" in text_of(client.get(f"/letters/sign/{letter.signon_key}"))
    sign(letter)
    signature = _db.session.scalar(select(Signature))
    assert signature.late and signature.state.value == "pending"
    assert "Late" in text_of(client.get(_url(coalition, letter, "/signatures")))
    approve_all(client, coalition, letter)
    assert "Juntos" in text_of(client.get(f"/letters/{letter.slug}"))


def _sign_many(letter, sign, names):
    for number, (name, scope, state) in enumerate(names):
        sign(
            letter,
            organization_name=name,
            scope=scope,
            us_state=state,
            email=f"s{number}@org{number}.example",
        )


def test_summary_names_national_organizations_first_and_counts_the_rest(client, coalition, make_letter, sign):
    letter = make_letter()
    _sign_many(
        letter,
        sign,
        [
            ("Casa de Maryland", "state", "MD"),
            ("United We Dream", "national", "DC"),
            ("American Civil Liberties Union", "national", "NY"),
            ("Juntos", "local", "PA"),
            ("National Domestic Workers Alliance", "national", "NY"),
        ],
    )
    approve_all(client, coalition, letter)
    public = text_of(client.get(f"/letters/{letter.slug}"))
    assert (
        "Signed by American Civil Liberties Union, National Domestic Workers Alliance, United We Dream "
        "and 2 more organizations." in public
    )
    assert public.index("National") < public.index("Maryland") < public.index("Pennsylvania")

    ids = {s.organization.name: s.organization_id for s in _db.session.scalars(select(Signature))}
    client.post(
        _url(coalition, letter, "/summary"),
        data={"first": ids["United We Dream"], "second": ids["Juntos"], "third": 0},
    )
    assert "Signed by United We Dream, Juntos and 3 more organizations." in text_of(
        client.get(f"/letters/{letter.slug}")
    )
    client.get("/language/es")
    assert "Firmada por United We Dream, Juntos y 3 organizaciones más." in text_of(
        client.get(f"/letters/{letter.slug}")
    )


def test_packet_pdf_lists_every_signatory_with_the_fingerprint_of_the_page(
    client, coalition, make_letter, sign
):
    letter = make_letter()
    _sign_many(letter, sign, [("Juntos", "local", "PA"), ("Puentes de Salud", "local", "PA")])
    approve_all(client, coalition, letter)
    response = client.get(_url(coalition, letter, "/packet.pdf"))
    assert response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert (
        "Juntos" in text
        and "Puentes de Salud" in text
        and "Jeh Johnson" in text
        and "2 organizations" in text
    )
    public = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    fingerprint = public.split('class="fingerprint">')[1].split("<")[0]
    assert fingerprint in text.replace("\n", "")


def test_csv_export_is_for_admins_logged_and_formula_safe(
    client, coalition, make_letter, sign, add_teammate_login
):
    letter = make_letter()
    sign(letter, organization_name='=HYPERLINK("http://evil.example")', signer_name="Zoë Ñáñez")
    approve_all(client, coalition, letter)
    response = client.get(_url(coalition, letter, "/signatories.csv"))
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][0] == "Name on this letter" and rows[1][0].startswith("'=HYPERLINK")
    assert rows[1][1] == "Zoë Ñáñez" and rows[1][3] == "erika@juntos.example"
    assert _db.session.scalar(select(ExportLog)).row_count == 1

    add_teammate_login(coalition, "organizer")
    assert client.get(_url(coalition, letter, "/signatories.csv")).status_code == 403


def test_delivery_and_response_are_told_to_every_approved_signatory(
    client, coalition, make_letter, sign, mailbox
):
    letter = make_letter()
    sign(letter)
    approve_all(client, coalition, letter)
    today = utcnow().date().isoformat()
    response = client.post(
        _url(coalition, letter, "/delivery"),
        data={
            "delivered_on": today,
            "delivery_method": "By email and in person",
            "delivered_to": "Office of the Secretary",
        },
    )
    assert response.status_code == 302
    assert mailbox.to("erika@juntos.example")[-1]["Subject"].startswith("Delivered:")
    assert "Delivered on" in text_of(client.get(f"/letters/{letter.slug}"))
    assert "Sign-on is closed" in text_of(client.get(f"/letters/sign/{letter.signon_key}"))

    client.post(
        _url(coalition, letter, "/response"),
        data={"response_on": today, "response": "We will review 287(g)."},
    )
    assert mailbox.to("erika@juntos.example")[-1]["Subject"].startswith("A response to the letter")
    assert "We will review 287(g)." in text_of(client.get(f"/letters/{letter.slug}"))


def test_services_refuse_moves_the_letter_cannot_make(make_letter):
    letter = make_letter()
    try:
        services.reopen(letter)
    except services.LetterStateError:
        pass
    else:
        raise AssertionError("an open letter cannot be reopened")
