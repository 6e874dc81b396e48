"""The three helpers as one table (tests/api/test_helper_consent.py, test_helper_tags.py,
test_helper_answers.py): each case runs on every helper, and on the signature helper with and
without trusted source; `settle` does what makes the action count (the signer's click)."""

from dataclasses import dataclass

import pytest

from campaign.api.models import Scope
from campaign.extensions import db
from campaign.petitions.models import Petition
from campaign.supporters import services as supporters
from campaign.supporters.models import Supporter
from tests.api import records  # the module: records.py imports the conftest that imports this
from tests.pages import click_confirm

WORDING = {"wording": "Quiero recibir noticias de la coalición.", "language": "es"}
HELPERS = ["signup", "signature", "signature, trusted source", "attendance"]


@dataclass
class Helper:
    path: str
    token: str
    client: object
    mailbox: object
    confirms_by_email: bool

    def send(self, email: str, status: str | None = None, **extras):
        address = {"address": email} | ({"status": status} if status else {})
        person = {
            "given_name": "Rosa",
            "email_addresses": [address],
            "postal_addresses": [{"postal_code": "19104"}],
        }
        body = {"person": person, "add_tags": ["Vecinos"]} | extras
        return self.client.post(self.path, headers={"OSDI-API-Token": self.token}, json=body)

    def settle(self, email: str) -> None:
        """The signer's click, where a signature waits for one and the email went out."""
        if self.confirms_by_email and self.mailbox.to(email):
            assert (
                click_confirm(self.client, self.mailbox.last_link(email, "/petitions/confirm/")).status_code
                == 200
            )


@pytest.fixture(params=HELPERS)
def helper(request, coalition, make_key, client, mailbox) -> Helper:
    token = make_key(coalition, Scope.WRITE)
    if request.param == "signup":
        return Helper("/api/v1/people", token, client, mailbox, False)
    if request.param == "attendance":
        event_id = records.add_event(coalition)
        return Helper(f"/api/v1/events/{event_id}/attendances", token, client, mailbox, False)
    petition_id = records.add_petition(coalition)
    trusted = request.param.endswith("trusted source")
    db.session.get(Petition, petition_id).trusted_source = trusted
    db.session.commit()
    return Helper(f"/api/v1/petitions/{petition_id}/signatures", token, client, mailbox, not trusted)


def person(coalition, email: str) -> Supporter | None:
    db.session.expire_all()
    return supporters.find_supporter(coalition.id, email)
