"""Tag fixtures: the logged-in organizer's coalition with supporters, and a stranger coalition."""

import pytest

from campaign.coalitions import services as coalitions
from campaign.coalitions.models import Role
from campaign.supporters import services as supporters
from campaign.tags import services as tags

CONSENT = "Send me updates from the coalition by email."


@pytest.fixture
def add_supporter(db, coalition):
    """A supporter of `coalition` (or of `of`) on file, subscribed unless told otherwise."""

    def add(email, first_name="Ana", last_name="Reyes", subscribed=True, of=None, confirmed=True):
        supporter = supporters.upsert_supporter(
            (of or coalition).id,
            email=email,
            first_name=first_name,
            last_name=last_name,
            zip_code="60608",
            language="en",
            confirmed=confirmed,
        )
        if subscribed:
            supporters.record_consent(supporter, CONSENT, "en", source="test")
        db.session.commit()
        return supporter

    return add


@pytest.fixture
def other_coalition(db, make_user):
    """Coalition B, of another organizer, with its own tag."""
    owner = make_user(email="owner-b@example.org")
    other = coalitions.create_coalition(owner, "Coalition B", "", "Chicago")
    db.session.flush()
    tags.create_tag(other.id, "Theirs", owner.id)
    db.session.commit()
    return other


@pytest.fixture
def viewer(as_role):
    return as_role(Role.VIEWER, "viewer@example.org")
