"""A petition signed 1,000 times through HTTP, confirmed from real email, tallied by the real worker."""

import re

import pytest
from sqlalchemy import func, select

from campaign.core.outbox import publish_later
from campaign.extensions import db
from campaign.petitions import tally
from campaign.petitions.models import Petition, PetitionSignature, SignatureState, Tally
from campaign.petitions.tasks import send_confirmations
from tests.integration.helpers import link_path, log_in, make_coalition, make_organizer, new_address
from tests.pages import click_confirm
from tests.services import wait_until

pytestmark = pytest.mark.integration

ZIPS = ("19104", "19147", "90012", "10001", "60601", "77002", "30303", "85004")
SIGNERS = 1000
DUPLICATES = 25
QUARANTINED = 10


def sign(client, slug, email, zip_code, number, **extra):
    page = client.get(f"/petitions/{slug}").get_data(as_text=True)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/petitions/{slug}/sign",
        data={"first_name": f"Signer{number}", "email": email, "zip_code": zip_code, "started": started}
        | extra,
        environ_base={"REMOTE_ADDR": f"10.{number // 250}.{number % 250}.9"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_1000_signatures_are_confirmed_tallied_and_agree_with_the_database(
    it_app, it_client, celery_worker, smtp_server
):
    organizer = make_organizer(it_app)
    slug_c = make_coalition(it_app, organizer, name="Petition Coalition")[1]
    log_in(it_client, organizer)
    it_client.post(
        f"/coalitions/{slug_c}/petitions/new",
        data={"title": "End ICE holds", "target": "The Mayor", "ask": "Sign the order.", "goal": "500",
              "time_zone": "America/New_York"},
    )  # fmt: skip
    with it_app.app_context():
        petition = db.session.scalar(select(Petition).order_by(Petition.id.desc()))
        petition_id, slug = petition.id, petition.slug
    it_client.post(f"/coalitions/{slug_c}/petitions/{petition_id}/open")

    emails = [new_address(f"p{number}") for number in range(SIGNERS)]
    for number, email in enumerate(emails):
        sign(it_client, slug, email, ZIPS[number % len(ZIPS)], number)
    for number, email in enumerate(emails[:DUPLICATES]):  # signing again changes nothing
        sign(it_client, slug, email, "19104", number)
    for number in range(QUARANTINED):  # a bot fills the hidden field
        sign(it_client, slug, new_address("bot"), "19104", number, website="http://spam.example")

    for email in emails:
        message = smtp_server.wait_for_mail_to(email, timeout=120)[0]
        assert click_confirm(it_client, link_path(message, "/petitions/confirm/")).status_code == 200

    def already_signed(messages):  # this test's signers: the inbox is the whole session's
        told = [
            m for m in messages if m["Subject"].startswith("You have already signed") and m["To"] in emails
        ]
        return told if len(told) >= DUPLICATES else None

    assert len(smtp_server.wait_for(already_signed, timeout=60)) == DUPLICATES

    with it_app.app_context():  # the worker folds the confirmations, as beat asks it every 3 s
        assert publish_later("campaign.petitions.tasks.keep_tallies", (), 0)

    def counted() -> bool:
        return it_client.get(f"/petitions/{slug}/count.json").get_json()["count"] == SIGNERS

    wait_until(counted, 60, message="the tally to reach every confirmed signature")
    figures = it_client.get(f"/petitions/{slug}/count.json").get_json()
    with it_app.app_context():
        in_state = (
            PetitionSignature.petition_id == petition_id,
            PetitionSignature.state == SignatureState.CONFIRMED,
        )
        by_state = dict(
            db.session.execute(
                select(PetitionSignature.us_state, func.count())
                .where(*in_state)
                .group_by(PetitionSignature.us_state)
            ).all()
        )
        stored = select(Tally.place, Tally.count).where(
            Tally.petition_id == petition_id, Tally.level == "state"
        )
        stored_states = dict(db.session.execute(stored).all())
        quarantined = db.session.scalar(
            select(func.count()).where(PetitionSignature.state == SignatureState.QUARANTINED, in_state[0])
        )
    assert sum(by_state.values()) == figures["count"] == SIGNERS
    assert figures["by_state"] == by_state == stored_states
    assert quarantined == QUARANTINED
    assert figures["goal"] == 2500  # 500 was passed: the next step above the count shows
    with it_app.app_context():  # the exact recount, grouped by PostgreSQL, agrees with the tally
        assert tally.recount(petition_id) == 0
        db.session.commit()
        assert dict(db.session.execute(stored).all()) == stored_states


def test_signatures_taken_while_redis_is_down_are_kept_and_confirmed_once_it_is_back(
    it_app, it_client, redis_down_app, sweeper_app, celery_worker, smtp_server
):
    organizer = make_organizer(it_app)
    slug_c = make_coalition(it_app, organizer, name="Redis Down Coalition")[1]
    log_in(it_client, organizer)
    it_client.post(
        f"/coalitions/{slug_c}/petitions/new",
        data={
            "title": "Redis down",
            "target": "Mayor",
            "ask": "Act.",
            "goal": "10",
            "time_zone": "America/New_York",
        },
    )
    with it_app.app_context():
        petition = db.session.scalar(select(Petition).order_by(Petition.id.desc()))
        petition_id, slug = petition.id, petition.slug
    it_client.post(f"/coalitions/{slug_c}/petitions/{petition_id}/open")

    offline = redis_down_app.test_client()
    emails = [new_address(f"offline{number}") for number in range(5)]
    for number, email in enumerate(emails):
        sign(offline, slug, email, "19104", number)  # acknowledged with a redirect: 302
    with it_app.app_context():
        stored = db.session.scalar(select(func.count()).where(PetitionSignature.petition_id == petition_id))
    assert stored == len(emails)

    with sweeper_app.app_context():  # Redis is back: the beat job asks the signers who waited
        send_confirmations()
    for email in emails:
        smtp_server.wait_for_mail_to(email, timeout=60)
    assert {email: len(smtp_server.to(email)) for email in emails} == dict.fromkeys(emails, 1)
