"""Coalition fixtures: an owner logged in, coalitions and teammates made through the services."""

import pytest

from campaign.coalitions import services
from campaign.coalitions.models import CoalitionRole
from campaign.core.outbox import dispatch_committed


@pytest.fixture
def owner(make_user, login):
    """The logged-in organizer, who will own the coalitions made with `make_coalition`."""
    user = make_user()
    login()
    return user


@pytest.fixture
def make_coalition(db):
    def make(creator, name="ICE Out of LA", region="Los Angeles", description="Ending deportations."):
        coalition = services.create_coalition(creator, name, description, region)
        db.session.commit()
        return coalition

    return make


@pytest.fixture
def add_teammate(db, make_user):
    """An account holding `role` in `coalition`."""

    def add(coalition, role, email):
        user = make_user(email=email, name=email.split("@")[0].title())
        db.session.add(CoalitionRole(coalition=coalition, user=user, role=role))
        db.session.commit()
        return user

    return add


@pytest.fixture
def invite_org(db, app):
    """An organization invited into `coalition` through the service, email queued and sent."""

    def invite(coalition, inviter, name="CHIRLA", email="contact@chirla.example", **profile):
        membership = services.invite(
            coalition, inviter, contact_email=email, name=name, profile=profile or None, locale="en"
        )
        db.session.commit()
        dispatch_committed()
        return membership

    return invite
