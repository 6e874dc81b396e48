"""The coalition's list of petitions shows each petition's signatures against its goal."""

from campaign.extensions import db
from tests.pages import statements_of, table_row


def test_each_petition_shows_its_signatures_and_its_goal(client, coalition, make_petition):
    short_of, past = (
        make_petition(title="Still climbing", goal="5000"),
        make_petition(title="Past it", goal="100"),
    )
    short_of.paper_count, past.paper_count = 1234, 250
    db.session.commit()

    page = client.get(f"/coalitions/{coalition.slug}/petitions")
    assert table_row(page, "Still climbing")[2:] == ["1,234", "5,000"]
    assert table_row(page, "Past it")[2:] == ["250", "100 Reached"]


def test_the_list_reads_as_many_times_for_ten_petitions_as_for_one(client, coalition, make_petition):
    make_petition(title="Petition 0")
    statements_of(client, f"/coalitions/{coalition.slug}/petitions")
    one = statements_of(client, f"/coalitions/{coalition.slug}/petitions")
    for number in range(1, 10):
        make_petition(title=f"Petition {number}")
    statements_of(client, f"/coalitions/{coalition.slug}/petitions")
    assert statements_of(client, f"/coalitions/{coalition.slug}/petitions") == one
