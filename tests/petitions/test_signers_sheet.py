"""The signers' sheet, byte for byte as the simple way writes it (tests/petitions/sheets.py):
every kind of signer and of cell, across the export's chunks."""

import pytest

from campaign.core import exports as core_exports
from campaign.petitions import exports
from tests.petitions.conftest import organizer_url
from tests.petitions.sheets import assert_written_the_simple_way, sign_a_crowd

CROWD = 300


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of a few dozen rows, so that 300 cross their edges as a million cross the real ones."""
    monkeypatch.setattr(exports, "CHUNK", 64)
    monkeypatch.setattr(core_exports, "ROWS_PER_WRITE", 50)


@pytest.mark.parametrize("action_network", [False, True], ids=["ours", "action_network"])
def test_the_signers_csv_is_the_simple_ways_byte_for_byte(
    client, coalition, make_petition, small_chunks, action_network
):
    petition = make_petition()
    sign_a_crowd(petition, CROWD)
    query = "?columns=action_network" if action_network else ""
    text = client.get(organizer_url(coalition, petition, f"/signers.csv{query}")).get_data(as_text=True)
    assert_written_the_simple_way(text, petition.id, action_network)
    # What the crowd is made of reached the sheet: formulas made text, quoted cells, and in the
    # full sheet the blank rows of people erased and the quarantined rows.
    assert "'=1+1" in text and '"Pérez, Jr."' in text and "'-signer" in text
    assert ("\n,,," in text) == (",quarantined," in text) == (not action_network)
