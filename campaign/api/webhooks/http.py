"""One webhook request: POSTed with `requests` over a connection to the checked address only.

urllib3 resolves a host when it connects, after any check of ours, and a name can resolve to
a public address for the check and a private one a moment later (DNS rebinding). Here the
connection itself asks `addresses.connect_address` where to go and connects there,
while TLS still checks the certificate against the name. Redirects are not followed, and no
proxy from the environment is used: each would be a way around the check."""

import time
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from campaign.api.webhooks.addresses import RefusedAddress, connect_address
from campaign.core.outbox import describe_error

USER_AGENT = "Campaign-desk-Webhooks/1.0"
ERROR_LENGTH = 500


class _CheckedConnection:
    def _new_conn(self):
        name = self._dns_host
        self._dns_host = connect_address(name.rstrip("."), self.port)
        try:
            return super()._new_conn()
        finally:
            self._dns_host = name  # TLS's server name and certificate check use the name


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
    started = time.monotonic()
    try:
        response = http.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
            timeout=timeout,
            allow_redirects=False,
            stream=True,  # the body is not read: only the status matters, and it may be huge
        )
        response.close()
    except RefusedAddress as refused:
        return Answer(None, _since(started), str(refused)[:ERROR_LENGTH])
    except requests.RequestException as error:
        return Answer(None, _since(started), describe_error(error)[:ERROR_LENGTH])
    error = (
        None if 200 <= response.status_code < 300 else f"HTTP {response.status_code} {response.reason or ''}"
    )
    return Answer(response.status_code, _since(started), error and error.strip()[:ERROR_LENGTH])


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
