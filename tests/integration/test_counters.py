"""Abuse counts in Redis: several limits counted in one round trip agree with each counted alone."""

import uuid

import redis

from campaign.core import counters
from tests.integration.conftest import make_app
from tests.services import REFUSING_REDIS


def test_limits_counted_together_agree_with_each_counted_alone_and_expire_with_their_window(
    it_app, redis_url
):
    key = uuid.uuid4().hex  # the session's Redis database outlives this test
    limits = [("2 per minute", "together", key), ("3 per day", "together", key, "daily")]
    with it_app.app_context():
        answers = [counters.hit_all(limits) for _ in range(4)]
        alone = [counters.hit("2 per minute", "alone", key) for _ in range(3)]
    assert answers == [True, True, False, False]
    assert alone == [True, True, False]
    broker = redis.Redis.from_url(redis_url)
    stored = list(broker.scan_iter(f"*{key}*"))
    # Every attempt counts under every limit, over or not, as each would alone.
    assert sorted(int(broker.get(name)) for name in stored) == [3, 4, 4]
    ttls = sorted(broker.ttl(name) for name in stored)
    assert 0 < ttls[0] <= 60 and 60 < ttls[-1] <= 86_400


def test_limits_counted_together_are_counted_in_this_process_while_redis_refuses(settings):
    app = make_app(settings, REDIS_URL=REFUSING_REDIS, RATELIMIT_STORAGE_URI=REFUSING_REDIS)
    with app.app_context():
        answers = [
            counters.hit_all([("2 per minute", "down", "k"), ("9 per day", "down", "k")]) for _ in range(3)
        ]
    assert answers == [True, True, False]  # a flood is still held back, per process


def test_limits_counted_together_still_count_after_redis_restarted_without_its_scripts(
    settings, private_redis
):
    app = make_app(settings, REDIS_URL=private_redis.url, RATELIMIT_STORAGE_URI=private_redis.url)
    limits = [("2 per minute", "restart", "k"), ("9 per day", "restart", "k")]
    with app.app_context():
        first = counters.hit_all(limits)
        redis.Redis.from_url(private_redis.url).script_flush()  # as a restarted Redis forgets them
        later = [counters.hit_all(limits) for _ in range(2)]
    assert [first, *later] == [True, True, False]
