"""Login throttling: failed attempts slow down the address they come from, never the account.

Failures are counted per (account, IP) pair: after a few, that pair waits before each new
try, twice as long after every further failure (capped). Failures from one IP are also counted
across accounts, with a higher cap. Nothing is counted per account alone, so someone who knows
an organizer's email cannot lock them out: the right password from an address that has not
failed always works. Keys are keyed hashes of the email and the IP.
"""

from flask import current_app
from flask_babel import ngettext

from campaign.accounts.models import User
from campaign.accounts.services import authenticate
from campaign.core import counters
from campaign.core.network import client_ip_hash

# A pair's failures are remembered this long after the first one.
PAIR_MEMORY_SECONDS = 24 * 3600


def _pair(email: str) -> str:
    return f"login-pair/{counters.recipient_key(email)}/{client_ip_hash()}"


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


def wait_message(email: str) -> str | None:
    """What to tell someone who must wait before trying this account again from here; None if
    they may try now."""
    wait = seconds_until_allowed(email)
    if not wait:
        return None
    return ngettext(
        "Too many attempts from here; try again in a minute.",
        "Too many attempts from here; try again in %(num)d minutes.",
        max(1, (wait + 59) // 60),
    )


def attempt_login(email: str, password: str) -> User | None:
    """The confirmed account if the password is right, counting the attempt as a success or a
    failure. A right password for an unconfirmed account counts as a failure."""
    user = authenticate(email, password)
    if user is None or not user.is_verified:
        _record_failure(email)
        return None
    _record_success(email)
    return user


def _record_failure(email: str) -> None:
    counters.hit(current_app.config["LOGIN_LIMIT_PER_IP"], *_ip_keys())
    pair = _pair(email)
    failures = counters.increment(pair, PAIR_MEMORY_SECONDS)
    delay = delay_after(failures)
    if delay:
        # One key per failure count, so each wait gets its own lifetime.
        counters.increment(f"{pair}/wait/{failures}", delay)


def _record_success(email: str) -> None:
    counters.forget(_pair(email))
