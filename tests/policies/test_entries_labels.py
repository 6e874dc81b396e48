"""Every kind, status and condition has its words, in English and Spanish."""

import re

from flask_babel import force_locale
from sqlalchemy import select

from campaign.extensions import db
from campaign.policies.labels import (
    CONDITION_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    STATUS_PHRASES,
    conditions_of,
)
from campaign.policies.models import STATUSES, DetainerCondition, PolicyEntry, PolicyKind
from tests.pages import text_of
from tests.policies.entry_forms import post_new


def test_every_kind_status_and_condition_is_labelled_in_both_languages(app):
    pairs = {(kind, status) for kind, statuses in STATUSES.items() for status in statuses}
    assert set(STATUS_LABELS) == pairs == set(STATUS_PHRASES)
    assert set(KIND_LABELS) == set(PolicyKind) and set(CONDITION_LABELS) == set(DetainerCondition)
    with app.test_request_context(), force_locale("es"):
        assert str(STATUS_PHRASES[(PolicyKind.DETAINERS, "refuses")]) == "rechaza las retenciones de ICE"
        assert conditions_of(5) == [CONDITION_LABELS[DetainerCondition.JUDICIAL_WARRANT], CONDITION_LABELS[4]]
        assert str(conditions_of(5)[0]) == "Solo con una orden judicial"
    assert STATUS_LABELS[("detainers", "refuses")] is STATUS_LABELS[(PolicyKind.DETAINERS, "refuses")]


def test_the_pages_in_spanish(client, coalition):
    assert post_new(client, coalition).status_code == 302
    client.get("/language/es")
    page = text_of(client.get(f"/coalitions/{coalition.slug}/policies"))
    assert "Órdenes de retención de ICE" in page and "Las rechaza" in page and "Privada" in page
    response = post_new(client, coalition, county_name="Clakamas", once="e" * 22)
    assert "No hay ningún condado con ese nombre en Oregon." in text_of(response)


def test_an_entrys_page_title_is_words_only(client, coalition):
    assert post_new(client, coalition).status_code == 302
    entry_id = db.session.scalar(select(PolicyEntry.id))
    html = client.get(f"/coalitions/{coalition.slug}/policies/{entry_id}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "Clackamas County, OR" in title
    assert html.count("js/confirm.js") == 1  # the script, once, in the page's body


def test_an_entrys_history_shows_its_dates_as_the_page_does_not_as_iso(client, coalition):
    assert post_new(client, coalition).status_code == 302
    entry_id = db.session.scalar(select(PolicyEntry.id))
    client.post(f"/coalitions/{coalition.slug}/policies/{entry_id}/verify", data={})
    page = text_of(client.get(f"/coalitions/{coalition.slug}/policies/{entry_id}"))
    assert "Apr 16, 2014" in page and not re.search(r"\b\d{4}-\d\d-\d\d\b", page)
