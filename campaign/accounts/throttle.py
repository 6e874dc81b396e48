"""Login throttling: failed attempts are counted per IP and per account.

Only failures count, so an organizer who logs in often is never blocked, while guessing a
password from one address or against one account is slowed to a few tries per window.
"""

import math
import time

from flask import current_app
from limits import parse

from campaign.core.crypto import keyed_hash
from campaign.core.network import client_ip_hash
from campaign.extensions import limiter


def _limits(email: str):
    config = current_app.config
    return [
        (parse(config["LOGIN_LIMIT_PER_IP"]), ("login-ip", client_ip_hash())),
        (parse(config["LOGIN_LIMIT_PER_ACCOUNT"]), ("login-account", keyed_hash(email.strip().lower()))),
    ]


def seconds_until_allowed(email: str) -> int:
    """0 if another attempt may be made now, else how long to wait."""
    waits = [
        limiter.limiter.get_window_stats(limit, *keys).reset_time - time.time()
        for limit, keys in _limits(email)
        if not limiter.limiter.test(limit, *keys)
    ]
    return max((max(1, math.ceil(wait)) for wait in waits), default=0)


def record_failure(email: str) -> None:
    for limit, keys in _limits(email):
        limiter.limiter.hit(limit, *keys)
