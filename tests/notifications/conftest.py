"""Notification fixtures: supporters of the logged-in organizer's coalition, and an alert form."""

import pytest

from campaign.supporters import services as supporters

CONSENT = "Send me updates from the coalition by email."


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
