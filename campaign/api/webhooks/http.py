"""One webhook request: POSTed with `requests` over a connection to the checked address only.

urllib3 resolves a host when it connects, after any check of ours, and a name can resolve to
a public address for the check and a private one a moment later (DNS rebinding). Here the
connection itself asks `addresses.connect_address` where to go and connects there,
while TLS still checks the certificate against the name. Redirects are not followed, and no
proxy from the environment is used: each would be a way around the check.

`requests`' timeout bounds each wait on the socket, not the request: a receiver that drips its
answer a byte at a time would hold the worker without end (and, after the lease, the next
worker too). So each POST has a deadline for the whole of it (connect, send, headers): a
watchdog shuts down its sockets when the deadline passes, and the read in progress fails at
once. The answer's body is never read: only its status is kept."""

import socket
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from campaign.api.webhooks.addresses import RefusedAddress, connect_address
from campaign.api.webhooks.models import NAME_UNKNOWN, NO_ANSWER, REFUSED, TLS_REFUSED, UNREACHABLE
from campaign.core.outbox import describe_error

USER_AGENT = "Campaign-desk-Webhooks/1.0"
ERROR_LENGTH = 500


class _Watchdog:
    """Cuts one POST's connections when its deadline passes, unless the POST finished first."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.cut = False
        self._finished = False
        self._sockets: list[socket.socket] = []
        self._connections: list[HTTPConnection] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def watch(self, connection: HTTPConnection, sock: socket.socket | None = None) -> None:
        """A new connection's raw socket cuts its TLS handshake; the connection's own (TLS)
        socket, what follows, also on a connection reused from the pool."""
        with self._lock:
            self._connections.append(connection)
            if sock is not None:
                self._sockets.append(sock)
            late = self.cut
        if late:  # the deadline passed while the name was looked up
            _shut(sock)
            _shut(connection.sock)

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        with self._lock:  # once this returns, the timer touches nothing (the sockets may be reused)
            self._finished = True
        self._timer.cancel()

    def _cut(self) -> None:
        with self._lock:
            if self._finished:
                return
            self.cut = True
            for sock in [*self._sockets, *(connection.sock for connection in self._connections)]:
                _shut(sock)


def _shut(sock: socket.socket | None) -> None:
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # closed already (or handed over to TLS, whose socket is shut instead)


# The running POST's watchdog, for the connections it opens (they run in the same thread).
_watchdog: ContextVar[_Watchdog | None] = ContextVar("webhook_watchdog", default=None)


class _CheckedConnection:
    def _new_conn(self):
        name = self._dns_host
        self._dns_host = connect_address(name.rstrip("."), self.port)
        try:
            sock = super()._new_conn()
        finally:
            self._dns_host = name  # TLS's server name and certificate check use the name
        _watch(self, sock)
        return sock

    def request(self, *args, **kwargs):
        _watch(self)
        return super().request(*args, **kwargs)


def _watch(connection: HTTPConnection, sock: socket.socket | None = None) -> None:
    watchdog = _watchdog.get()
    if watchdog is not None:
        watchdog.watch(connection, sock)


class _CheckedHTTPConnection(_CheckedConnection, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnection, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}


def session() -> requests.Session:
    """A session for one task's requests (its connections are reused within it)."""
    checked = requests.Session()
    checked.trust_env = False  # no proxy, .netrc or CA bundle from the environment
    checked.mount("http://", _CheckedAdapter())
    checked.mount("https://", _CheckedAdapter())
    return checked


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no answer (refused, timed out, not allowed)
    response_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(http: requests.Session, url: str, body: bytes, headers: dict, timeout: float) -> Answer:
    """POST and take the status, all within `timeout` seconds whatever the receiver does."""
    started = time.monotonic()
    watchdog = _Watchdog(timeout)
    watching = _watchdog.set(watchdog)
    try:
        with watchdog:
            response = http.post(
                url,
                data=body,
                headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
                timeout=timeout,
                allow_redirects=False,
                stream=True,  # the body is not read: only the status matters, and it may be huge
            )
            response.close()  # closes the connection unread: not a byte of the body is taken
    except RefusedAddress as refused:
        return Answer(None, _since(started), str(refused)[:ERROR_LENGTH])
    except requests.RequestException as error:
        return Answer(None, _since(started), NO_ANSWER if watchdog.cut else _what_failed(error))
    finally:
        _watchdog.reset(watching)
    error = (
        None if 200 <= response.status_code < 300 else f"HTTP {response.status_code} {response.reason or ''}"
    )
    return Answer(response.status_code, _since(started), error and error.strip()[:ERROR_LENGTH])


def _what_failed(error: requests.RequestException) -> str:
    """Why no answer came, in words an organizer can pass on (models.ERROR_LABELS translates
    them): the exception's own text names connection pools and retries."""
    text = describe_error(error)
    if isinstance(error, requests.exceptions.SSLError):
        return TLS_REFUSED
    if isinstance(error, requests.exceptions.Timeout):
        return NO_ANSWER
    if isinstance(error, requests.exceptions.ConnectionError):
        if "refused" in text.lower():
            return REFUSED
        if "NameResolutionError" in text or "Name or service not known" in text:
            return NAME_UNKNOWN
        return UNREACHABLE
    return text[:ERROR_LENGTH]


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
