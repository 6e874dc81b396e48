"""A PostgreSQL restart under load: no acknowledged signature is lost, no request fails once it is back."""

import http.client
import itertools
import threading
import time
import urllib.parse
from contextlib import ExitStack
from dataclasses import dataclass
from select import POLLIN, poll

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, func, select
from werkzeug.serving import make_server

from campaign import create_app
from campaign.coalitions.models import Coalition
from campaign.config import TestConfig
from campaign.core.crypto import email_blind_index
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.petitions import services
from campaign.petitions.models import PetitionSignature
from tests.integration.clusters import Cluster, own_cluster
from tests.services import wait_until

pytestmark = pytest.mark.integration

SIGNERS_PER_WORKER = 2
BUSY_BEFORE = 10  # signatures the busy worker takes before the restart
IDLE_EACH = 3  # signatures each signer of the idle worker sends before and after the restart
BUSY_AFTER = 10


@pytest.fixture(scope="module")
def cluster():
    with own_cluster() as own:
        yield own


def make_app(cluster: Cluster):
    """Each app has a pool of its own, as each gunicorn worker process does."""
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=cluster.url)


@pytest.fixture(scope="module")
def petition(cluster):
    """The schema as production gets it, and an open petition: (coalition id, petition id, slug)."""
    app = make_app(cluster)
    with app.app_context():
        upgrade()
        coalition = Coalition(slug="restart-test", name="Restart test")
        db.session.add(coalition)
        db.session.flush()
        petition = services.create_petition(
            coalition.id, None, {"title": "Restart", "target": "x", "ask": "x"}
        )
        services.open_petition(petition, utcnow())
        db.session.commit()
        return coalition.id, petition.id, petition.slug


def serve(stack: ExitStack, app) -> int:
    """`app` behind a real threaded HTTP server, a thread per request; returns its port."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    stack.callback(thread.join)
    stack.callback(httpd.shutdown)
    return httpd.server_port


@dataclass
class Attempt:
    email: str
    started: float
    status: int


def sign(port: int, slug: str, email: str, attempts: list) -> int:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        body = urllib.parse.urlencode({"first_name": "Ana", "email": email, "zip_code": "19104"})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", f"/petitions/{slug}/sign", body, headers)
        status = connection.getresponse().status
    finally:
        connection.close()
    attempts.append(Attempt(email, started, status))
    if status != 302:
        time.sleep(0.05)  # the database is down: no need to spin
    return status


def test_a_restart_loses_no_acknowledged_signature_and_fails_no_request_once_it_is_back(cluster, petition):
    """Two "workers" (apps with a pool each): one signing all through the restart, one idle during
    it, whose pooled connections are all dead when it signs again."""
    coalition_id, petition_id, slug = petition
    attempts: list[Attempt] = []
    stop, restarted = threading.Event(), threading.Event()
    idle_ready = threading.Barrier(SIGNERS_PER_WORKER + 1)

    def busy_signer(port: int, name: str):
        for count in itertools.count():
            if stop.is_set():
                return
            sign(port, slug, f"busy-{name}-{count}@restart.example", attempts)

    def idle_signer(port: int, name: str):
        for count in range(IDLE_EACH):
            sign(port, slug, f"idle-{name}-before-{count}@restart.example", attempts)
        idle_ready.wait()
        restarted.wait()
        for count in range(IDLE_EACH):
            sign(port, slug, f"idle-{name}-after-{count}@restart.example", attempts)

    with ExitStack() as stack:
        busy, idle = serve(stack, make_app(cluster)), serve(stack, make_app(cluster))
        signers = [threading.Thread(target=busy_signer, args=(busy, n)) for n in range(SIGNERS_PER_WORKER)]
        signers += [threading.Thread(target=idle_signer, args=(idle, n)) for n in range(SIGNERS_PER_WORKER)]
        stack.callback(lambda: [thread.join(timeout=30) for thread in signers])
        stack.callback(stop.set)
        stack.callback(restarted.set)
        for thread in signers:
            thread.start()
        idle_ready.wait(timeout=60)
        wait_until(lambda: len(attempts) >= BUSY_BEFORE + IDLE_EACH * SIGNERS_PER_WORKER, 30, message="load")
        cluster.restart()
        back = time.monotonic()
        restarted.set()
        after = lambda: [attempt for attempt in attempts if attempt.started > back]  # noqa: E731
        wait_until(lambda: len(after()) >= BUSY_AFTER + IDLE_EACH * SIGNERS_PER_WORKER, 30, message="after")

    # While the database is down a request may be told to try again in a moment, never a 500.
    assert {attempt.status for attempt in attempts} <= {302, 503}
    assert [(attempt.email, attempt.status) for attempt in after() if attempt.status != 302] == []
    acknowledged = {attempt.email for attempt in attempts if attempt.status == 302}
    with make_app(cluster).app_context():
        stored = set(
            db.session.scalars(
                select(PetitionSignature.email_index).where(PetitionSignature.petition_id == petition_id)
            )
        )
        lost = [
            email
            for email in acknowledged
            if email_blind_index(email, coalition_id=coalition_id) not in stored
        ]
    assert lost == []


def lose_connection_once(app, cluster: Cluster, event_name: str, when=lambda *args: True) -> list:
    """Have the server drop the connection `app` is using at this engine event, once, as a restart
    or a network would between the pool's checkout and a statement. Returns a list that is
    non-empty once it has."""
    lost = []

    def drop(connection, *args):
        if lost or not when(*args):
            return
        dbapi_connection = connection.connection.dbapi_connection
        cluster.terminate(dbapi_connection.info.backend_pid)
        poller = poll()
        poller.register(dbapi_connection.fileno(), POLLIN)
        poller.poll(10_000)  # until the server has hung up
        lost.append(event_name)

    with app.app_context():
        event.listen(db.engine, event_name, drop)
    return lost


def inserting(cursor, statement, *rest) -> bool:
    return statement.lstrip().upper().startswith("INSERT")


def signatures_of(app, coalition_id: int, email: str) -> int:
    with app.app_context():
        index = email_blind_index(email, coalition_id=coalition_id)
        return db.session.scalar(select(func.count()).where(PetitionSignature.email_index == index))


def test_a_page_whose_connection_is_lost_before_its_query_is_served_on_a_new_one(cluster, petition):
    app = make_app(cluster)
    client = app.test_client()
    slug = petition[2]
    assert client.get(f"/petitions/{slug}").status_code == 200  # a connection in the pool
    lost = lose_connection_once(app, cluster, "before_cursor_execute")
    assert client.get(f"/petitions/{slug}").status_code == 200
    assert lost


def test_a_signature_whose_connection_is_lost_before_its_commit_is_signed_once_on_a_new_one(
    cluster, petition
):
    coalition_id, _, slug = petition
    app = make_app(cluster)
    client = app.test_client()
    lost = lose_connection_once(app, cluster, "before_cursor_execute", when=inserting)
    form = {"first_name": "Ana", "email": "lost-before-commit@restart.example", "zip_code": "19104"}
    assert client.post(f"/petitions/{slug}/sign", data=form).status_code == 302
    assert lost
    assert signatures_of(app, coalition_id, form["email"]) == 1


def test_a_signature_whose_connection_is_lost_in_its_commit_is_not_run_again_and_asks_to_try_again(
    cluster, petition
):
    """Once a COMMIT has left, the work may be stored: running the view again could do it twice."""
    coalition_id, _, slug = petition
    app = make_app(cluster)
    client = app.test_client()
    lost = lose_connection_once(app, cluster, "commit")
    form = {"first_name": "Ana", "email": "lost-in-commit@restart.example", "zip_code": "19104"}
    response = client.post(f"/petitions/{slug}/sign", data=form, headers={"Accept-Language": "es"})
    assert (response.status_code, lost) == (503, ["commit"])
    assert "Volvemos enseguida" in response.get_data(as_text=True)
    assert signatures_of(app, coalition_id, form["email"]) == 0  # this commit did not get through
    assert client.post(f"/petitions/{slug}/sign", data=form).status_code == 302
    assert signatures_of(app, coalition_id, form["email"]) == 1
