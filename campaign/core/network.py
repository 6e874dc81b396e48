"""Who is asking: the client address, and its keyed hash for abuse checks."""

import ipaddress

from flask import request

from campaign.core.crypto import keyed_hash

# An IPv6 subscriber or server is given a whole /64: its 2**64 addresses are one client.
IPV6_CLIENT_PREFIX = 64


def client_ip() -> str:
    # ProxyFix (enabled by TRUST_PROXY_HOPS) has already put the real client in remote_addr.
    return request.remote_addr or "unknown"


def client_ip_hash() -> str:
    """IPs are never stored in clear; this keyed hash is what abuse checks and rate-limit keys
    (Redis, or memory) keep. An IPv6 client is hashed by its /64, so that stepping through the
    addresses of one network does not escape a limit."""
    return keyed_hash(client_network(client_ip()), "IP_HASH_KEY")


def client_network(address: str) -> str:
    """The address itself for IPv4 (and anything unparsable); its /64 for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return address
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
