"""The dashboard and the overview read a fixed number of queries, whatever they show."""

from campaign.coalitions import services as coalitions
from campaign.coalitions.models import CoalitionRole, Role
from tests.coalitions.test_page_queries import statements_of
from tests.desk.conftest import FILLED_KINDS, fill, needs_on


def test_the_dashboard_reads_as_many_queries_for_four_coalitions_as_for_one(client, db, coalition):
    fill(db, coalition)
    one = statements_of(client, "/dashboard")
    owner = db.session.get(CoalitionRole, coalition.roles[0].id).user
    for number in range(3):
        other = coalitions.create_coalition(owner, f"Coalition {number}")
        fill(db, other)
    db.session.expire_all()
    assert statements_of(client, "/dashboard") == one
    items = needs_on(client.get("/dashboard"))
    assert len(items) == 4 * len(FILLED_KINDS)


def test_the_overview_reads_as_many_queries_for_three_of_everything_as_for_one(client, db, coalition):
    fill(db, coalition)
    one = statements_of(client, f"/coalitions/{coalition.slug}")
    fill(db, coalition, 1)
    fill(db, coalition, 2)
    db.session.expire_all()
    assert statements_of(client, f"/coalitions/{coalition.slug}") == one
    assert coalition.roles[0].role == Role.OWNER
