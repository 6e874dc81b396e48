"""A receiver that takes its time must not hold a worker past WEBHOOK_TIMEOUT_SECONDS: `requests`'
timeout bounds each wait on the socket, so a receiver dripping a byte every 0.3 s once held one
8 s against a 1 s timeout, then (after the lease) the next worker too. Real sockets on 127.0.0.1."""

import socket
import threading
import time

import pytest

from campaign.api.webhooks import http
from campaign.api.webhooks.models import DeliveryState, WebhookAttempt
from tests.api.webhooks.test_delivery import delivery, send_test_event

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"


class RawReceiver:
    """Answers each request with `answer(connection)`, then closes; counts the bytes it sent."""

    def __init__(self, answer):
        self.sent = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hooks"
        self._answer = answer
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # stopped
            with connection:
                connection.recv(65536)
                try:
                    self._answer(self, connection)
                except OSError:
                    pass  # the worker hung up, as it should

    def send(self, connection, data: bytes) -> None:
        connection.sendall(data)
        self.sent += len(data)

    def stop(self):
        self.listener.close()


def drip(receiver, connection):
    """The status line and an endless header, a byte every 0.3 s: each read comes in time."""
    for byte in HEADERS + b"X-Slow: " + b"a" * 1000:
        receiver.send(connection, bytes([byte]))
        time.sleep(0.3)


def huge_body(receiver, connection):
    """A 200 at once, then a body of 10 GB (as far as the worker cares to read it)."""
    receiver.send(connection, HEADERS + b"Content-Length: 10000000000\r\n\r\n")
    while receiver.sent < 200_000_000:
        receiver.send(connection, b"x" * 65536)


def silent(receiver, connection):
    time.sleep(10)


@pytest.fixture
def raw_receiver():
    started = []

    def start(answer):
        started.append(RawReceiver(answer))
        return started[-1]

    yield start
    for each in started:
        each.stop()


def timed_post(url: str, timeout: float) -> tuple[http.Answer, float]:
    started = time.monotonic()
    answer = http.post(http.session(), url, b"{}", {}, timeout)
    return answer, time.monotonic() - started


@pytest.mark.parametrize("answer", [drip, silent], ids=["dripping", "silent"])
def test_a_request_is_cut_at_its_deadline_whatever_the_receiver_does(app, raw_receiver, answer):
    with app.app_context():
        took_answer, took = timed_post(raw_receiver(answer).url, 1.0)
    assert 0.9 < took < 1.5, f"a 1 s deadline held the worker {took:.1f} s"
    assert took_answer == http.Answer(None, took_answer.response_ms, http.NO_ANSWER)
    assert not took_answer.ok


def test_a_huge_body_is_not_read(app, raw_receiver):
    receiver = raw_receiver(huge_body)
    with app.app_context():
        answer, took = timed_post(receiver.url, 5.0)
    assert answer.status_code == 200 and answer.error is None
    assert took < 1
    time.sleep(0.2)
    assert receiver.sent < 20_000_000  # what the kernel's buffers took before the hang-up


def test_a_fast_answer_is_not_cut_later(app, receiver):
    """The watchdog of a finished request does nothing when its time comes."""
    with app.app_context():
        answer, took = timed_post(receiver.url, 0.3)
        time.sleep(0.4)
        again, _ = timed_post(receiver.url, 0.3)
    assert (answer.status_code, again.status_code) == (401, 401)  # no signature: the receiver says no
    assert took < 0.3


def test_a_cut_delivery_is_an_attempt_retried_with_backoff(db, app, hook, raw_receiver, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_SECONDS", 0.5)
    endpoint = hook(url=raw_receiver(drip).url)
    started = time.monotonic()
    send_test_event(db, endpoint)
    assert time.monotonic() - started < 1.5
    cut = delivery(db)
    assert (cut.state, cut.attempts, cut.last_status_code) == (DeliveryState.PENDING, 1, None)
    (attempt,) = cut.tries
    assert attempt.error == http.NO_ANSWER and 450 <= attempt.response_ms < 1000
    assert cut.next_attempt_at > attempt.attempted_at


def test_a_closed_port_is_said_in_words_and_in_the_organizers_language(app):
    """What the deliveries list shows is a sentence, not the HTTP library's repr of its pool."""
    with socket.socket() as probe:  # a port nobody listens on once this one is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with app.app_context():
        answer, _ = timed_post(f"http://127.0.0.1:{port}/hooks", 2.0)
    assert answer.error == http.REFUSED
    attempt = WebhookAttempt(error=answer.error)
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert attempt.error_label.startswith("No se pudo conectar")
