"""Rate-limit keys (in Redis, or memory here) hold keyed hashes of addresses, never an IP or an email."""

from campaign.extensions import limiter

IP = "203.0.113.77"
EMAIL = "organizer.rosa@example.org"


def limiter_keys(app) -> list[str]:
    """The keys of the routes' limits (Flask-Limiter) and of our own counters (core/counters.py)."""
    return [
        key
        for storage in (limiter.storage, app.extensions["counters"].shared)
        for key in (*storage.storage, *storage.expirations, *storage.events)
    ]


def test_a_dump_of_the_limiters_keys_names_no_ip_or_email(app, client, make_user):
    make_user(email=EMAIL)
    visitor = {"REMOTE_ADDR": IP}
    client.post("/accounts/login", data={"email": EMAIL, "password": "wrong"}, environ_base=visitor)
    client.post("/privacy/request", data={"email": EMAIL, "kind": "copy"}, environ_base=visitor).close()
    client.post("/actions/no-such-day/events/1/rsvp", data={"email": EMAIL}, environ_base=visitor)
    keys = limiter_keys(app)
    assert [key for key in keys if "login-pair" in key]
    assert [key for key in keys if "privacy-request" in key]
    assert len(keys) >= 4  # the login per IP and the RSVP route's limit too
    for secret in (IP, EMAIL, EMAIL.split("@")[0], IP.replace(".", "")):
        assert not [key for key in keys if secret in key], secret


def test_an_email_cap_key_is_no_hash_that_ties_a_person_across_coalitions(app):
    """Redis holds the caps' keys: they must not equal the old global index or a coalition's."""
    from campaign.core import counters
    from campaign.core.crypto import canonical_email, email_blind_index, keyed_hash

    key = counters.recipient_key("Rosa@Example.org")
    assert key == counters.recipient_key("rosa@example.org")
    assert key != keyed_hash(canonical_email("rosa@example.org")) and key not in {
        email_blind_index("rosa@example.org", coalition_id=number) for number in range(1, 4)
    }
