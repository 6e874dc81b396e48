"""Telling bots and floods from honest crowds without refusing anyone.

A signature that trips a check is stored and quarantined (not counted, shown to organizers),
never refused: a community meeting puts many honest signers behind one IP address.
"""

import time

from flask import current_app
from itsdangerous import BadSignature

from campaign.core import counters
from campaign.supporters.tokens import serializer

FORM_SALT = "petitions.form-shown"
LIMIT_SETTINGS = ("PETITION_BURST_LIMIT", "PETITION_SUSTAINED_LIMIT")


def form_stamp(petition_id: int, shown: str = "") -> str:
    """Put in the form when it is shown; its signed time tells how fast it was filled. A form shown
    again (a mistake to correct, an expired form token) keeps the stamp `shown` it had, so that
    pressing the button again at once is not taken for a bot."""
    try:
        if serializer(FORM_SALT).loads(shown or "") == petition_id:
            return shown
    except BadSignature:
        pass
    return serializer(FORM_SALT).dumps(petition_id)


def quarantine_reason(petition_id: int, honeypot: str, stamp: str, ip_hash: str) -> str:
    """ "" when the signature may count; else why it is held back."""
    if honeypot:
        return "honeypot"
    try:
        shown_for, shown_at = serializer(FORM_SALT).loads(stamp or "", return_timestamp=True)
    except BadSignature:
        return "no_form"
    if shown_for != petition_id:
        return "no_form"
    # A page from a cache (core/page_cache.py: up to PAGE_CACHE_SECONDS in the process, then the
    # few seconds of a proxy or the browser; a reload answered 304 shows the browser's copy)
    # carries the stamp of its rendering, made before the reader saw it: the fill seems longer
    # than it was, by at most the page's age, so the check is more lenient by that, never
    # stricter. A bot gains nothing new: a stamp it fetched once stays good for it anyway.
    if time.time() - shown_at.timestamp() < current_app.config["PETITION_MIN_FILL_SECONDS"]:
        return "too_fast"
    # Counted per process while Redis is down (core/counters.py): a flood is still held back.
    keys = ("petition-sign", str(petition_id), ip_hash)
    limits = [(current_app.config[setting], *keys) for setting in LIMIT_SETTINGS]
    return "" if counters.hit_all(limits) else "rate"
