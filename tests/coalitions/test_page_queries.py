"""The members and team pages read each member's profile and each teammate's account with the list."""

from campaign.coalitions import services as coalitions
from campaign.coalitions.models import Role
from campaign.core.outbox import dispatch_committed
from campaign.extensions import db
from tests.pages import statements_of


def test_the_members_and_team_pages_take_as_many_queries_for_ten_as_for_one(client, coalition, add_teammate):
    def grow(number: int) -> None:
        coalitions.invite(
            coalition,
            coalition.roles[0].user,
            contact_email=f"c{number}@org{number}.example",
            name=f"Org {number}",
        )
        add_teammate(coalition, Role.VIEWER, f"teammate{number}@example.org")
        db.session.commit()
        dispatch_committed()  # the invitations' emails go now, not inside a page's count
        db.session.expire_all()

    grow(0)
    one = [statements_of(client, f"/coalitions/{coalition.slug}/{page}") for page in ("members", "team")]
    for number in range(1, 10):
        grow(number)
    assert [
        statements_of(client, f"/coalitions/{coalition.slug}/{page}") for page in ("members", "team")
    ] == one
