"""The District of Columbia is listed with the states, where people look for it, not after Guam."""

import re

from sqlalchemy import select

from campaign.core.statemap import state_choices, state_names
from campaign.extensions import db
from campaign.letters.models import Letter
from tests.letters.conftest import letter_form


def _codes(page) -> list[str]:
    select = re.search(
        r'<select[^>]*id="(?:us_state|state)"[^>]*>(.*?)</select>', page.get_data(as_text=True), re.S
    )
    return re.findall(r'<option[^>]*value="([A-Z]{2})"', select.group(1))


def test_dc_sorts_with_the_states_in_every_list(client, coalition):
    codes = [code for code, _ in state_choices()]
    assert codes[codes.index("DE") + 1] == "DC" and codes[codes.index("DC") + 1] == "FL"
    assert (
        codes[:2] == ["AL", "AK"] and codes[50] == "WY" and set(codes[51:]) == {"AS", "GU", "MP", "PR", "VI"}
    )
    names = list(state_names())
    assert names.index("DC") == names.index("DE") + 1 and names[-1] == "PR"

    client.post(f"/coalitions/{coalition.slug}/letters/new", data=letter_form())
    letter = db.session.scalar(select(Letter))
    client.post(f"/coalitions/{coalition.slug}/letters/{letter.id}/open")
    sign_on = _codes(client.get(f"/letters/sign/{letter.signon_key}"))
    alert = _codes(client.get(f"/coalitions/{coalition.slug}/alerts/new"))
    assert sign_on == alert == codes
