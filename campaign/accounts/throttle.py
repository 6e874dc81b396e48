"""Login throttling: failed attempts slow down the address they come from, never the account.

Failures are counted per (account, IP) pair: after a few, that pair waits before each new
try, twice as long after every further failure (capped). Failures from one IP are also counted
across accounts, with a higher cap. Nothing is counted per account alone, so someone who knows
an organizer's email cannot lock them out: the right password from an address that has not
failed always works. Keys are keyed hashes of the email and the IP.
"""

from flask import current_app

from campaign.accounts.services import normalize_email
from campaign.core import counters
from campaign.core.crypto import keyed_hash
from campaign.core.network import client_ip_hash

# A pair's failures are remembered this long after the first one.
PAIR_MEMORY_SECONDS = 24 * 3600


def _pair(email: str) -> str:
    return f"login-pair/{keyed_hash(normalize_email(email))}/{client_ip_hash()}"


def _ip_keys() -> tuple[str, str]:
    return "login-ip", client_ip_hash()


def delay_after(failures: int) -> int:
    """Seconds a pair waits after its `failures`-th failure: none for the first few, then 2, 4, 8..."""
    config = current_app.config
    free = config["LOGIN_FREE_FAILURES"]
    if failures < free:
        return 0
    return min(config["LOGIN_MAX_DELAY_SECONDS"], 2 ** (failures - free + 1))


def seconds_until_allowed(email: str) -> int:
    """0 if another attempt may be made now from this address, else how long to wait."""
    pair = _pair(email)
    pair_wait = counters.seconds_left(f"{pair}/wait/{counters.value(pair)}")
    ip_wait = counters.seconds_until_allowed(current_app.config["LOGIN_LIMIT_PER_IP"], *_ip_keys())
    return max(pair_wait, ip_wait)


def record_failure(email: str) -> None:
    counters.hit(current_app.config["LOGIN_LIMIT_PER_IP"], *_ip_keys())
    pair = _pair(email)
    failures = counters.increment(pair, PAIR_MEMORY_SECONDS)
    delay = delay_after(failures)
    if delay:
        # One key per failure count, so each wait gets its own lifetime.
        counters.increment(f"{pair}/wait/{failures}", delay)


def record_success(email: str) -> None:
    counters.forget(_pair(email))
