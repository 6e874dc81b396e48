"""Who is calling the API: the `OSDI-API-Token` header (as Action Network reads it), its key's
coalition, scope and rate limit, and the log of personal data handed to it. Every refusal is
JSON (api/errors.py)."""

from functools import wraps

from flask import current_app, g, request

from campaign.api import keys
from campaign.api.errors import ApiError
from campaign.api.models import Scope
from campaign.coalitions.models import Coalition
from campaign.core import counters
from campaign.core.exports import log_export
from campaign.core.network import client_ip
from campaign.core.outbox import utcnow
from campaign.extensions import db

TOKEN_HEADER = "OSDI-API-Token"  # noqa: S105 - the header's name, not a token


def key_required(scope: Scope | None):
    """Decorate an API view: loads `g.api_key` and `g.coalition`, or answers 401, 429 or 403.
    `scope` None lets in any usable key (the entry point, which links what the key reaches)."""

    def decorator(view):
        @wraps(view)
        def wrapped(**kwargs):
            now = utcnow()
            key = keys.usable_key(request.headers.get(TOKEN_HEADER), now)
            if key is None:
                _count_refusal()
                raise ApiError(401, "API Key invalid or not present")
            _count_call(key)
            if scope is not None and scope not in key.scope.grants:
                raise ApiError(403, f"This API key's scope ({key.scope.value}) does not allow this request")
            if keys.mark_used(key, now):
                db.session.commit()  # here, once for every view, reading ones included
            g.api_key, g.coalition = key, db.session.get(Coalition, key.coalition_id)
            return view(**kwargs)

        return wrapped

    return decorator


def _count_refusal() -> None:
    """Per client address, the calls with no usable key: past the limit they get 429, so a
    client trying tokens (or a script with a revoked one, in a loop) is slowed down."""
    limit, address = current_app.config["API_REFUSED_LIMIT"], client_ip()
    if not counters.hit(limit, "api-refused", address):
        wait = counters.seconds_until_allowed(limit, "api-refused", address)
        raise ApiError(429, "Too many calls without a valid API key", {"Retry-After": str(max(wait, 1))})


def _count_call(key) -> None:
    """Per key, in the shared counters (each process its own while Redis is down, core/counters.py)."""
    limit = current_app.config["API_RATE_LIMIT"]
    if not counters.hit(limit, "api-key", str(key.id)):
        wait = counters.seconds_until_allowed(limit, "api-key", str(key.id))
        raise ApiError(429, "Too many requests for this API key", {"Retry-After": str(max(wait, 1))})


def log_personal_data(what: str, count: int) -> None:
    """Personal data handed to a key is logged as an export is (core/exports.py), then committed
    with the key's last use."""
    log_export(g.coalition.id, None, what, count, api_key_id=g.api_key.id)
    db.session.commit()
