"""An organization's scope reads as an adjective in Spanish: Nacional, Estatal, Local. "State"
as the address field stays "Estado"."""

import re

from campaign.organizations.models import SCOPE_LABELS, Scope
from tests.pages import text_of


def test_the_state_scope_is_estatal_and_the_state_field_estado(app, client, make_letter):
    letter = make_letter()
    client.get("/language/es")
    page = client.get(f"/letters/sign/{letter.signon_key}").get_data(as_text=True)
    scope_labels = re.findall(r'<label for="scope-\d+">([^<]+)</label>', page)
    assert scope_labels == ["Nacional", "Estatal", "Local"]
    assert re.search(r'<label for="us_state">Estado</label>', page)
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert str(SCOPE_LABELS[Scope.STATE]) == "Estatal"
    client.get("/language/en")
    assert "State" in text_of(client.get(f"/letters/sign/{letter.signon_key}"))
