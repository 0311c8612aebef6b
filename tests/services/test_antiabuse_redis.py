"""The device-key store in Redis: keys and marks shared by every worker, with TTLs, no raw data."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from surveyapp.services.antiabuse import (
    KEY_TTL_S,
    RedisKeyStore,
    check_device,
    device_hash,
    key_store,
    repeat_device,
)

REDIS_URL = os.environ.get("SENIM_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_store():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unavailable: {exc}")
    for key in client.scan_iter("senim:*"):
        client.delete(key)
    yield RedisKeyStore(REDIS_URL), client
    for key in client.scan_iter("senim:*"):
        client.delete(key)
    client.close()


def test_two_workers_share_the_daily_key_and_the_marks(redis_store):
    store, client = redis_store
    other = RedisKeyStore(REDIS_URL)  # another gunicorn worker or host
    day = dt.date(2026, 11, 23)
    assert device_hash(store, "device A", day=day) == device_hash(other, "device A", day=day)
    assert device_hash(store, "device A", day=day) != device_hash(store, "device A", day=day + dt.timedelta(1))
    assert repeat_device(store, 7, "device A") is False
    assert repeat_device(other, 7, "device A") is True  # seen by the other worker
    assert repeat_device(other, 8, "device A") is False  # another survey


def test_nothing_raw_is_kept_and_everything_expires(redis_store):
    store, client = redis_store
    repeat_device(store, 7, "ZZ-MARKER 127.0.0.77")
    keys = list(client.scan_iter("senim:*"))
    assert keys
    for key in keys:
        assert b"ZZ-MARKER" not in key and b"127.0.0.77" not in key
        value = client.get(key) or b""
        assert b"ZZ-MARKER" not in value and b"127.0.0.77" not in value
        assert 0 < client.ttl(key) <= KEY_TTL_S


def test_the_app_uses_redis_when_configured(redis_store):
    cache: dict[str, object] = {}
    assert isinstance(key_store(REDIS_URL, cache), RedisKeyStore)
    assert key_store(REDIS_URL, cache) is key_store(REDIS_URL, cache)
    assert not isinstance(key_store(None, cache), RedisKeyStore)


def test_the_address_counter_is_shared_keyed_and_expires(redis_store):
    store, client = redis_store
    other = RedisKeyStore(REDIS_URL)  # another worker
    outcomes = [check_device(s, 7, material=f"127.0.0.88|ZZ-AGENT {i}", address="127.0.0.88", per_address_daily=3)
                for i, s in enumerate([store, other, store, other, store])]
    assert outcomes == [False, False, False, True, True]  # rotating User-Agents, one address, two workers
    assert check_device(store, 8, material="127.0.0.88|x", address="127.0.0.88") is False  # another survey
    counters = list(client.scan_iter("senim:addr:*"))
    assert len(counters) == 2
    assert sorted(int(client.get(key)) for key in counters) == [1, 5]
    for key in client.scan_iter("senim:*"):
        assert b"127.0.0.88" not in key and b"ZZ-AGENT" not in key
        value = client.get(key) or b""
        assert b"127.0.0.88" not in value and b"ZZ-AGENT" not in value
        assert 0 < client.ttl(key) <= KEY_TTL_S


def test_the_mark_and_the_counter_take_one_round_trip(redis_store, monkeypatch):
    store, client = redis_store
    check_device(store, 7, material="warm-up", address="127.0.0.89")  # the day's key exists now
    calls: list[str] = []
    connection_pool = store._redis.connection_pool
    real = connection_pool.get_connection

    def counting(*args, **kwargs):
        calls.append("connection")
        return real(*args, **kwargs)

    monkeypatch.setattr(connection_pool, "get_connection", counting)
    sent: list[object] = []
    real_execute = type(store._redis.pipeline()).execute

    def execute(self, *args, **kwargs):
        sent.append(len(self.command_stack))
        return real_execute(self, *args, **kwargs)

    monkeypatch.setattr(type(store._redis.pipeline()), "execute", execute)
    seen_before, count = store.mark_and_count("7:device", "7:address")
    assert (seen_before, count) == (False, 1)
    assert sent == [3] and len(calls) == 1  # SET NX EX, INCR, EXPIRE in one pipeline
