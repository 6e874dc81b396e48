"""Coalitions and teammates for the policy pages' tests."""

import pytest

from campaign.coalitions import services
from campaign.coalitions.models import CoalitionRole


@pytest.fixture
def make_coalition(db):
    def make(creator, name):
        made = services.create_coalition(creator, name, "", "Portland")
        db.session.commit()
        return made

    return make


@pytest.fixture
def add_teammate(db, make_user):
    def add(coalition, role, email):
        user = make_user(email=email, name=email.split("@")[0].title())
        db.session.add(CoalitionRole(coalition=coalition, user=user, role=role))
        db.session.commit()
        return user

    return add
