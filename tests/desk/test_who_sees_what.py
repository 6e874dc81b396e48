"""Who sees the desk of a coalition: its viewers without the buttons, nobody from elsewhere."""

from campaign.coalitions.models import Role
from tests.desk.conftest import FILLED_KINDS, fill, kinds_on, needs_on
from tests.pages import text_of


def test_a_viewer_sees_every_item_as_a_link_and_no_button(client, db, coalition, add_teammate, login):
    fill(db, coalition)
    add_teammate(coalition, Role.VIEWER, "viewer@example.org")
    client.post("/accounts/logout")
    login("viewer@example.org")
    for page in ("/dashboard", f"/coalitions/{coalition.slug}"):
        items = needs_on(client.get(page))
        assert sorted({item.kind for item in items}) == FILLED_KINDS, page
        assert not any(item.has_button for item in items), page
        assert all(len(item.links) == 1 and client.get(item.links[0]).status_code == 200 for item in items)
    overview = client.get(f"/coalitions/{coalition.slug}").get_data(as_text=True)
    assert "Invite an organization" not in overview
    letter_queue = next(item for item in needs_on(client.get("/dashboard")) if item.kind == "sign-ons").links[
        0
    ]
    assert client.post(letter_queue.split("?")[0], data={"approve": "1"}).status_code == 403


def test_an_organizer_gets_the_buttons(client, db, coalition):
    fill(db, coalition)
    items = needs_on(client.get("/dashboard"))
    assert items and all(item.has_button for item in items)


def test_another_coalitions_organizer_sees_none_of_its_items_or_figures(
    client, db, coalition, make_user, make_coalition, login
):
    fill(db, coalition)
    stranger = make_user(email="organizer@other.example", name="Other Organizer")
    other = make_coalition(stranger, name="Coalición del Valle", region="Fresno")
    client.post("/accounts/logout")
    login("organizer@other.example")
    dashboard = client.get("/dashboard")
    assert kinds_on(dashboard) == []
    page = text_of(dashboard)
    assert "Coalición del Valle" in page and coalition.name not in page
    assert "0 letters open for sign-on" in page and "0 supporters subscribed" in page
    assert client.get(f"/coalitions/{coalition.slug}").status_code == 404
    assert kinds_on(client.get(f"/coalitions/{other.slug}")) == []

    fill(db, other)  # its own causes, and still none of the first coalition's
    items = needs_on(client.get("/dashboard"))
    assert sorted({item.kind for item in items}) == FILLED_KINDS
    assert all(f"/coalitions/{other.slug}/" in item.links[0] for item in items)


def test_a_visitor_without_an_account_is_sent_to_log_in(client, db, coalition):
    client.post("/accounts/logout")
    for page in ("/dashboard", f"/coalitions/{coalition.slug}"):
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
