"""Per-IP limit on public data requests, so the form cannot be used to flood someone's inbox."""

import math

from flask import current_app

from campaign.core import counters
from campaign.core.network import client_ip_hash


def _limit() -> tuple[str, str, str]:
    return current_app.config["PUBLIC_FORM_LIMIT"], "privacy-request", client_ip_hash()


def minutes_until_allowed() -> int:
    """0 if this IP may send another request now, else how many minutes to wait."""
    return math.ceil(counters.seconds_until_allowed(*_limit()) / 60)


def record_request() -> None:
    counters.hit(*_limit())
