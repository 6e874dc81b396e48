"""Abuse limits and throttles while their Redis is down: counted per process, logged once a minute."""

import logging

import pytest

from campaign.core import counters, outage


@pytest.fixture
def clock(monkeypatch):
    """The time core/outage.py reads, moved by hand: `clock[0] += 61`."""
    now = [1000.0]
    monkeypatch.setattr(outage, "monotonic", lambda: now[0])
    return now


def outage_warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and record.name == outage.__name__
    ]


def test_every_kind_of_count_still_holds_while_redis_is_down(limits_storage_down, app):
    assert [counters.hit("2 per minute", "test", "key") for _ in range(3)] == [True, True, False]
    assert counters.seconds_until_allowed("2 per minute", "test", "key") > 0
    assert counters.seconds_until_allowed("2 per minute", "test", "other key") == 0

    assert [counters.increment("test/plain", 60) for _ in range(2)] == [1, 2]
    assert counters.value("test/plain") == 2
    assert 0 < counters.seconds_left("test/plain") <= 60
    counters.forget("test/plain")
    assert counters.value("test/plain") == counters.seconds_left("test/plain") == 0


def test_an_outage_is_logged_once_a_minute_and_redis_tried_again_every_few_seconds(
    limits_storage_down, app, clock, caplog
):
    def count() -> None:
        counters.hit("1000 per minute", "test", "key")

    for _ in range(50):  # a burst of requests: the first one finds Redis down
        count()
    (line,) = outage_warnings(caplog)
    assert line == (
        "rate-limit storage unreachable (ConnectionError); counting in this process until it answers"
    )
    storage = app.extensions["outages"]["rate-limit storage"]
    assert storage.down()  # the next requests count in memory at once

    clock[0] += app.config["REDIS_RETRY_SECONDS"] + 1
    assert not storage.down()
    count()  # tries Redis again, which fails again: no second line within the minute
    assert storage.down()
    assert len(outage_warnings(caplog)) == 1

    clock[0] += 60
    count()
    assert len(outage_warnings(caplog)) == 2


def test_redis_answering_again_ends_the_outage_and_is_said_once(clock, caplog):
    broker = outage.Outage("Celery broker", "tasks wait in the outbox", retry_seconds=5)
    broker.answered()  # answering all along: nothing to say
    broker.failed(ConnectionError())
    assert broker.down()
    caplog.set_level(logging.INFO, logger=outage.__name__)
    broker.answered()
    broker.answered()
    assert not broker.down()
    assert [record.getMessage() for record in caplog.records if record.levelno == logging.INFO] == [
        "Celery broker answers again"
    ]
