"""Alerts through the real worker, Redis, PostgreSQL and SMTP server.

Exactly once and in the supporter's language, one-click unsubscribe, suppression, a permanent
failure at RCPT, and a worker killed in the middle of a batch.
"""

import asyncio
import threading
from collections import Counter
from urllib.parse import urlsplit

import pytest

from campaign.core.outbox import dispatch_committed
from campaign.extensions import db
from campaign.notifications import services, suppression, tasks
from campaign.notifications.models import Message
from campaign.supporters import services as supporters
from campaign.supporters.models import Subscription, Supporter
from tests.integration.conftest import SmtpInbox, make_app, start_smtp
from tests.integration.helpers import (
    add_supporters,
    compose_alert,
    deliveries,
    delivery_id_of,
    log_in,
    make_coalition,
    make_organizer,
    message_state,
    new_address,
    send_alert,
    wait_until_sent,
)
from tests.services import wait_until

pytestmark = pytest.mark.integration

SUBJECT = "Rally at City Hall on Friday"
BODY = "Join us **Friday at noon** at City Hall. Bring a sign."
SUBJECT_ES = "Manifestación en el Ayuntamiento el viernes"
BODY_ES = "Acompáñanos el **viernes a mediodía** en el Ayuntamiento. Trae un cartel."


@pytest.fixture(scope="module")
def mail_provider(settings, it_app):
    """What a mail provider's one-click POST meets: CSRF protection on, no cookie, no session."""
    return make_app(settings, WTF_CSRF_ENABLED=True).test_client()


def one_click(mail_provider, message) -> None:
    """Press the one-click unsubscribe of `message` as a mail provider does (RFC 8058)."""
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip().removeprefix("<").removesuffix(">")
    response = mail_provider.post(urlsplit(url).path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200, response.get_data(as_text=True)


def subscription(app, supporter_id: int) -> Subscription:
    with app.app_context():
        return db.session.get(Supporter, supporter_id).subscription


def states(app, message_id: int) -> dict[int, str]:
    """supporter id -> the state of their delivery of the message."""
    return {supporter: row["state"] for supporter, row in deliveries(app, message_id).items()}


def outcome(app, message_id: int) -> tuple[dict[str, int], list[str]]:
    """How the message's deliveries ended, by state, and the distinct errors recorded."""
    rows = deliveries(app, message_id).values()
    return dict(Counter(row["state"] for row in rows)), sorted({row["last_error"] for row in rows} - {None})


def copies(inbox: SmtpInbox, addresses) -> dict[str, int]:
    """How many messages the server accepted for each of `addresses`."""
    wanted = set(addresses)
    counted = Counter(message["To"] for message in inbox.messages() if message["To"] in wanted)
    return {address: counted[address] for address in addresses}


def test_an_alert_to_500_supporters_arrives_once_each_in_their_language(
    it_app, it_client, celery_worker, smtp_server, mail_provider
):
    organizer = make_organizer(it_app)
    log_in(it_client, organizer)
    coalition_id, slug = make_coalition(it_app, organizer)
    people = [(new_address(f"supporter{number}"), "es" if number % 4 == 0 else "en") for number in range(500)]
    ids = add_supporters(it_app, coalition_id, people)
    language = dict(people)

    response = it_client.post(
        f"/coalitions/{slug}/alerts/new",
        data={
            "subject": SUBJECT,
            "body": BODY,
            "subject_es": SUBJECT_ES,
            "body_es": BODY_ES,
            "source": "subscribers",
            "state": "",
            "zip_code": "",
            "miles": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    alert_path = urlsplit(response.headers["Location"]).path
    alert_id = int(alert_path.rsplit("/", 1)[1])
    assert it_client.post(f"{alert_path}/send").status_code == 302
    wait_until_sent(it_app, alert_id)
    assert outcome(it_app, alert_id) == ({"sent": 500}, [])

    # Exactly one copy each, and each copy is its own delivery (Message-ID "<delivery id>.delivery@...").
    assert copies(smtp_server, ids) == dict.fromkeys(ids, 1)
    received = {message["To"]: message for message in smtp_server.messages() if message["To"] in ids}
    sent = deliveries(it_app, alert_id)
    assert {address: delivery_id_of(message) for address, message in received.items()} == {
        address: sent[ids[address]]["id"] for address in ids
    }
    progress = it_client.get(f"{alert_path}/progress.json").get_json()
    assert (progress["sent"], progress["remaining"], progress["percent"]) == (500, 0, 100)

    # In the supporter's language: 125 of them chose Spanish, and the alert has a Spanish version.
    for address, message in received.items():
        expected = SUBJECT_ES if language[address] == "es" else SUBJECT
        assert message["Subject"] == expected, address
    spanish = sorted(address for address in ids if language[address] == "es")
    assert len(spanish) == 125
    text = received[spanish[0]].get_body(preferencelist=("plain",)).get_content()
    assert "viernes a mediodía" in text and "Friday" not in text
    # Each supporter's unsubscribe link is their own.
    assert len({message["List-Unsubscribe"] for message in received.values()}) == 500

    # One click from the mail provider, with no session and no CSRF token, unsubscribes her...
    leaving = spanish[0]
    one_click(mail_provider, received[leaving])
    assert subscription(it_app, ids[leaving]) == Subscription.UNSUBSCRIBED
    assert subscription(it_app, ids[spanish[1]]) == Subscription.SUBSCRIBED

    # ...and the next alert skips her: nothing offered to the server, everyone else a second copy.
    second_id = compose_alert(it_app, coalition_id, "Thank you for coming", subject_es="Gracias por venir")
    assert it_client.post(f"/coalitions/{slug}/alerts/{second_id}/send").status_code == 302
    wait_until_sent(it_app, second_id)
    assert outcome(it_app, second_id) == ({"sent": 499}, [])
    assert copies(smtp_server, ids) == dict.fromkeys(ids, 2) | {leaving: 1}
    assert smtp_server.rcpt_attempts(leaving) == 1
    assert ids[leaving] not in states(it_app, second_id)  # alerts go to subscribers only


def test_unsubscribed_and_suppressed_addresses_receive_nothing(
    it_app, celery_worker, smtp_server, mail_provider
):
    organizer = make_organizer(it_app)
    coalition_id, _ = make_coalition(it_app, organizer, "Lehigh Valley Families Together")
    ana, luis, rosa, gone = (new_address(name) for name in ("ana", "luis", "rosa", "gone"))
    ids = add_supporters(it_app, coalition_id, [(ana, "en"), (luis, "es"), (rosa, "en"), (gone, "en")])
    with it_app.app_context():
        supporters.unsubscribe(db.session.get(Supporter, ids[gone]))  # left before the alert
        suppression.suppress(coalition_id, rosa, "added by hand: asked by phone to stop")
        db.session.commit()
    alert_id = compose_alert(it_app, coalition_id, "Vigil tonight at 7", subject_es="Vigilia esta noche")

    # The alert starts (one delivery per subscriber is written, as start_message does)...
    with it_app.app_context():
        alert = db.session.get(Message, alert_id)
        services.start(alert)
        services.create_deliveries(alert)
        db.session.commit()
        token = db.session.get(Supporter, ids[luis]).preferences_token
    assert states(it_app, alert_id) == {ids[ana]: "queued", ids[luis]: "queued", ids[rosa]: "queued"}
    # ...Luis unsubscribes (one click on an earlier alert) before his turn comes...
    response = mail_provider.post(f"/u/{token}/one-click", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    # ...and the worker's senders start.
    with it_app.app_context():
        tasks.publish_senders(alert_id)
        db.session.commit()
        dispatch_committed()
    wait_until_sent(it_app, alert_id)
    assert outcome(it_app, alert_id) == ({"sent": 1, "suppressed": 2}, [])

    assert copies(smtp_server, [ana, luis, rosa, gone]) == {ana: 1, luis: 0, rosa: 0, gone: 0}
    assert [smtp_server.rcpt_attempts(address) for address in (luis, rosa, gone)] == [0, 0, 0]
    assert states(it_app, alert_id) == {ids[ana]: "sent", ids[luis]: "suppressed", ids[rosa]: "suppressed"}
    with it_app.app_context():
        progress = services.progress(db.session.get(Message, alert_id))
    assert (progress.sent, progress.suppressed, progress.failed) == (1, 2, 0)


def test_a_permanent_failure_fails_the_delivery_and_suppresses_the_address(
    it_app, celery_worker, smtp_server
):
    organizer = make_organizer(it_app)
    coalition_id, _ = make_coalition(it_app, organizer, "Bucks County Immigrant Rights Coalition")
    other_coalition_id, _ = make_coalition(it_app, organizer, "Delaware Valley Welcoming Network")
    gone, ana, luis = new_address("moved-away"), new_address("ana"), new_address("luis")
    ids = add_supporters(it_app, coalition_id, [(gone, "en"), (ana, "en"), (luis, "es")])
    add_supporters(it_app, other_coalition_id, [(gone, "en")])
    smtp_server.refuse(gone, f"550 5.1.1 <{gone}>: Recipient address rejected: no such user")

    first_id = compose_alert(it_app, coalition_id, "Call your county commissioners")
    send_alert(it_app, first_id)
    wait_until_sent(it_app, first_id)
    assert outcome(it_app, first_id)[0] == {"sent": 2, "failed": 1}

    failed = deliveries(it_app, first_id)[ids[gone]]
    assert failed["state"] == "failed"
    assert "550" in failed["last_error"]
    assert gone not in failed["last_error"]  # errors are stored with addresses masked
    assert smtp_server.rcpt_attempts(gone) == 1  # a permanent "no" is not retried
    assert copies(smtp_server, [gone, ana, luis]) == {gone: 0, ana: 1, luis: 1}
    with it_app.app_context():
        assert suppression.is_suppressed(coalition_id, gone)
        assert not suppression.is_suppressed(other_coalition_id, gone)  # each coalition its own list

    second_id = compose_alert(it_app, coalition_id, "The vote is on Tuesday")
    send_alert(it_app, second_id)
    wait_until_sent(it_app, second_id)

    assert states(it_app, second_id) == {ids[gone]: "suppressed", ids[ana]: "sent", ids[luis]: "sent"}
    assert smtp_server.rcpt_attempts(gone) == 1  # not even tried
    assert copies(smtp_server, [gone, ana, luis]) == {gone: 0, ana: 2, luis: 2}


# A worker killed mid-batch. The SMTP server below stops answering at one chosen moment, so the
# kill lands exactly where it must, with no timing guesses:
#   "rcpt": while the server considers the 12th recipient, before any of its message was sent;
#   "data": after the server took the whole 12th message, before it answered "250".
# Batches of 5, so the 12th is the second of the third batch and three more are claimed with it.

BATCH, HOLD_AT, RECIPIENTS, LEASE = 5, 12, 40, 3
KEEP_SENDING = "campaign.notifications.tasks.keep_sending"


class HoldingInbox(SmtpInbox):
    """An SMTP server that stops answering at the `number`-th RCPT or DATA until released."""

    def __init__(self, stage: str, number: int):
        super().__init__()
        self.stage, self.number = stage, number
        self.seen = Counter()
        self.held_address = None
        self.holding, self.released = threading.Event(), threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._reached("rcpt"):
            await self._hold(address)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        self._record(envelope)  # the server has the message from the final "." on
        if self._reached("data"):
            await self._hold(envelope.rcpt_tos[0])
        return "250 Message accepted for delivery"

    def _reached(self, stage: str) -> bool:
        self.seen[stage] += 1  # the controller's one event-loop thread: no lock needed
        return stage == self.stage and self.seen[stage] == self.number

    async def _hold(self, address: str) -> None:
        self.held_address = address
        self.holding.set()
        while not self.released.is_set():  # a lost connection cancels this wait; that is fine
            await asyncio.sleep(0.01)


@pytest.fixture
def holding_smtp():
    started = []

    def start(stage: str, number: int) -> HoldingInbox:
        inbox = HoldingInbox(stage, number)
        started.append((inbox, start_smtp(inbox)))
        return inbox

    yield start
    for inbox, controller in started:
        inbox.released.set()
        controller.stop()


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_a_worker_killed_mid_batch_sends_every_message_exactly_once(
    stage, settings, it_app, extra_workers, holding_smtp, kill_broker
):
    inbox = holding_smtp(stage, HOLD_AT)
    config = {"NOTIFY_BATCH_SIZE": BATCH, "NOTIFY_LEASE_SECONDS": LEASE}
    worker_env = {"REDIS_URL": kill_broker, "SMTP_URL": inbox.url, **config}
    app = make_app(
        settings, REDIS_URL=kill_broker, RATELIMIT_STORAGE_URI=kill_broker, SMTP_URL=inbox.url, **config
    )
    organizer = make_organizer(app)
    coalition_id, _ = make_coalition(app, organizer, f"Pittsburgh Rapid Response Network ({stage})")
    people = [
        (new_address(f"rapid{number}"), "es" if number % 3 == 0 else "en") for number in range(RECIPIENTS)
    ]
    ids = add_supporters(app, coalition_id, people)
    doomed = extra_workers(f"doomed-{stage}", own_session=True, **worker_env)

    alert_id = compose_alert(
        app, coalition_id, "ICE checkpoint reported on Route 28", subject_es="Retén de ICE"
    )
    send_alert(app, alert_id)
    # Fail fast, and say why, if the alert ends without ever reaching that moment.
    wait_until(
        lambda: inbox.holding.is_set() or message_state(app, alert_id) != "sending",
        60,
        message=f"the sender to reach the {HOLD_AT}th {stage}",
    )
    assert inbox.holding.is_set(), f"the alert ended before its {HOLD_AT}th {stage}: {outcome(app, alert_id)}"

    # Mid-batch: the held delivery and the rest of its batch are claimed by the doomed worker.
    held = deliveries(app, alert_id)[ids[inbox.held_address]]
    claimed = [row for row in deliveries(app, alert_id).values() if row["state"] == "sending"]
    assert held["state"] == "sending" and len(claimed) >= BATCH - (HOLD_AT - 1) % BATCH
    # Only from the final "." on is a delivery handed over.
    assert (held["handed_over_at"] is not None) == (stage == "data")

    doomed.kill()
    inbox.released.set()
    extra_workers(f"replacement-{stage}", **worker_env)
    # The beat job, every half second instead of every ten: once the dead worker's lease is over
    # its rows go back to the queue (or count as sent if handed over) and the replacement sends.
    keep_sending = app.extensions["celery"].tasks[KEEP_SENDING]
    wait_until_sent(app, alert_id, every=lambda: keep_sending.apply(throw=True))

    addresses = [address for address, _ in people]
    assert copies(inbox, addresses) == dict.fromkeys(addresses, 1)  # no duplicate, no miss
    assert len(inbox.messages()) == RECIPIENTS
    assert len({delivery_id_of(message) for message in inbox.messages()}) == RECIPIENTS
    assert outcome(app, alert_id) == ({"sent": RECIPIENTS}, [])
    final = deliveries(app, alert_id)
    # The held message was sent again only if the server never had it.
    assert final[ids[inbox.held_address]]["attempts"] == (2 if stage == "rcpt" else 1)
