"""Redis stopped three times while a petition is being signed: no request fails, no signature is
lost, each signer's confirmation email goes out once, and the real worker reconnects by itself.

Everything is real: a redis-server of this test's own (never the shared one), the Celery worker
as production runs it, PostgreSQL and the SMTP server.
"""

import threading
import time

import pytest
import redis
from kombu import Connection, Queue
from sqlalchemy import func, select

from campaign.core import broker
from campaign.extensions import db
from campaign.notifications.models import Delivery, DeliveryState
from campaign.petitions import abuse
from campaign.petitions.models import Petition, PetitionSignature, SignatureState
from tests.integration.conftest import make_app
from tests.integration.helpers import log_in, make_coalition, make_organizer, new_address
from tests.services import wait_until

pytestmark = pytest.mark.integration

OUTAGES = 3
OUTAGE_SECONDS = 3
SIGNATURES_PER_SECOND = 15
# celery beat's jobs that bring work left behind back (worker/schedule.py), published every half
# second here instead of every 5 to 15 s.
BEAT_JOBS = (
    "campaign.core.tasks.sweep_outbox",
    "campaign.notifications.tasks.keep_sending",
    "campaign.petitions.tasks.send_confirmations",
)


@pytest.fixture
def outage_settings(settings, private_redis):
    return {**settings, "REDIS_URL": private_redis.url, "RATELIMIT_STORAGE_URI": private_redis.url}


@pytest.fixture
def outage_worker(it_app, extra_workers, private_redis):
    """The worker as production runs it, on the private Redis; rows left pending a second are swept."""
    return extra_workers("outage", REDIS_URL=private_redis.url, OUTBOX_SWEEP_AFTER_SECONDS=1)


def open_petition(app) -> tuple[int, str, int]:
    """An open petition, made through the organizer's pages; (its id, its slug, its coalition's id)."""
    organizer = make_organizer(app)
    coalition_id, coalition_slug = make_coalition(app, organizer, name="Outage Coalition")
    client = app.test_client()
    log_in(client, organizer)
    client.post(
        f"/coalitions/{coalition_slug}/petitions/new",
        data={"title": "Redis down", "target": "Mayor", "ask": "Act.", "goal": "100",
              "time_zone": "America/New_York"},
    )  # fmt: skip
    with app.app_context():
        petition_id, slug = db.session.execute(
            select(Petition.id, Petition.slug).order_by(Petition.id.desc())
        ).first()
    assert client.post(f"/coalitions/{coalition_slug}/petitions/{petition_id}/open").status_code == 302
    return petition_id, slug, coalition_id


class Signers(threading.Thread):
    """People signing at a steady rate through the public form, each from an address of their own."""

    def __init__(self, app, slug: str, stamp: str):
        super().__init__(daemon=True)
        self.client, self.slug, self.stamp = app.test_client(), slug, stamp
        self.answers: list[tuple[str, int, float]] = []  # (email, status, when it was answered)
        self.stopping = threading.Event()

    def run(self) -> None:
        due = time.monotonic()
        while not self.stopping.is_set():
            number, email = len(self.answers), new_address(f"outage{len(self.answers)}")
            response = self.client.post(
                f"/petitions/{self.slug}/sign",
                data={"first_name": f"Signer{number}", "email": email, "zip_code": "19104",
                      "started": self.stamp},
                environ_base={"REMOTE_ADDR": f"10.77.{number // 250}.{number % 250 + 1}"},
            )  # fmt: skip
            self.answers.append((email, response.status_code, time.monotonic()))
            due += 1 / SIGNATURES_PER_SECOND
            time.sleep(max(0.0, due - time.monotonic()))


def beat(app, stopping: threading.Event) -> None:
    """What celery beat does: publish the jobs, and when Redis is down, try again next time."""
    celery = app.extensions["celery"]
    while not stopping.wait(0.5):
        for name in BEAT_JOBS:
            try:
                celery.send_task(name)
            except Exception:  # noqa: BLE001, S112 - beat logs it and carries on
                continue


def settled(app, petition_id: int, coalition_id: int) -> tuple[int, dict[str, int]] | None:
    """Once every signer has been asked to confirm and every email has left: (the signatures
    stored, the deliveries by state). Nothing is sent after that."""
    with app.app_context():
        signatures = select(func.count()).where(PetitionSignature.petition_id == petition_id)
        stored = db.session.scalar(signatures)
        waiting = db.session.scalar(signatures.where(PetitionSignature.asked_at.is_(None)))
        by_state = select(Delivery.state, func.count()).where(Delivery.coalition_id == coalition_id)
        states = dict(db.session.execute(by_state.group_by(Delivery.state)).all())
        db.session.remove()
    if waiting or sum(states.values()) < stored or set(states) - {DeliveryState.SENT, DeliveryState.FAILED}:
        return None
    return stored, {state.value: count for state, count in states.items()}


def test_redis_stopped_three_times_while_signing_loses_nothing_and_the_worker_reconnects(
    it_app, outage_settings, private_redis, outage_worker, smtp_server
):
    app = make_app(outage_settings)
    petition_id, slug, coalition_id = open_petition(app)
    with app.app_context():
        stamp = abuse.form_stamp(petition_id)
    signers, beat_stops = Signers(app, slug, stamp), threading.Event()
    beat_thread = threading.Thread(target=beat, args=(app, beat_stops), daemon=True)
    signers.start()
    beat_thread.start()
    try:
        for outage in range(1, OUTAGES + 1):
            time.sleep(1)  # signing with Redis up
            private_redis.stop()
            time.sleep(OUTAGE_SECONDS)
            private_redis.start()

            def reconnected(count=outage + 1) -> bool:
                assert outage_worker.process.poll() is None, outage_worker.tail()
                return outage_worker.log().count("] Connected to ") >= count

            wait_until(
                reconnected, 40, interval=0.1, message=f"the worker to reconnect after outage {outage}"
            )
        time.sleep(1)
    finally:
        signers.stopping.set()
        signers.join(timeout=30)

    answers = signers.answers
    assert {status for _, status, _ in answers} == {302}  # every one taken: no 5xx, none refused
    taken_while_down = [sum(start <= at <= end for *_, at in answers) for start, end in private_redis.outages]
    assert len(taken_while_down) == OUTAGES and all(taken_while_down), taken_while_down
    emails = [email for email, _, _ in answers]
    try:
        wait_until(lambda: all(smtp_server.to(email) for email in emails), 60, message="every confirmation")
        stored, deliveries = wait_until(lambda: settled(app, petition_id, coalition_id), 30, message="quiet")
    finally:
        beat_stops.set()
        beat_thread.join(timeout=10)
    assert stored == len(answers)
    assert deliveries == {"sent": stored}
    assert {email: len(smtp_server.to(email)) for email in emails} == dict.fromkeys(emails, 1)
    with app.app_context():
        quarantined = db.session.scalar(
            select(func.count()).where(
                PetitionSignature.petition_id == petition_id,
                PetitionSignature.state == SignatureState.QUARANTINED,
            )
        )
    assert quarantined == 0
    assert outage_worker.process.poll() is None
    assert "Unrecoverable error" not in outage_worker.log()


def test_a_task_that_ends_while_redis_is_down_frees_its_slot(private_redis):
    """core/broker.py: kombu keeps the prefetch slot of an acknowledgement Redis never got, and a
    worker with one slot per process then never asks for work again."""
    with Connection(private_redis.url) as publisher:
        publisher.SimpleQueue("slot-test").put({"task": 1})
    with Connection(private_redis.url, transport=broker.Transport) as connection:
        received = []
        consumer = connection.Consumer(
            [Queue("slot-test")], callbacks=[lambda body, message: received.append(message)], prefetch_count=1
        )
        consumer.consume()
        connection.drain_events(timeout=5)
        qos = received[0].channel.qos
        assert not qos.can_consume()  # the task runs, its message unacknowledged

        private_redis.stop()
        with pytest.raises(redis.ConnectionError):
            received[0].ack()
        assert qos.can_consume()
