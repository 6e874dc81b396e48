"""Per-IP limit on public data requests, so the form cannot be used to flood someone's inbox."""

import math
import time

from flask import current_app
from limits import parse

from campaign.core.network import client_ip_hash
from campaign.extensions import limiter


def _limit():
    return parse(current_app.config["PUBLIC_FORM_LIMIT"]), ("privacy-request", client_ip_hash())


def minutes_until_allowed() -> int:
    """0 if this IP may send another request now, else how many minutes to wait."""
    limit, keys = _limit()
    if limiter.limiter.test(limit, *keys):
        return 0
    wait = limiter.limiter.get_window_stats(limit, *keys).reset_time - time.time()
    return max(1, math.ceil(wait / 60))


def record_request() -> None:
    limit, keys = _limit()
    limiter.limiter.hit(limit, *keys)
