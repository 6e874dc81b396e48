"""One answer for everyone: a write key cannot tell, by any helper's answer, a new address from
one on file, unsubscribed, bounced or erased. Status, headers (the Date aside) and body are the
same bytes, with consent and a tag sent, on every helper (the signature helper with and without
trusted source)."""

from campaign.extensions import db
from campaign.notifications import suppression
from campaign.supporters import services as supporters
from tests.api.helper_table import WORDING
from tests.api.records import add_tag

ADDRESSES = ("new", "onfile", "unsubscribed", "bounced", "erased")


def _file_them(coalition) -> None:
    for name in ("onfile", "unsubscribed", "erased"):
        supporters.upsert_supporter(
            coalition.id, email=f"{name}@example.org", first_name="Ana", language="en", confirmed=True
        )
    supporters.unsubscribe(supporters.find_supporter(coalition.id, "unsubscribed@example.org"))
    suppression.suppress(coalition.id, "bounced@example.org", "bounced: 550")
    db.session.commit()
    supporters.erase_supporter_data("erased@example.org")
    db.session.commit()


def test_every_helper_answers_every_kind_of_address_with_the_same_bytes(coalition, helper):
    add_tag(coalition, "Vecinos", [])
    _file_them(coalition)
    answers = {}
    for name in ADDRESSES:
        response = helper.send(f"{name}@example.org", consent=WORDING, add_tags=["Vecinos"])
        headers = sorted((key, value) for key, value in response.headers.items() if key != "Date")
        answers[name] = (response.status_code, headers, response.get_data())
    assert answers["new"][0] in (200, 201)
    assert all(answer == answers["new"] for answer in answers.values()), answers
