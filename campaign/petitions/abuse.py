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
# The widget's form has no session-bound CSRF token: its stamp must be this recent.
WIDGET_FORM_MAX_AGE_SECONDS = 2 * 3600


def form_stamp(petition_id: int) -> str:
    """Put in the form when it is shown; its signed time tells how fast it was filled."""
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
    if time.time() - shown_at.timestamp() < current_app.config["PETITION_MIN_FILL_SECONDS"]:
        return "too_fast"
    # Counted per process while Redis is down (core/counters.py): a flood is still held back.
    for setting in ("PETITION_BURST_LIMIT", "PETITION_SUSTAINED_LIMIT"):
        if not counters.hit(current_app.config[setting], "petition-sign", str(petition_id), ip_hash):
            return "rate"
    return ""


def stamp_is_fresh(petition_id: int, stamp: str) -> bool:
    try:
        shown_for = serializer(FORM_SALT).loads(stamp or "", max_age=WIDGET_FORM_MAX_AGE_SECONDS)
    except BadSignature:  # also raised when it is too old
        return False
    return shown_for == petition_id
