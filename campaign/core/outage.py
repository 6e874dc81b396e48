"""Leaving Redis alone for a few seconds after it failed, and saying so once a minute."""

import logging
import math
from time import monotonic

from flask import current_app

log = logging.getLogger(__name__)

# An outage is worth one line in the log a minute per process, not one per request.
WARN_EVERY_SECONDS = 60


class Outage:
    """What this process knows of one use of Redis (the broker, the counters' storage).

    After a failure, `down()` is true for REDIS_RETRY_SECONDS: callers take their fallback at
    once instead of making every request wait on a dead host (up to its socket timeout), and
    the next call after that tries Redis again.
    """

    def __init__(self, what: str, fallback: str, retry_seconds: float):
        self.what, self.fallback, self.retry_seconds = what, fallback, retry_seconds
        self._retry_at = 0.0  # 0 while Redis answers; set by a failure, cleared by an answer
        self._warned_at = -math.inf

    def down(self) -> bool:
        return monotonic() < self._retry_at

    def failed(self, error: Exception) -> None:
        now = monotonic()
        self._retry_at = now + self.retry_seconds
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning("%s unreachable (%s); %s", self.what, type(error).__name__, self.fallback)

    def answered(self) -> None:
        if self._retry_at:
            self._retry_at = 0.0
            log.info("%s answers again", self.what)


def outage(what: str, fallback: str) -> Outage:
    """This app's record of `what` in this process (each app has its own Redis in tests)."""
    outages = current_app.extensions.setdefault("outages", {})
    if what not in outages:
        outages[what] = Outage(what, fallback, current_app.config["REDIS_RETRY_SECONDS"])
    return outages[what]
