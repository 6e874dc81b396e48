"""Policy fixtures: supporters placed by ZIP code, measures, another coalition, teammates."""

from datetime import date

import pytest

from campaign.coalitions import services as coalitions
from campaign.core.form_keys import new_form_key
from campaign.policies import measures, services
from campaign.supporters import services as supporters

CONSENT = "Send me updates from the coalition by email."
MEASURE = {
    "title": "Oakland ordinance ending ICE holds at the county jail",
    "body": "City Council",
    "introduced_on": date(2026, 11, 3),
    "summary_en": "The city stops honoring detainers.",
    "summary_es": "La ciudad deja de cumplir las órdenes de retención.",
    "source_url": "https://example.org/agenda",
    "public": False,
}


@pytest.fixture
def add_supporter(db, coalition):
    """A supporter of `coalition` (or of `of`) at a ZIP code, on file and subscribed unless told."""

    def add(email, zip_code, of=None, subscribed=True, language="en"):
        supporter = supporters.upsert_supporter(
            (of or coalition).id,
            email=email,
            first_name="Ana",
            zip_code=zip_code,
            language=language,
            confirmed=True,
        )
        if subscribed:
            supporters.record_consent(supporter, CONSENT, language, source="test")
        db.session.commit()
        return supporter

    return add


@pytest.fixture
def add_measure(db, coalition):
    """A measure of `coalition` (or of `of`) in a county (FIPS), or in a city of a county."""

    def add(fips="06001", city=None, of=None, **fields):
        place = services.city(city, fips) if city else services.jurisdiction_for_fips(fips)
        measure = measures.add_measure((of or coalition).id, place, None, MEASURE | fields, new_form_key())
        db.session.commit()
        return measure

    return add


@pytest.fixture
def other_coalition(db, make_user):
    owner = make_user(email="owner-b@example.org")
    other = coalitions.create_coalition(owner, "Coalition B", "", "Chicago")
    db.session.commit()
    return other
