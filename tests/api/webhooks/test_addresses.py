"""Where a webhook may go, in production (no local receivers): an IPv6 address that carries an
IPv4 address (NAT64, 6to4, IPv4-compatible, IPv4-mapped) is judged by the IPv4 address it leads
to, when the endpoint is saved and again when a delivery connects."""

import pytest

from campaign.api.webhooks import http
from campaign.api.webhooks.addresses import RefusedAddress, check_url, connect_address, is_public

INTERNAL = [
    "127.0.0.1",
    "169.254.169.254",
    "10.0.0.1",
    "::1",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "fe80::1%eth0",
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b:1::808:808",  # local-use NAT64: it leads where that network says
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "::169.254.169.254",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]
PUBLIC = ["8.8.8.8", "2606:4700::1111", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"]


@pytest.fixture
def production(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_LOCAL_RECEIVERS", False)
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize("address", INTERNAL)
def test_internal_addresses_are_not_public(address):
    assert not is_public(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_public_also_through_nat64_and_6to4(address):
    assert is_public(address)


def _url(address: str) -> str:
    host = f"[{address.replace('%', '%25')}]" if ":" in address else address
    return f"https://{host}/hooks"


@pytest.mark.parametrize("address", INTERNAL)
def test_refused_when_saved(production, address):
    with pytest.raises(RefusedAddress):
        check_url(_url(address))


@pytest.mark.parametrize("address", [each for each in INTERNAL if "%" not in each])
def test_refused_at_connect(production, address):
    with pytest.raises(RefusedAddress):
        connect_address(address, 443)


@pytest.mark.parametrize("address", ["64:ff9b::7f00:1", "2002:a9fe:a9fe::", "::127.0.0.1"])
def test_a_delivery_to_an_address_saved_before_goes_nowhere(production, address):
    """An endpoint saved before the check knew these forms: its next delivery is refused."""
    answer = http.post(http.session(), _url(address), b"{}", {}, 1.0)
    assert answer.status_code is None and "private or internal address" in answer.error


def test_a_public_address_is_kept(production):
    assert check_url("https://[2002:808:808::1]/hooks") == "https://[2002:808:808::1]/hooks"
