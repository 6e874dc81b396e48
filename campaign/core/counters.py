"""Counters kept in the rate-limit storage (Redis with REDIS_URL, memory without), failing open.

A login or a data request must still work while Redis is down: every read and write here logs a
warning and lets the request through instead of raising. Callers pass keyed hashes, never an
address or an email, as keys.
"""

import logging
import math
import time

from flask import current_app
from limits import parse

from campaign.core.crypto import canonical_email, keyed_hash
from campaign.extensions import limiter

log = logging.getLogger(__name__)


def hit(limit: str, *keys: str) -> bool:
    """Count one more under `limit` (e.g. "3 per day"); False if that was over it."""
    try:
        return limiter.limiter.hit(parse(limit), *keys)
    except Exception:  # noqa: BLE001 - a storage outage must not block the request
        log.warning("rate-limit storage unavailable; %s not counted", keys[0])
        return True


def recipient_key(address: str) -> str:
    """The key an email address is counted under: a keyed hash of its canonical form, salted
    apart from the blind indexes so that the counters cannot tie a person's records together."""
    return keyed_hash("email-cap:" + canonical_email(address))


def recipient_allows(kind: str, recipient_key: str, requester_key: str) -> bool:
    """Count one more email of `kind` that a requester (an IP hash) asked for a recipient; False
    if the recipient has had enough today.

    Counted per (recipient, requester), so that a stranger asking from a few addresses cannot
    use up the owner's own requests from theirs, and per recipient with a higher cap, so that a
    flood from many addresses still stops. A pair over its cap does not count towards the total.
    """
    config = current_app.config
    return hit(config["EMAILS_PER_RECIPIENT_AND_REQUESTER"], kind, recipient_key, requester_key) and hit(
        config["EMAILS_PER_RECIPIENT"], kind, recipient_key
    )


def seconds_until_allowed(limit: str, *keys: str) -> int:
    """0 if `limit` leaves room for one more, else the seconds until it does."""
    try:
        parsed = parse(limit)
        if limiter.limiter.test(parsed, *keys):
            return 0
        reset = limiter.limiter.get_window_stats(parsed, *keys).reset_time
    except Exception:  # noqa: BLE001
        log.warning("rate-limit storage unavailable; %s not checked", keys[0])
        return 0
    return max(1, math.ceil(reset - time.time()))


def increment(key: str, expiry_seconds: int) -> int:
    """Add one to a plain counter that lives `expiry_seconds` from its first increment."""
    try:
        return limiter.limiter.storage.incr(key, expiry_seconds)
    except Exception:  # noqa: BLE001
        log.warning("rate-limit storage unavailable; %s not counted", key.split("/")[0])
        return 0


def value(key: str) -> int:
    try:
        return limiter.limiter.storage.get(key)
    except Exception:  # noqa: BLE001
        log.warning("rate-limit storage unavailable; %s not read", key.split("/")[0])
        return 0


def seconds_left(key: str) -> int:
    """How long a counter set by `increment` still lives (0 if it is gone or unreadable)."""
    try:
        if not limiter.limiter.storage.get(key):
            return 0
        return max(0, math.ceil(limiter.limiter.storage.get_expiry(key) - time.time()))
    except Exception:  # noqa: BLE001
        log.warning("rate-limit storage unavailable; %s not read", key.split("/")[0])
        return 0


def forget(key: str) -> None:
    try:
        limiter.limiter.storage.clear(key)
    except Exception:  # noqa: BLE001
        log.warning("rate-limit storage unavailable; %s not cleared", key.split("/")[0])
