"""Where a webhook may go: an HTTPS URL of a public host, never this server's own network.

An organizer types the URL, and the worker then POSTs to it from inside our network: a URL
naming a private, loopback, link-local or cloud-metadata address (http://169.254.169.254/)
would let anyone with an admin role probe or call what only our servers reach (SSRF). So the
host is checked when the endpoint is saved and again, at the moment of connecting, for each
delivery (a name may resolve elsewhere by then), and the connection goes to the very address
that was checked. Development and tests may also use plain http to this machine
(WEBHOOK_LOCAL_RECEIVERS)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from campaign.api.webhooks.models import URL_MAX_LENGTH

# This machine, as a developer's or a test's receiver names it.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# IPv6 addresses that carry an IPv4 address in their last 32 bits, and reach it: NAT64's
# well-known prefix (64:ff9b::7f00:1 is 127.0.0.1 through the network's translator) and the
# deprecated IPv4-compatible form (::127.0.0.1). Python calls them all global.
IPV4_IN_LAST_32_BITS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))
# Local-use NAT64 (RFC 8215): where its addresses lead is each network's own choice.
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


class RefusedAddress(ValueError):
    """The URL may not receive webhooks; the message says why, for the organizer."""


def check_url(url: str) -> str:
    """The URL, or RefusedAddress. Names are looked up here except with local receivers allowed."""
    host, _ = _host_and_port(url)
    if _local_allowed(host):
        return url
    if _ip_literal(host) is not None or not current_app.config["WEBHOOK_LOCAL_RECEIVERS"]:
        public_address(host, 443)
    return url


def _host_and_port(url: str) -> tuple[str, int]:
    if len(url) > URL_MAX_LENGTH:
        raise RefusedAddress(_l("Use an address of at most 2,000 characters."))
    if any(character.isspace() for character in url):
        raise RefusedAddress(_l("An address has no spaces or line breaks."))
    # Controls, invisible format characters, and U+FFFD, which stands for bytes that were not text.
    if not url.isprintable() or "\ufffd" in url:
        raise RefusedAddress(_l("This address has characters that cannot be in a web address."))
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        raise RefusedAddress(_l("Enter a full address, like https://example.org/webhooks.")) from None
    if parts.scheme not in ("https", "http") or not host:
        raise RefusedAddress(_l("Enter a full address, like https://example.org/webhooks."))
    if parts.username is not None or parts.password is not None:
        raise RefusedAddress(_l("Leave the user name and password out of the address."))
    if parts.scheme == "http" and not _local_allowed(host):
        raise RefusedAddress(_l("Use an https:// address: webhooks carry your coalition’s data."))
    return host, port or (443 if parts.scheme == "https" else 80)


def _local_allowed(host: str) -> bool:
    return current_app.config["WEBHOOK_LOCAL_RECEIVERS"] and host in LOCAL_HOSTS


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public(address: str) -> bool:
    """A global unicast address: not private, loopback, link-local (cloud metadata), shared,
    reserved or multicast, also when an IPv6 address carries the IPv4 address it leads to
    (IPv4-mapped, 6to4, NAT64, IPv4-compatible)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in LOCAL_NAT64:
            return False
        ip = _carried_ipv4(ip) or ip
    return ip.is_global and not ip.is_multicast


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None or ip.sixtofour is not None:
        return ip.ipv4_mapped or ip.sixtofour
    if any(ip in network for network in IPV4_IN_LAST_32_BITS):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None  # Teredo (2001::/32) needs no unwrapping: Python counts none of it global


def public_address(host: str, port: int) -> str:
    """The address to connect to for `host`: every address it resolves to must be public (a name
    resolving to one public and one private address could be made to use either)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise RefusedAddress(_l("No server answers to the name %(host)s.", host=host)) from None
    addresses = [info[4][0] for info in found]
    if not addresses or not all(is_public(address) for address in addresses):
        raise RefusedAddress(
            _l(
                "%(host)s is a private or internal address: webhooks go to servers on the internet.",
                host=host,
            )
        )
    return addresses[0]


def connect_address(host: str, port: int) -> str:
    """At delivery: where to connect for `host` (RefusedAddress if it is not allowed now)."""
    if _local_allowed(host):
        return host
    return public_address(host, port)
