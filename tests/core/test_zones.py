"""Times typed into forms, as stored in UTC."""

from datetime import datetime

import pytest
from flask_babel import force_locale

from campaign.core import zones
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


class _Planned:
    def __init__(self, time_zone):
        self.time_zone = time_zone


@pytest.mark.parametrize(
    ("zone", "english", "spanish"),
    [
        ("America/Los_Angeles", "1/15/27, 10:00\u202fAM (Pacific time)", "(Hora del Pacífico)"),
        ("America/Detroit", "1/15/27, 1:00\u202fPM (Eastern Time)", "(hora oriental)"),
        ("America/Boise", "1/15/27, 11:00\u202fAM (Mountain Time)", "(hora de las Montañas Rocosas)"),
        ("America/Indiana/Indianapolis", "1/15/27, 1:00\u202fPM (Eastern Time)", "(hora oriental)"),
        ("Mars/Olympus_Mons", "1/15/27, 1:00\u202fPM (Eastern time)", "(Hora del Este)"),
        ("../../etc/passwd", "1/15/27, 1:00\u202fPM (Eastern time)", "(Hora del Este)"),
    ],
)
def test_any_iana_zone_is_shown_in_itself_and_an_unknown_one_in_eastern(app, zone, english, spanish):
    """The ZIP data gives zones beyond the forms' eight (America/Detroit): they keep their own
    time and get babel's name; a name IANA does not know falls back to Eastern, as before."""
    moment = datetime(2027, 1, 15, 18, 0)
    with app.test_request_context():
        with force_locale("en"):
            assert zones.local_time(_Planned(zone), moment) == english
        with force_locale("es"):
            assert zones.local_time(_Planned(zone), moment).endswith(spanish)
    local = zones.to_local(moment, zone)
    assert zones.to_utc(local, zone) == moment
