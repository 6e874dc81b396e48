"""Erasure on PostgreSQL: after a person who signed a petition, RSVPed and signed a letter asks to be
erased and confirms, a full `pg_dump` of the database holds none of their values or hashes."""

import re
import secrets
import shutil
import subprocess

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from campaign.core.crypto import keyed_hash
from campaign.core.outbox import publish_later
from campaign.extensions import db
from campaign.letters.models import Letter, Signature
from campaign.notifications.models import Suppression
from campaign.petitions.models import Petition, PetitionSignature
from campaign.supporters.models import Supporter
from tests.actions.conftest import hosted_event
from tests.integration.helpers import link_path, log_in, make_coalition, make_organizer
from tests.letters.conftest import letter_form
from tests.letters.conftest import sign_form as letter_sign_form
from tests.pages import click_confirm
from tests.petitions.conftest import petition_form
from tests.services import wait_until
from tests.traces import traces

pytestmark = pytest.mark.integration

TAG = secrets.token_hex(4)
DOMAIN = f"quintanilla-{TAG}.example"
EMAIL = f"rosalinda.{TAG}@{DOMAIN}"
FIRST, LAST = "Rosalinda", f"Quintanilla{TAG}"
PHONE_TYPED, PHONE = "(215) 555-0143", "+12155550143"
COMMENT = f"Mi hermano fue detenido en la redada {TAG}."
TITLE = f"Promotora de salud {TAG}"
HER_IP = "198.51.100.23"


def her_link(smtp_server, path_fragment: str) -> str:
    """The path of the newest link with `path_fragment` in mail to her, waiting for it to come."""

    def with_link(messages):
        return [
            message
            for message in messages
            if message["To"] == EMAIL and path_fragment in message.get_body(("plain",)).get_content()
        ]

    return link_path(smtp_server.wait_for(with_link, timeout=60)[-1], path_fragment)


def newest(app, model):
    with app.app_context():
        return db.session.scalar(select(model).order_by(model.id.desc()))


def sign_petition(it_app, client, smtp_server, coalition_slug) -> Petition:
    client.post(f"/coalitions/{coalition_slug}/petitions/new", data=petition_form())
    petition = newest(it_app, Petition)
    client.post(f"/coalitions/{coalition_slug}/petitions/{petition.id}/open")
    page = client.get(f"/petitions/{petition.slug}").get_data(as_text=True)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    form = {"first_name": FIRST, "last_name": LAST, "email": EMAIL, "zip_code": "19104", "comment": COMMENT}
    form |= {"show_name": "y", "subscribe": "y", "started": started, "website": "", "source": ""}
    response = client.post(
        f"/petitions/{petition.slug}/sign", data=form, environ_base={"REMOTE_ADDR": HER_IP}
    )
    assert response.status_code == 302
    assert click_confirm(client, her_link(smtp_server, "/petitions/confirm/")).status_code == 200
    return petition


def sign_letter(it_app, client, smtp_server, coalition_slug) -> Letter:
    client.post(f"/coalitions/{coalition_slug}/letters/new", data=letter_form(allow_individuals="y"))
    letter = newest(it_app, Letter)
    client.post(f"/coalitions/{coalition_slug}/letters/{letter.id}/open")
    individual = letter_sign_form(
        kind="individual", signer_name=f"{FIRST} {LAST}", signer_title=TITLE, email=EMAIL, show_name="y"
    )
    assert client.post(f"/letters/sign/{letter.signon_key}", data=individual).status_code == 302
    assert click_confirm(client, her_link(smtp_server, "/letters/confirm/")).status_code == 200
    with it_app.app_context():
        ids = [
            str(i) for i in db.session.scalars(select(Signature.id).where(Signature.letter_id == letter.id))
        ]
    response = client.post(
        f"/coalitions/{coalition_slug}/letters/{letter.id}/signatures",
        data={"signature_id": ids, "approve": "Approve selected"},
    )
    assert response.status_code == 302
    return letter


def rsvp_to_her_event(it_app, client, smtp_server, coalition_id):
    """An event she proposed and hosts; she RSVPs to it with her phone."""
    with it_app.app_context():
        event = hosted_event(coalition_id, EMAIL, f"{FIRST} {LAST}")
        day_id, day_slug, event_id = event.day_id, event.day.slug, event.id
    rsvp = {"first_name": FIRST, "last_name": LAST, "email": EMAIL, "zip_code": "19104", "phone": PHONE_TYPED}
    assert client.post(f"/actions/{day_slug}/events/{event_id}/rsvp", data=rsvp).status_code == 302
    her_link(smtp_server, "/actions/rsvp/")  # her RSVP's email has gone out: nothing left to send her
    return day_id


def pg_dump(database_url: str) -> str:
    url = make_url(database_url)
    command = [shutil.which("pg_dump") or "pg_dump", "--no-owner", "-h", url.host, "-p", str(url.port)]
    command += ["-U", url.username, url.database]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout


def test_an_erased_person_is_in_no_database_dump_and_every_export_still_downloads(
    it_app, it_client, celery_worker, smtp_server, database_url
):
    organizer = make_organizer(it_app)
    coalition_id, coalition_slug = make_coalition(it_app, organizer, name="Erasure Coalition")
    log_in(it_client, organizer)
    # The RSVP comes first: only a new record takes the phone number (an RSVP changes no record on file).
    day_id = rsvp_to_her_event(it_app, it_client, smtp_server, coalition_id)
    petition = sign_petition(it_app, it_client, smtp_server, coalition_slug)
    letter = sign_letter(it_app, it_client, smtp_server, coalition_slug)
    with it_app.app_context():
        assert publish_later("campaign.petitions.tasks.keep_tallies", (), 0)
    wait_until(
        lambda: it_client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 1,
        60,
        message="her signature counted",
    )
    with it_app.app_context():
        [her] = [supporter for supporter in db.session.scalars(select(Supporter)) if supporter.email == EMAIL]
        ip_hash = db.session.scalar(
            select(PetitionSignature.ip_hash).where(PetitionSignature.supporter_id == her.id)
        )
        assert ip_hash == keyed_hash(HER_IP, "IP_HASH_KEY")  # the hash as the app computes it
        values = {"email": EMAIL, "domain": DOMAIN, "first name": FIRST, "last name": LAST}
        values |= {"phone": PHONE, "phone digits": PHONE[2:], "comment": COMMENT, "title": TITLE}
        hashes = {"blind index": her.email_index, "IP hash": ip_hash}
        # Before: the scan through the ORM finds each of them, so it can see one.
        assert {name for name, _ in traces(db, values | hashes)} == set(values | hashes)
    dump = pg_dump(database_url).casefold()
    assert {name for name, value in hashes.items() if value.casefold() in dump} == set(hashes)

    response = it_client.post("/privacy/request", data={"email": EMAIL, "kind": "erasure"})
    assert response.status_code == 302
    assert it_client.post(her_link(smtp_server, "/privacy/confirm/")).status_code == 302

    dump = pg_dump(database_url).casefold()
    # One trace stays on purpose: the "erased" mark, her blind index in her coalition's
    # suppression list, so that organizers never ask her again (README, Supporter privacy).
    mark = hashes.pop("blind index")
    assert dump.count(mark.casefold()) == 1
    with it_app.app_context():
        assert db.session.scalars(
            select(Suppression.reason).where(Suppression.email_index == mark)
        ).all() == ["erased"]
    assert [name for name, value in (values | hashes).items() if value.casefold() in dump] == []
    with it_app.app_context():
        assert traces(db, values | hashes) == []  # nor in any encrypted column
    for path in (
        f"/coalitions/{coalition_slug}/petitions/{petition.id}/signers.csv",
        f"/coalitions/{coalition_slug}/letters/{letter.id}/signatories.csv",
        f"/coalitions/{coalition_slug}/actions/{day_id}/summary.csv",
        f"/coalitions/{coalition_slug}/supporters",
        f"/coalitions/{coalition_slug}/supporters.csv?columns=action_network",
        f"/coalitions/{coalition_slug}/actions/{day_id}/rsvps.csv",
        f"/coalitions/{coalition_slug}/petitions/{petition.id}/delivery.pdf",
    ):
        response = it_client.get(path)
        assert (path, response.status_code) == (path, 200)
        body = response.get_data()  # a streamed export runs to its end
        assert EMAIL.encode() not in body and LAST.encode() not in body
    assert it_client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"] == 1
