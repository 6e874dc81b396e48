"""Notification fixtures: a coalition owned by the logged-in organizer, with supporters."""

import pytest

from campaign.coalitions import services as coalitions
from campaign.supporters import services as supporters

CONSENT = "Send me updates from the coalition by email."


@pytest.fixture
def coalition(db, make_user, login):
    owner = make_user()
    login()
    coalition = coalitions.create_coalition(owner, "Philadelphia Family Unity Network", "", "Philadelphia")
    db.session.commit()
    return coalition


@pytest.fixture
def add_supporter(db, coalition):
    """A supporter of `coalition`, subscribed unless told otherwise."""

    def add(email, first_name="Ana", zip_code="19104", language="en", subscribed=True):
        supporter = supporters.upsert_supporter(
            coalition.id, email=email, first_name=first_name, zip_code=zip_code, language=language
        )
        if subscribed:
            supporters.record_consent(supporter, CONSENT, language, source="test")
        db.session.commit()
        return supporter

    return add


def alert_form(**overrides):
    return {
        "subject": "Rally at City Hall on Friday",
        "body": "Join us **Friday at noon**. [Details](https://example.org/rally)",
        "subject_es": "",
        "body_es": "",
        "source": "subscribers",
        "state": "",
        "zip_code": "",
        "miles": "",
    } | overrides
