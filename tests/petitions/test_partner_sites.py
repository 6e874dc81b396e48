"""What partner websites get: a widget per member organization that keeps its `?source=`, and
the count and the badge readable from their own pages' scripts."""

import html
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from campaign.extensions import db
from campaign.petitions.models import PetitionSignature
from tests.pages import click_confirm, hidden_inputs, text_of
from tests.petitions.conftest import organizer_url

PARTNER = "https://juntos.example"


def _copied_code(client, coalition, petition, source: str = "", box: str = "embed-code") -> str:
    """The code in one of the widget page's boxes, as the organizer copies it (the page's
    escaping undone once, as the browser does for a textarea's text)."""
    page = client.get(organizer_url(coalition, petition, "/widget"), query_string={"source": source})
    return html.unescape(
        re.search(rf'<textarea id="{box}"[^>]*>(.*?)</textarea>', page.get_data(as_text=True), re.S).group(1)
    )


def _embed_address(client, coalition, petition, source: str) -> str:
    """The widget's address in the code the widget page gives for `source`."""
    return re.search(r'src="([^"]+)"', _copied_code(client, coalition, petition, source)).group(1)


class _Tags(HTMLParser):
    """The tags of a piece of HTML and their attributes, as a partner's browser reads them."""

    def __init__(self, code: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(code)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _sign_in_widget(app, address: str, email: str):
    """A visitor of the partner site signs in the framed widget (no cookie of ours)."""
    visitor = app.test_client()
    path = address.split("://", 1)[-1].split("/", 1)[1]
    shown = visitor.get("/" + path)
    assert shown.status_code == 200
    typed = {"first_name": "Ana", "email": email, "zip_code": "19104"}
    return visitor, shown, visitor.post(f"/{path.split('?')[0]}", data=hidden_inputs(shown) | typed)


def test_a_member_organizations_widget_counts_its_signatures_for_it(
    app, client, coalition, make_petition, member, mailbox
):
    petition = make_petition()
    page = client.get(organizer_url(coalition, petition, "/widget"), query_string={"source": "juntos"})
    assert "Code for Juntos" in text_of(page)
    address = _embed_address(client, coalition, petition, "juntos")
    assert address.endswith(f"/petitions/{petition.slug}/embed?source=juntos")

    visitor, shown, signed = _sign_in_widget(app, address, "ana@example.org")
    assert 'name="source" type="hidden" value="juntos"' in shown.get_data(as_text=True)
    assert signed.status_code == 302 and signed.location.endswith("/embed/thanks?source=juntos")
    thanks = visitor.get(signed.location).get_data(as_text=True)
    assert f"/petitions/{petition.slug}?source=juntos" in thanks  # the thanks page keeps it too
    click_confirm(client, mailbox.last_link("ana@example.org", "/petitions/confirm/"))

    sources = text_of(client.get(organizer_url(coalition, petition, "/signers")))
    assert re.search(r"Juntos Link to share: \S+\?source=juntos 1 ", sources)
    assert "widget" not in sources  # counted for Juntos, not as the coalition's own widget


def test_the_coalitions_own_widget_is_credited_to_the_widget(app, client, coalition, make_petition, member):
    petition = make_petition()
    address = _embed_address(client, coalition, petition, "")
    assert address.endswith(f"/petitions/{petition.slug}/embed")
    _sign_in_widget(app, address, "ana@example.org")
    assert db.session.scalar(select(PetitionSignature.source)) == "widget"


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        ("not-a-member", "not-a-member"),
        ("juntos" + "x" * 10_000, ("juntos" + "x" * 10_000)[:40]),
        ("jun\x00tos", "juntos"),
        ("\x00\r\n<script>", "<script>"),
    ],
    ids=["not-a-member", "10000-chars", "nul", "markup"],
)
def test_a_hostile_source_on_the_embed_address_breaks_nothing(
    app, client, coalition, make_petition, source, kept
):
    petition = make_petition()
    visitor = app.test_client()
    shown = visitor.get(f"/petitions/{petition.slug}/embed", query_string={"source": source})
    assert shown.status_code == 200
    assert f'name="source" type="hidden" value="{html.escape(kept)}"' in shown.get_data(as_text=True)
    typed = {"first_name": "Ana", "email": "ana@example.org", "zip_code": "19104"}
    signed = visitor.post(f"/petitions/{petition.slug}/embed", data=hidden_inputs(shown) | typed)
    assert signed.status_code == 302 and len(signed.location) < 200
    assert "%00" not in signed.location and "%0D" not in signed.location
    thanks = visitor.get(f"/petitions/{petition.slug}/embed/thanks", query_string={"source": source})
    assert thanks.status_code == 200 and "<script>" not in thanks.get_data(as_text=True)
    assert db.session.scalar(select(PetitionSignature.source)) == kept
    # The organizers' pages show it as text, and the widget page ignores what is no member's code.
    assert "<script>" not in client.get(organizer_url(coalition, petition, "/signers")).get_data(as_text=True)
    page = client.get(organizer_url(coalition, petition, "/widget"), query_string={"source": source})
    assert page.status_code == 200 and _embed_address(client, coalition, petition, source).endswith("/embed")


def test_a_quote_in_the_title_stays_text_in_the_code_partners_paste(client, coalition, make_petition, member):
    """The code sits in a textarea, which the browser unescapes once: each value in it is
    escaped for its attribute, then the whole code again for the page."""
    title = 'Stop "287(g)" & ICE x" onload="alert(document.domain)'
    petition = make_petition(title=title)
    for source in ("", "juntos"):
        widget = _Tags(_copied_code(client, coalition, petition, source, "embed-code")).tags
        assert [tag for tag, _ in widget] == ["iframe"]
        assert set(widget[0][1]) == {"src", "title", "width", "height", "style"}
        assert widget[0][1]["title"] == title
        badge = _Tags(_copied_code(client, coalition, petition, source, "badge-code")).tags
        assert [tag for tag, _ in badge] == ["a", "img"]
        assert set(badge[0][1]) == {"href"} and set(badge[1][1]) == {"src", "alt"}
        assert badge[1][1]["alt"] == title
        assert badge[0][1]["href"].endswith(f"/petitions/{petition.slug}?source={source or 'badge'}")
    assert _embed_address(client, coalition, petition, "juntos").endswith("/embed?source=juntos")


@pytest.mark.parametrize("path", ["count.json", "badge.svg"])
def test_a_partner_sites_script_may_read_the_count_and_the_badge_and_nothing_more(app, make_petition, path):
    petition = make_petition()
    partner_visitor = app.test_client()
    response = partner_visitor.get(f"/petitions/{petition.slug}/{path}", headers={"Origin": PARTNER})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers  # no cookie of ours rides along
    assert "Set-Cookie" not in response.headers
    page = partner_visitor.get(f"/petitions/{petition.slug}", headers={"Origin": PARTNER})
    assert "Access-Control-Allow-Origin" not in page.headers  # the rest of the site stays closed


def test_the_organizer_figures_are_not_readable_by_another_site(client, coalition, make_petition):
    petition = make_petition()
    figures = client.get(organizer_url(coalition, petition, "/figures.json"), headers={"Origin": PARTNER})
    assert figures.status_code == 200 and "Access-Control-Allow-Origin" not in figures.headers


def test_the_widget_page_is_for_the_coalitions_teammates_only(client, coalition, make_petition, log_in_as):
    petition = make_petition()
    log_in_as("viewer@example.org", coalition, "viewer")
    assert client.get(organizer_url(coalition, petition, "/widget")).status_code == 200  # codes are no secret
    log_in_as("owner-b@example.org")
    assert client.get(organizer_url(coalition, petition, "/widget")).status_code == 404
