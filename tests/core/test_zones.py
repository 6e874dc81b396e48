"""Times typed into forms, as stored in UTC."""

import pytest

from tests.letters.conftest import letter_form
from tests.pages import text_of
from tests.petitions.conftest import petition_form


@pytest.mark.parametrize(
    ("path", "form"),
    [("petitions/new", petition_form), ("letters/new", letter_form)],
)
def test_a_deadline_too_far_ahead_is_refused_on_the_form(client, coalition, path, form):
    """The last hours of 9999 have no UTC time: the fuzz found the overflow answered 500."""
    response = client.post(f"/coalitions/{coalition.slug}/{path}", data=form(deadline="9999-12-31T23:59"))
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2199." in text_of(response)
