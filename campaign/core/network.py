"""Who is asking: the client address, and its keyed hash for abuse checks."""

from flask import request

from campaign.core.crypto import keyed_hash


def client_ip() -> str:
    # ProxyFix (enabled by TRUST_PROXY_HOPS) has already put the real client in remote_addr.
    return request.remote_addr or "unknown"


def client_ip_hash() -> str:
    """IPs are never stored in clear; this keyed hash is what abuse checks and rate-limit keys
    (Redis, or memory) keep."""
    return keyed_hash(client_ip(), "IP_HASH_KEY")
