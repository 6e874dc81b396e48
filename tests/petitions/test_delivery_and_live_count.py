"""The delivery PDF's totals add up from page 1; the organizer page's count refreshes itself."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.petitions.conftest import organizer_url, tally_now

LONG_BODY = "\n\n".join(["Families are separated every week, and the county keeps holding neighbors."] * 60)


def _pdf_pages(client, coalition, petition) -> list[str]:
    response = client.get(organizer_url(coalition, petition, "/delivery.pdf"))
    assert response.mimetype == "application/pdf"
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages]


def _number(text: str) -> int:
    return int(re.sub(r"[,.]", "", text))


@pytest.fixture
def petition_with_paper(client, coalition, make_petition, sign, member):
    """Two online signers (PA, CA), 1,200 on paper without ZIP codes, one on paper in New York."""
    petition = make_petition(body=LONG_BODY)
    sign(petition, email="a@example.org", zip_code="19104")
    sign(petition, email="b@example.org", zip_code="90012")
    tally_now()
    paper = organizer_url(coalition, petition, "/paper")
    client.post(paper, data={"organization_id": str(member.id), "count": "1200", "names": ""})
    client.post(paper, data={"organization_id": "0", "count": "", "names": "Marta Diaz, 10001"})
    return petition


@pytest.mark.parametrize(
    ("language", "online", "paper", "total", "unplaced"),
    [
        (
            "en",
            "Signed online and confirmed by email",
            "Signed on paper",
            "All signatures",
            "paper signatures without a place",
        ),
        (
            "es",
            "Firmadas en internet y confirmadas por correo",
            "Firmadas en papel",
            "Todas las firmas",
            "firmas en papel sin lugar",
        ),
    ],
)
def test_the_delivery_pdf_gives_its_totals_on_page_1_and_they_add_up(
    client, coalition, petition_with_paper, language, online, paper, total, unplaced
):
    client.get(f"/language/{language}")
    pages = _pdf_pages(client, coalition, petition_with_paper)
    first = pages[0]
    # Page 1 carries the totals even under a long text, which the table by state then follows.
    found = re.search(rf"{online} (\S+) {paper} (\S+) {total} (\S+)", first)
    assert found, first
    assert (_number(found[1]), _number(found[2]), _number(found[3])) == (2, 1201, 1203)
    assert len(pages) >= 2  # the long text runs on; nothing forced page 1 to stay blank

    everything = " ".join(pages)
    table = re.search(rf"(?:State|Estado) (?:Signatures|Firmas) (.*) {total} (\S+)", everything)
    rows = {
        label: _number(re.search(rf"(?:{label}) ([\d.,]+)", table[1])[1])
        for label in ("Pennsylvania", "California", "New York|Nueva York", rf"1[.,]200 {unplaced}")
    }
    assert rows["Pennsylvania"] == rows["California"] == rows["New York|Nueva York"] == 1
    assert sum(rows.values()) == _number(table[2]) == 1203  # the states and the unplaced line add up
    assert "Marta" not in everything  # no names


def test_a_short_petitions_pdf_is_one_page(client, coalition, make_petition, sign):
    petition = make_petition()
    sign(petition)
    tally_now()
    pages = _pdf_pages(client, coalition, petition)
    assert len(pages) == 1 and "All signatures 1" in pages[0] and "Pennsylvania 1" in pages[0]


def test_the_organizer_page_refreshes_its_figures_from_figures_json(client, coalition, make_petition, sign):
    petition = make_petition()
    sign(petition, confirm=False)
    client.post(organizer_url(coalition, petition, "/paper"), data={"organization_id": "0", "count": "1200"})
    page = client.get(organizer_url(coalition, petition)).get_data(as_text=True)
    panel = re.search(r'<section[^>]*id="live-count"[^>]*>', page).group(0)
    assert f'data-url="{organizer_url(coalition, petition, "/figures.json")}"' in panel
    assert 'data-state="open"' in panel and 'data-live-states="open"' in panel
    assert '<strong data-figure="paper">1,200</strong>' in page
    assert "/static/js/progress.js" in page  # the alert page's script, not a copy of it

    figures = client.get(organizer_url(coalition, petition, "/figures.json")).get_json()
    assert figures == {
        "state": "open",
        "total": "1,200",
        "online": "0",
        "paper": "1,200",
        "unconfirmed": "1",
        "quarantined": "0",
    }
    client.get("/language/es")
    assert client.get(organizer_url(coalition, petition, "/figures.json")).get_json()["paper"] == "1.200"
