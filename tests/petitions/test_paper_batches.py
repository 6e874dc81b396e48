"""Paper batches: an empty one refused, a mistake corrected or deleted, each change logged."""

import html
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.petitions import paper, tally
from campaign.petitions.models import (
    PaperBatch,
    PaperBatchChange,
    PaperChangeKind,
    PaperEntry,
    Petition,
    Tally,
)
from campaign.petitions.tasks import forget_signers
from tests.pages import hidden_inputs, text_of
from tests.petitions.conftest import organizer_url

THREE_SIGNERS = "Rosa Parks, 19104\nLuis Ortiz, 19120\nAna Soto, 90012"


def _figures(client, petition) -> dict:
    return client.get(f"/petitions/{petition.slug}/count.json").get_json()


def _add(client, coalition, petition, **fields):
    data = {"organization_id": "0", "count": "", "names": ""} | fields
    response = client.post(organizer_url(coalition, petition, "/paper"), data=data)
    assert response.status_code == 302, text_of(response)
    return db.session.scalars(select(PaperBatch).order_by(PaperBatch.id.desc())).first()


def _batch_url(coalition, petition, batch, rest=""):
    return organizer_url(coalition, petition, f"/paper/{batch.id}{rest}")


def _selected(page: str, value) -> bool:
    return bool(re.search(rf'<option (selected value="{value}"|value="{value}" selected)', page))


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This batch is empty: enter how many signatures it has, or list the names and ZIP codes."),
        ("es", "Este lote está vacío: escribe cuántas firmas tiene, o anota los nombres y códigos postales."),
    ],
)
@pytest.mark.parametrize(
    "typed",
    [{"count": "", "names": ""}, {"count": "0", "names": ""}, {"count": "", "names": " \r\n  \r\n"}],
    ids=["nothing", "zero", "blank-lines"],
)
def test_an_empty_batch_is_refused_saying_so_and_keeps_what_was_typed(
    client, coalition, make_petition, member, language, message, typed
):
    petition = make_petition()
    client.get(f"/language/{language}")
    response = client.post(
        organizer_url(coalition, petition, "/paper"), data={"organization_id": str(member.id)} | typed
    )
    assert response.status_code == 400
    assert message in text_of(response)
    page = response.get_data(as_text=True)
    assert _selected(page, member.id)  # who collected it stays chosen
    if typed["count"]:
        assert f'value="{typed["count"]}"' in page
    assert db.session.scalar(select(PaperBatch.id)) is None
    assert db.session.get(Petition, petition.id).paper_count == 0


def test_a_number_that_disagrees_with_the_names_listed_is_refused(client, coalition, make_petition):
    petition = make_petition()
    data = {"organization_id": "0", "count": "5", "names": "Rosa Parks, 19104\nLuis Ortiz, 19120"}
    response = client.post(organizer_url(coalition, petition, "/paper"), data=data)
    assert response.status_code == 400
    assert "You listed 2 names: leave the number empty, or make it match." in text_of(response)
    assert "Luis Ortiz, 19120</textarea>" in response.get_data(as_text=True)
    client.get("/language/es")
    response = client.post(organizer_url(coalition, petition, "/paper"), data=data | {"names": "Rosa, 19104"})
    assert "Anotaste 1 nombre: deja el número vacío o haz que coincida." in text_of(response)
    assert db.session.scalar(select(PaperBatch.id)) is None


def test_a_corrected_batch_moves_the_counts_and_places_and_the_change_is_logged_without_names(
    client, coalition, make_petition, member
):
    petition = make_petition()
    batch = _add(client, coalition, petition, names=THREE_SIGNERS)
    assert _figures(client, petition)["by_state"] == {"PA": 2, "CA": 1}

    shown = client.get(_batch_url(coalition, petition, batch)).get_data(as_text=True)
    assert "Rosa Parks, 19104\nLuis Ortiz, 19120\nAna Soto, 90012</textarea>" in shown
    corrected = {
        "organization_id": str(member.id),
        "count": "",
        "names": "Rosa Parks, 19104\nMarta Diaz, 10001",
    }
    response = client.post(_batch_url(coalition, petition, batch), data=corrected)
    assert response.status_code == 302

    figures = _figures(client, petition)
    assert (figures["paper"], figures["by_state"]) == (2, {"PA": 1, "NY": 1})
    assert db.session.scalar(select(Tally).where(Tally.place == "90012")) is None  # emptied places go
    change = db.session.scalar(select(PaperBatchChange))
    assert change.kind == PaperChangeKind.EDITED and change.batch_id == batch.id
    assert change.before == {"collected_by": "", "count": 3, "named": 3}
    assert change.after == {"collected_by": "Juntos", "count": 2, "named": 2}
    assert "Rosa" not in json.dumps([change.before, change.after])
    page = text_of(client.get(organizer_url(coalition, petition, "/paper")))
    assert (
        "Ana Organizer corrected a batch: Philadelphia Family Unity Network, 3 signatures "
        "(with names and ZIP codes), now Juntos, 2 signatures (with names and ZIP codes)." in page
    )

    # The running tallies agree with the exact recount.
    assert tally.recount(petition.id) == 0
    db.session.commit()
    assert _figures(client, petition)["by_state"] == {"PA": 1, "NY": 1}

    client.post(_batch_url(coalition, petition, batch), data=corrected | {"names": "", "count": "40"})
    assert (_figures(client, petition)["paper"], _figures(client, petition)["by_state"]) == (40, {})


def test_a_second_click_on_save_logs_nothing_more(client, coalition, make_petition):
    petition = make_petition()
    batch = _add(client, coalition, petition, count="12")
    corrected = {"organization_id": "0", "count": "21", "names": ""}
    client.post(_batch_url(coalition, petition, batch), data=corrected)
    again = client.post(_batch_url(coalition, petition, batch), data=corrected, follow_redirects=True)
    assert "Nothing had changed." in text_of(again)
    assert db.session.query(PaperBatchChange).count() == 1
    assert _figures(client, petition)["paper"] == 21


def test_a_deleted_batch_comes_off_the_count_and_a_second_click_deletes_nothing_more(
    client, coalition, make_petition, member
):
    petition = make_petition()
    _add(client, coalition, petition, count="7")
    batch = _add(client, coalition, petition, organization_id=str(member.id), names=THREE_SIGNERS)
    deleted = client.post(_batch_url(coalition, petition, batch, "/delete"), follow_redirects=True)
    assert "Batch deleted: 3 paper signatures taken off the count." in text_of(deleted)
    assert (_figures(client, petition)["paper"], _figures(client, petition)["by_state"]) == (7, {})
    again = client.post(_batch_url(coalition, petition, batch, "/delete"), follow_redirects=True)
    assert "That batch was already deleted." in text_of(again)
    assert _figures(client, petition)["paper"] == 7
    change = db.session.scalar(select(PaperBatchChange))
    assert change.kind == PaperChangeKind.DELETED and change.after == {}
    assert change.before == {"collected_by": "Juntos", "count": 3, "named": 3}
    assert "Ana Organizer deleted a batch: Juntos, 3 signatures (with names and ZIP codes)." in text_of(again)
    client.get("/language/es")
    page = text_of(client.get(organizer_url(coalition, petition, "/paper")))
    assert "Ana Organizer borró un lote: Juntos, 3 firmas (con nombres y códigos postales)." in page


def _paper_form(client, coalition, petition, **typed) -> dict:
    """The paper page's form as the browser sends it (with its one-time key), filled in."""
    shown = client.get(organizer_url(coalition, petition, "/paper"))
    return hidden_inputs(shown) | {"organization_id": "0", "count": "", "names": ""} | typed


def test_a_double_click_on_add_adds_one_batch_and_says_so_once(client, coalition, make_petition):
    petition = make_petition()
    form = _paper_form(client, coalition, petition, count="40")
    assert set(form) == {"once", "organization_id", "count", "names"}
    url = organizer_url(coalition, petition, "/paper")
    first = client.post(url, data=form)
    again = client.post(url, data=form)  # the same form, clicked twice
    assert first.status_code == again.status_code == 302 and first.location == again.location
    page = text_of(client.get(again.location))
    assert page.count("40 paper signatures added.") == 1
    assert db.session.query(PaperBatch).count() == 1
    assert _figures(client, petition)["paper"] == 40

    # The page shown again is a new form: the same number entered again is a second batch.
    client.post(url, data=_paper_form(client, coalition, petition, count="40"))
    assert db.session.query(PaperBatch).count() == 2
    assert _figures(client, petition)["paper"] == 80


def test_the_same_form_sent_at_the_same_moment_adds_one_batch(client, coalition, make_petition, monkeypatch):
    """The second request looked before the first one committed, found nothing, and meets the
    unique key when it writes: it answers with the first one's batch."""
    petition = make_petition()
    form = _paper_form(client, coalition, petition, names=THREE_SIGNERS)
    url = organizer_url(coalition, petition, "/paper")
    assert client.post(url, data=form).status_code == 302
    looked_too_early = iter([None])
    real_lookup = paper._added_by
    monkeypatch.setattr(paper, "_added_by", lambda *key: next(looked_too_early, None) or real_lookup(*key))
    again = client.post(url, data=form, follow_redirects=True)
    assert again.status_code == 200
    assert text_of(again).count("3 paper signatures added.") == 1
    assert db.session.query(PaperBatch).count() == 1
    assert db.session.query(PaperEntry).count() == 3
    assert _figures(client, petition)["paper"] == 3
    assert _figures(client, petition)["by_state"] == {"PA": 2, "CA": 1}


def test_a_key_that_is_not_ours_is_replaced_by_a_new_one(client, coalition, make_petition):
    petition = make_petition()
    url = organizer_url(coalition, petition, "/paper")
    for key in ("", "x" * 10_000, "\x00" * 22, "<script>"):
        form = _paper_form(client, coalition, petition, count="2") | {"once": key}
        assert client.post(url, data=form).status_code == 302, key
    keys = db.session.scalars(select(PaperBatch.form_key)).all()
    assert len(set(keys)) == 4 and all(len(key) == 22 for key in keys)


def test_a_viewer_and_another_coalitions_organizer_can_neither_correct_nor_delete(
    client, coalition, make_petition, log_in_as
):
    petition = make_petition()
    batch = _add(client, coalition, petition, count="12")
    other = make_petition(title="Another petition")
    edit, delete = _batch_url(coalition, petition, batch), _batch_url(coalition, petition, batch, "/delete")
    assert client.get(_batch_url(coalition, other, batch)).status_code == 404  # not this petition's
    correction = {"organization_id": "0", "count": "1", "names": ""}

    # Through another petition's address: not found, and nothing changes (not "already deleted").
    assert client.post(_batch_url(coalition, other, batch, "/delete")).status_code == 404
    assert client.post(organizer_url(coalition, petition, f"/paper/{batch.id + 1}/delete")).status_code == 404

    log_in_as("viewer@example.org", coalition, "viewer")
    assert client.get(edit).status_code == 403
    assert client.post(edit, data=correction).status_code == 403
    assert client.post(delete).status_code == 403

    log_in_as("owner-b@example.org")
    for url in (edit, delete, edit.replace(coalition.slug, "another-coalition")):
        assert client.post(url, data=correction).status_code == 404, url
    assert db.session.get(PaperBatch, batch.id).count == 12
    assert db.session.query(PaperBatchChange).count() == 0


def _names_field(response) -> str:
    page = response.get_data(as_text=True)
    return html.unescape(re.search(r'<textarea[^>]*name="names"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def _forgotten(client, coalition, petition):
    """The petition closed long ago, and the daily retention job has cleared its paper names."""
    client.post(organizer_url(coalition, petition, "/close"))
    db.session.get(Petition, petition.id).closed_at = utcnow() - timedelta(days=181)
    db.session.commit()
    forget_signers()
    db.session.expire_all()
    assert set(db.session.scalars(select(PaperEntry.name))) == {None}


def test_a_batch_whose_names_retention_cleared_shows_its_zip_codes_and_saved_unchanged_changes_nothing(
    client, coalition, make_petition
):
    petition = make_petition()
    batch = _add(client, coalition, petition, names=THREE_SIGNERS)
    _forgotten(client, coalition, petition)
    url = _batch_url(coalition, petition, batch)

    shown = client.get(url)
    assert _names_field(shown).strip() == "19104\n19120\n90012"  # no stand-in to be saved as a name
    assert "The names on this batch were removed once the petition had been closed" in text_of(shown)
    saved = client.post(
        url, data={"organization_id": "0", "count": "", "names": _names_field(shown)}, follow_redirects=True
    )
    assert "Nothing had changed." in text_of(saved)
    assert db.session.query(PaperBatchChange).count() == 0
    db.session.expire_all()
    assert [entry.name for entry in db.session.scalars(select(PaperEntry).order_by(PaperEntry.id))] == [
        None
    ] * 3

    client.get("/language/es")
    assert "Los nombres de este lote se borraron" in text_of(client.get(url))


def test_a_correction_of_a_batch_whose_names_were_cleared_keeps_them_cleared(
    client, coalition, make_petition
):
    petition = make_petition()
    batch = _add(client, coalition, petition, names=THREE_SIGNERS)
    _forgotten(client, coalition, petition)
    url = _batch_url(coalition, petition, batch)

    # A sheet found again: one ZIP code fixed, one signer added with a name.
    corrected = "19104\n19121\n90012\nLuz Mejía, 19104"
    client.post(url, data={"organization_id": "0", "count": "", "names": corrected})
    db.session.expire_all()
    entries = db.session.scalars(select(PaperEntry).order_by(PaperEntry.id)).all()
    assert [(entry.name, entry.zip_code) for entry in entries] == [
        (None, "19104"),
        (None, "19121"),
        (None, "90012"),
        ("Luz Mejía", "19104"),
    ]
    assert _figures(client, petition)["paper"] == 4
    assert db.session.scalar(select(PaperBatchChange.after)) == {"collected_by": "", "count": 4, "named": 4}

    # A line that is neither is still refused, saying what a line may be.
    refused = client.post(url, data={"organization_id": "0", "count": "", "names": "19104\nsomeone"})
    assert refused.status_code == 400
    assert "or a ZIP code alone for a signer whose name was removed (see lines 2)." in text_of(refused)
    client.get("/language/es")
    refused = client.post(url, data={"organization_id": "0", "count": "", "names": "19104\nsomeone"})
    assert "o solo el código postal para una persona cuyo nombre se borró (revisa las líneas 2)." in text_of(
        refused
    )


def test_a_zip_code_alone_is_no_signer_in_a_new_batch(client, coalition, make_petition):
    petition = make_petition()
    response = client.post(
        organizer_url(coalition, petition, "/paper"),
        data={"organization_id": "0", "count": "", "names": "19104"},
    )
    assert response.status_code == 400
    assert "Write each line as a name, a comma and a known ZIP code (see lines 1)." in text_of(response)
    assert db.session.query(PaperBatch).count() == 0


@pytest.mark.parametrize(
    "hostile",
    [
        {"organization_id": "99999"},
        {"organization_id": "\x00"},
        {"count": "twelve"},
        {"count": "-5"},
        {"count": "1" * 10_000},
        {"names": "Rosa\x00 Parks, 19104"},
        {"names": "x" * 10_000},
    ],
    ids=["not-a-choice", "nul-choice", "word", "negative", "10000-digits", "nul-name", "10000-chars"],
)
def test_a_hostile_correction_is_answered_on_the_form_and_changes_nothing(
    client, coalition, make_petition, hostile
):
    petition = make_petition()
    batch = _add(client, coalition, petition, count="12")
    data = {"organization_id": "0", "count": "13", "names": ""} | hostile
    response = client.post(_batch_url(coalition, petition, batch), data=data)
    assert response.status_code == 400
    assert re.search(r'<p class="error"', response.get_data(as_text=True))
    assert _figures(client, petition)["paper"] == 12
    assert db.session.query(PaperBatchChange).count() == 0


def test_paper_without_zip_codes_is_a_line_of_its_own_and_every_table_adds_up(
    client, coalition, make_petition, sign, member
):
    from tests.petitions.conftest import tally_now

    petition = make_petition()
    sign(petition, zip_code="19104")
    tally_now()
    _add(client, coalition, petition, organization_id=str(member.id), count="1200")
    _add(client, coalition, petition, names="Rosa Parks, 90012")

    places = client.get(f"/petitions/{petition.slug}/places")
    rows = _rows(places)
    assert rows == [
        ("California", "1"),
        ("Pennsylvania", "1"),
        ("1,200 paper signatures without a place", "1,200"),
    ]
    assert "All signatures 1,202" in text_of(places)
    assert sum(int(n.replace(",", "")) for _, n in rows) == 1202

    sources = client.get(organizer_url(coalition, petition, "/signers"))
    assert "On paper without ZIP codes, collected by Juntos 1,200" in text_of(sources)
    assert "On paper, collected by Philadelphia Family Unity Network 1" in text_of(sources)
    assert "No source (direct visits) 1" in text_of(sources)
    assert "All signatures 1,202" in text_of(sources)

    client.get("/language/es")
    assert "1.200 firmas en papel sin lugar 1.200" in text_of(
        client.get(f"/petitions/{petition.slug}/places")
    )
    assert "Todas las firmas 1.202" in text_of(client.get(organizer_url(coalition, petition, "/signers")))


def test_one_paper_signature_without_a_place_is_said_in_the_singular(client, coalition, make_petition):
    petition = make_petition()
    _add(client, coalition, petition, count="1")
    assert "1 paper signature without a place" in text_of(client.get(f"/petitions/{petition.slug}/places"))


def _rows(response) -> list[tuple[str, str]]:
    """The (place, count) rows of the page's states table, as a reader sees them."""
    body = re.search(r"<tbody>(.*?)</tbody>", response.get_data(as_text=True), re.S).group(1)
    cells = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>", body, re.S)
    return [(re.sub(r"<[^>]+>|\s+", " ", a).strip(), b.strip()) for a, b in cells]
