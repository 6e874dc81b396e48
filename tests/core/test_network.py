"""The client address's keyed hash: IPv4 as it is, IPv6 by its /64."""

import pytest

from campaign.core.crypto import keyed_hash
from campaign.core.network import client_ip_hash


def hash_for(app, remote_addr: str) -> str:
    with app.test_request_context(environ_base={"REMOTE_ADDR": remote_addr}):
        return client_ip_hash()


def test_an_ipv4_address_is_hashed_as_it_is(app):
    assert hash_for(app, "198.51.100.7") == keyed_hash("198.51.100.7", "IP_HASH_KEY")
    assert hash_for(app, "198.51.100.7") != hash_for(app, "198.51.100.8")


@pytest.mark.parametrize("neighbour", ["2001:db8::ffff", "2001:db8:0:0:abcd:1234:5678:9abc", "2001:DB8::1"])
def test_addresses_of_one_ipv6_network_hash_alike(app, neighbour):
    assert hash_for(app, "2001:db8::1") == hash_for(app, neighbour)


def test_another_ipv6_network_hashes_apart(app):
    assert hash_for(app, "2001:db8::1") != hash_for(app, "2001:db8:0:1::1")


def test_an_ipv4_mapped_ipv6_address_counts_as_its_ipv4_address(app):
    assert hash_for(app, "::ffff:198.51.100.7") == hash_for(app, "198.51.100.7")
