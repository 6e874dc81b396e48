"""Creating coalitions and the public page (the dashboard and the overview: tests/desk)."""

from sqlalchemy import select

from campaign.coalitions import services
from campaign.coalitions.models import Coalition, CoalitionRole, Role


def test_create_coalition_makes_the_creator_owner(client, db, owner):
    form = client.get("/coalitions/new").get_data(as_text=True)
    for label in (">Name<", ">Description<", ">Region<", 'value="Create coalition"'):
        assert label in form
    response = client.post(
        "/coalitions/new",
        data={"name": "ICE Out of LA", "description": "We end deportations.", "region": "LA"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/coalitions/ice-out-of-la"
    coalition = db.session.scalar(select(Coalition))
    role = db.session.scalar(select(CoalitionRole))
    assert (role.user_id, role.role) == (owner.id, Role.OWNER)
    page = client.get("/coalitions/ice-out-of-la").get_data(as_text=True)
    assert coalition.name in page and "We end deportations." in page


def test_slugs_are_unique_and_avoid_fixed_paths(db, make_user):
    user = make_user()
    slugs = [
        services.create_coalition(user, name).slug for name in ("Acción Unida!", "Acción Unida", "New", "???")
    ]
    assert slugs == ["accion-unida", "accion-unida-2", "new-2", "coalition"]


def test_create_bad_input_keeps_what_was_typed(client, db, owner):
    response = client.post(
        "/coalitions/new", data={"name": "  ", "description": "Kept text", "region": "Fresno"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the coalition’s name." in page
    assert "Kept text" in page and 'value="Fresno"' in page
    assert db.session.scalar(select(Coalition)) is None


def test_public_page_groups_active_members_by_sector(client, db, owner, make_coalition, invite_org):
    coalition = make_coalition(owner)
    coalition.is_demo = True
    services.accept(
        invite_org(coalition, owner, "CHIRLA", sector="grassroots", city="Los Angeles", state="CA")
    )
    services.accept(
        invite_org(coalition, owner, "Clergy and Laity United", email="c@clue.example", sector="faith_based")
    )
    invite_org(coalition, owner, "Pending Group", email="p@pending.example")
    db.session.commit()
    client.post("/accounts/logout")

    page = client.get("/c/ice-out-of-la").get_data(as_text=True)
    assert "Demo data" in page
    assert page.index("Grassroots") < page.index("CHIRLA") < page.index("Faith-based")
    assert page.index("Faith-based") < page.index("Clergy and Laity United")
    assert "Los Angeles, CA" in page
    assert "Pending Group" not in page
    spanish = client.get("/c/ice-out-of-la", headers={"Accept-Language": "es"})
    assert spanish.status_code == 200
    assert client.get("/c/no-such-coalition").status_code == 404
