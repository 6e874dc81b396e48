"""The petition's "Trusted source" box: off by default, explained, set and unset by organizers
on the edit form, and shown on the petition's page to the whole team."""

import re

from campaign.petitions.models import Petition
from tests.petitions.conftest import organizer_url, petition_form

HINT = "turn on only if the sending system already confirmed the address"


def ticked(page: str) -> bool:
    return "checked" in re.search(r'<input[^>]*name="trusted_source"[^>]*>', page).group(0)


def saved(db, petition) -> bool:
    db.session.expire_all()
    return db.session.get(Petition, petition.id).trusted_source


def test_it_is_off_by_default_and_explained_on_the_form(db, client, coalition, make_petition):
    page = client.get(f"/coalitions/{coalition.slug}/petitions/new").get_data(as_text=True)
    assert not ticked(page)
    assert HINT in page and 'aria-describedby="trusted_source-hint"' in page
    petition = make_petition()
    assert not saved(db, petition)
    assert "Trusted source:" not in client.get(organizer_url(coalition, petition)).get_data(as_text=True)


def test_an_organizer_turns_it_on_and_off(db, client, coalition, make_petition):
    petition = make_petition()
    edit = organizer_url(coalition, petition, "/edit")
    assert client.post(edit, data=petition_form(trusted_source="y")).status_code == 302
    assert saved(db, petition)
    assert ticked(client.get(edit).get_data(as_text=True))
    assert "Trusted source:" in client.get(organizer_url(coalition, petition)).get_data(as_text=True)
    assert client.post(edit, data=petition_form()).status_code == 302  # the box left unticked
    assert not saved(db, petition)


def test_a_form_with_errors_keeps_the_box_as_ticked(db, client, coalition, make_petition):
    petition = make_petition()
    response = client.post(
        organizer_url(coalition, petition, "/edit"), data=petition_form(title="", trusted_source="y")
    )
    assert response.status_code == 200
    assert not saved(db, petition)  # nothing saved
    assert ticked(response.get_data(as_text=True))


def test_a_viewer_cannot_change_it(db, client, coalition, make_petition, log_in_as):
    petition = make_petition()
    log_in_as("viewer@example.org", coalition, "viewer")
    response = client.post(
        organizer_url(coalition, petition, "/edit"), data=petition_form(trusted_source="y")
    )
    assert response.status_code in (403, 404)
    assert not saved(db, petition)
    assert "Trusted source:" not in client.get(organizer_url(coalition, petition)).get_data(as_text=True)


def test_in_spanish(db, client, coalition, make_petition):
    petition = make_petition()
    client.post(organizer_url(coalition, petition, "/edit"), data=petition_form(trusted_source="y"))
    for rest in ("/edit", ""):
        page = client.get(organizer_url(coalition, petition, rest), query_string={"lang": "es"})
        assert "Fuente de confianza" in page.get_data(as_text=True), rest
