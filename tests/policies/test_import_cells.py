"""What one cell of a policy list says, and which places a row's name can mean."""

from datetime import date, timedelta

import pytest

from campaign.policies import forms, import_cells, import_places
from campaign.policies.models import DetainerCondition


@pytest.mark.parametrize(
    ("wording", "conditions", "expected"),
    [
        ("Refuses detainers", "", ("detainers", "refuses", 0)),
        ("No detainers", "", ("detainers", "refuses", 0)),
        ("rechaza las órdenes de ICE", "", ("detainers", "refuses", 0)),
        ("Does not honor holds", "", ("detainers", "refuses", 0)),
        ("Limits cooperation", "48 hours, no ICE interviews", ("detainers", "conditions", 4 | 8)),
        ("Judicial warrant required", "", ("detainers", "conditions", DetainerCondition.JUDICIAL_WARRANT)),
        ("Honors", "", ("detainers", "honors_all", 0)),
        ("Honors", "serious conviction", ("detainers", "conditions", DetainerCondition.SERIOUS_CONVICTION)),
        ("287(g) jail model", "", ("287g", "jail", 0)),
        ("287(g) terminated", "", ("287g", "none", 0)),
        ("Secure Communities suspended", "", ("secure_communities", "suspended", 0)),
        ("TRUST Act", "", ("state_law", "limits", 0)),
        ("Resolution opposing S-Comm", "", ("resolution", "opposes", 0)),
        ("Honors only with a judicial warrant", "", ("detainers", "conditions", 1)),
        ("Honors all detainers", "", ("detainers", "honors_all", 0)),
        # The examples the Spanish error message gives.
        ("Rechaza las solicitudes de retención", "", ("detainers", "refuses", 0)),
        ("Las acepta solo con orden judicial", "", ("detainers", "conditions", 1)),
        ("Acepta todas las solicitudes de retención", "", ("detainers", "honors_all", 0)),
        ("Maybe", "", None),
        ("", "", None),
    ],
)
def test_policy_wording(wording, conditions, expected):
    assert import_cells.policy_of(wording, conditions) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2014-05-01", date(2014, 5, 1)),
        ("5/1/2014", date(2014, 5, 1)),
        ("May 2014", date(2014, 5, 1)),
        ("mayo de 2014", date(2014, 5, 1)),
        ("2014", date(2014, 1, 1)),
        ("", None),
    ],
)
def test_dates_read(typed, expected):
    assert import_cells.date_of(typed) == expected


@pytest.mark.parametrize("typed", ["13/1/2014", "2014-02-30", "1850", "Mayish 2014", "01.05.2014", "2014-5"])
def test_dates_refused(typed):
    with pytest.raises(import_cells.BadDate):
        import_cells.date_of(typed)


def test_dates_stop_where_the_entry_form_stops():
    last = date.today() + timedelta(days=365 * forms.YEARS_AHEAD)
    assert import_cells.date_of(last.isoformat()) == last
    assert import_cells.date_of("1900") == date(1900, 1, 1)
    for typed in ("2199", (last + timedelta(days=1)).isoformat(), "1899", "12/31/1899"):
        with pytest.raises(import_cells.DateOutOfRange):
            import_cells.date_of(typed)


def test_urls():
    assert import_cells.url_of(" https://ilrc.org/detainers ") == "https://ilrc.org/detainers"
    assert import_cells.url_of("") == ""
    for bad in ("javascript:alert(1)", "ftp://x.org/a", "ilrc.org", "http://", "http://[::1", "http://a b"):
        assert import_cells.url_of(bad) is None, bad


def test_headers_in_english_and_spanish():
    headers = ["Jurisdicción", "Estado", "Tipo", "Política", "Condiciones", "Fecha", "Enlace", "Notas"]
    assert import_cells.guess_mapping(headers) == [
        "jurisdiction", "state", "level", "policy", "conditions", "date", "source", "notes",
    ]  # fmt: skip
    assert import_cells.guess_mapping(["County", "City", "Effective date", "Link", "Whatever"]) == [
        "jurisdiction", "", "date", "source", "",
    ]  # fmt: skip


def test_places_a_name_can_mean(app):
    with app.app_context():
        assert import_places.keys_named("Oakland", "CA", "") == ["city:06001:Oakland"]
        assert import_places.keys_named("Richmond", "VA", "") == ["county:51159", "county:51760"]
        assert import_places.keys_named("Richmond", "VA", "city") == ["county:51760"]
        assert import_places.keys_named("Baltimore", "MD", "") == ["county:24005", "county:24510"]
        assert import_places.keys_named("San Francisco", "CA", "city") == ["county:06075"]
        assert import_places.keys_named("California", "CA", "") == ["state:06"]
        assert len(import_places.keys_named("Kansas City", "MO", "")) > 1  # in several counties: asked
        assert import_places.keys_named("Nowhere", "CA", "") == []
