"""Every count behind an abuse limit or a throttle: in Redis, or in this process while Redis is down.

The counts live in the rate-limit storage (Redis with REDIS_URL, memory without). A login, a
signature or a data request must still work, and still be checked, while Redis is unreachable:
each process then counts in its own memory (a flood is limited per process instead of in all),
leaves Redis alone for REDIS_RETRY_SECONDS after each failure instead of making every request
wait on it, and warns once a minute (core/outage.py). Counts made in memory are not carried
into Redis: once it answers, the limits read its counts again (the memory's run out with their
windows). Callers pass keyed hashes, never an address or an email, as keys.
"""

import functools
import math
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from redis.exceptions import NoScriptError

from campaign.core.crypto import canonical_email, keyed_hash
from campaign.core.outage import Outage, outage

T = TypeVar("T")


class _Stores:
    """This app's storage and, for its outages, this process's memory."""

    def __init__(self, config):
        self.shared: Storage = storage_from_string(
            config["RATELIMIT_STORAGE_URI"], **config.get("RATELIMIT_STORAGE_OPTIONS", {})
        )
        self.local = MemoryStorage()
        self.outage: Outage = outage("rate-limit storage", "counting in this process until it answers")


def _stores() -> _Stores:
    extensions = current_app.extensions
    if "counters" not in extensions:
        extensions["counters"] = _Stores(current_app.config)
    return extensions["counters"]


def _count(operation: Callable[[Storage], T]) -> T:
    stores = _stores()
    if not stores.outage.down():
        try:
            result = operation(stores.shared)
        except Exception as error:  # noqa: BLE001 - whatever Redis raised, memory answers instead
            stores.outage.failed(error)
        else:
            stores.outage.answered()
            return result
    return operation(stores.local)


def hit(limit: str, *keys: str) -> bool:
    """Count one more under `limit` (e.g. "3 per day"); False if that was over it."""
    return hit_all([(limit, *keys)])


def hit_all(limits: Sequence[tuple[str, ...]]) -> bool:
    """Count one more under each `(limit, *keys)`, in one round trip to Redis; False if any was over.

    Every limit counts the attempt, over or not, as each of them would if counted alone.
    """
    items = [(_parsed(limit), keys) for limit, *keys in limits]

    def count_all(storage: Storage) -> bool:
        if isinstance(storage, RedisStorage):
            counts = _incr_together(
                storage, [(item.key_for(*keys), item.get_expiry()) for item, keys in items]
            )
        else:
            counts = [storage.incr(item.key_for(*keys), item.get_expiry()) for item, keys in items]
        return all(count <= item.amount for count, (item, _) in zip(counts, items, strict=True))

    return _count(count_all)


def _incr_together(storage: RedisStorage, windows: list[tuple[str, int]]) -> list[int]:
    """`storage.incr` of each key in one pipeline: limits' own script (INCR, and EXPIRE on the
    first count of a window) by its hash, sent together instead of a round trip each. A Redis
    restarted since has forgotten the script: `storage.incr` loads it again."""
    script = storage.lua_incr_expire
    pipeline = storage.get_connection().pipeline(transaction=False)
    for key, expiry in windows:
        pipeline.evalsha(script.sha, 1, storage.prefixed_key(key), expiry, 1)
    try:
        return [int(count) for count in pipeline.execute()]
    except NoScriptError:  # every command of the pipeline failed alike: nothing was counted
        return [storage.incr(key, expiry) for key, expiry in windows]


@functools.lru_cache(maxsize=64)
def _parsed(limit: str) -> RateLimitItem:
    return parse(limit)


def recipient_key(address: str) -> str:
    """The key an email address is counted under: a keyed hash of its canonical form, salted
    apart from the blind indexes so that the counters cannot tie a person's records together."""
    return keyed_hash("email-cap:" + canonical_email(address))


def _recipient_limits(kind: str, recipient_key: str, requester_key: str) -> tuple[tuple[str, ...], ...]:
    config = current_app.config
    return (
        (config["EMAILS_PER_RECIPIENT_AND_REQUESTER"], kind, recipient_key, requester_key),
        (config["EMAILS_PER_RECIPIENT"], kind, recipient_key),
    )


def recipient_allows(kind: str, recipient_key: str, requester_key: str) -> bool:
    """Whether a requester (an IP hash) may have one more email of `kind` sent to a recipient
    today; counts nothing: call `recipient_sent` once it is sent.

    Counted per (recipient, requester), so that a stranger asking from a few addresses cannot
    use up the owner's own requests from theirs, and per recipient with a higher cap, so that a
    flood from many addresses still stops. Only emails sent count: a send that fails (the mail
    server down) and is retried by the outbox must not use up the cap and end up never sent.
    """
    return not any(
        seconds_until_allowed(*limit) for limit in _recipient_limits(kind, recipient_key, requester_key)
    )


def recipient_sent(kind: str, recipient_key: str, requester_key: str) -> None:
    for limit in _recipient_limits(kind, recipient_key, requester_key):
        hit(*limit)


def seconds_until_allowed(limit: str, *keys: str) -> int:
    """0 if `limit` leaves room for one more, else the seconds until it does."""
    parsed = parse(limit)

    def wait(storage: Storage) -> int:
        strategy = FixedWindowRateLimiter(storage)
        if strategy.test(parsed, *keys):
            return 0
        return max(1, math.ceil(strategy.get_window_stats(parsed, *keys).reset_time - time.time()))

    return _count(wait)


def increment(key: str, expiry_seconds: int) -> int:
    """Add one to a plain counter that lives `expiry_seconds` from its first increment."""
    return _count(lambda storage: storage.incr(key, expiry_seconds))


def value(key: str) -> int:
    return _count(lambda storage: storage.get(key))


def seconds_left(key: str) -> int:
    """How long a counter set by `increment` still lives (0 if it is gone)."""

    def left(storage: Storage) -> int:
        if not storage.get(key):
            return 0
        return max(0, math.ceil(storage.get_expiry(key) - time.time()))

    return _count(left)


def forget(key: str) -> None:
    _count(lambda storage: storage.clear(key))
