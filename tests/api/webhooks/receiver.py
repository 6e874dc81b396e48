"""A real webhook receiver for tests: http.server in a thread on 127.0.0.1, which verifies each
request's signature with the Standard Webhooks library, as a coalition's program would."""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    verified: bool  # by the secret the receiver held when it came
    status: int  # what the receiver answered

    @property
    def payload(self):
        return json.loads(self.body)


class Receiver:
    def __init__(self):
        self.received: list[Received] = []
        self.secret: str | None = None
        self._answers: list[int] = []  # the next requests' statuses, then 200s
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver._take(self, body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def _take(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        headers = dict(handler.headers.items())
        verified = self.verifies(body, headers)
        with self._changed:
            status = self._answers.pop(0) if self._answers else 200
            if not verified:
                status = 401
            self.received.append(Received(handler.path, headers, body, verified, status))
            self._changed.notify_all()
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def verifies(self, body: bytes, headers: dict) -> bool:
        if self.secret is None:
            return False
        try:
            Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            return False
        return True

    def answer(self, *statuses: int) -> None:
        """The statuses of the next requests (then 200)."""
        with self._changed:
            self._answers.extend(statuses)

    def wait_for(self, count: int, timeout: float = 20) -> list[Received]:
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(f"{len(self.received)} of {count} requests within {timeout}s")
            return list(self.received)

    def events(self) -> list[dict]:
        """Every event received, batches unpacked."""
        found = []
        for each in list(self.received):
            payload = each.payload
            found.extend(payload if isinstance(payload, list) else [payload])
        return found

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(name="receiver")
def receiver_fixture():
    started = Receiver()
    yield started
    started.stop()
