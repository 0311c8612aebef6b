"""The per-address allowance in process memory: counted per survey and address under the day's
key, whatever the device description; no thread, old days forgotten; the setting is read from the
environment."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from surveyapp.config import ConfigError, from_environment
from surveyapp.services.antiabuse import (
    DEFAULT_PER_ADDRESS_DAILY,
    MemoryKeyStore,
    address_group,
    address_hash,
    check_device,
    device_hash,
    key_store,
    quality_flags,
    repeat_device,
)


def _flagged(store, survey_id: int, address: str, user_agent: str, per_address: int = 3) -> bool:
    return check_device(store, survey_id, material=f"{address}|{user_agent}", address=address,
                        per_address_daily=per_address)


def test_rotating_the_user_agent_is_counted_per_address():
    store = MemoryKeyStore()
    assert DEFAULT_PER_ADDRESS_DAILY == 3
    outcomes = [_flagged(store, 7, "10.0.0.1", f"UA {i}") for i in range(6)]
    assert outcomes == [False, False, False, True, True, True]  # new "device" each time, same address
    assert _flagged(store, 7, "10.0.0.2", "UA 0") is False  # another address: its own allowance
    assert _flagged(store, 8, "10.0.0.1", "UA 99") is False  # another survey: its own allowance


def test_the_device_check_still_flags_a_repeat_within_the_allowance():
    store = MemoryKeyStore()
    assert _flagged(store, 7, "10.0.0.1", "same") is False
    assert _flagged(store, 7, "10.0.0.1", "same") is True  # second of 3 allowed, but the same device
    assert _flagged(store, 7, "10.0.0.1", "other") is False  # third submission of the address
    assert _flagged(store, 7, "10.0.0.1", "third") is True  # the fourth: beyond the allowance


@pytest.mark.parametrize("allowance, unflagged", [(0, 0), (1, 1), (5, 5)])
def test_the_allowance_is_configurable(allowance, unflagged):
    store = MemoryKeyStore()
    outcomes = [_flagged(store, 7, "10.0.0.1", f"UA {i}", allowance) for i in range(6)]
    assert outcomes.count(False) == unflagged and outcomes[:unflagged] == [False] * unflagged


def test_flags_and_compatibility():
    assert quality_flags(honeypot=False, duration_s=None, min_seconds=20, repeat_device=True) == ["duplicate_device"]
    store = MemoryKeyStore()
    assert repeat_device(store, 7, "device A") is False and repeat_device(store, 7, "device A") is True
    # the address hash is keyed, daily, and distinct from a device hash of the same text
    day = dt.date.today()
    assert address_hash(store, "10.0.0.1", day=day) != device_hash(store, "10.0.0.1", day=day)
    assert "10.0.0.1" not in address_hash(store, "10.0.0.1", day=day)


def test_memory_store_keeps_no_raw_address_starts_no_thread_and_forgets_old_days():
    store = MemoryKeyStore()
    threads = threading.active_count()
    for i in range(50):
        _flagged(store, 7, "10.9.8.7", f"UA {i}")
    assert threading.active_count() == threads
    today = dt.date.today()
    assert sum(store._counts[today].values()) == 50 and len(store._counts[today]) == 1
    names = list(store._counts[today]) + list(store._seen[today])
    assert all("10.9.8.7" not in name and "UA" not in name for name in names)
    store.daily_key(today + dt.timedelta(days=2))  # two days later: yesterday's marks are gone
    assert today not in store._counts and today not in store._seen


def test_the_setting_comes_from_the_environment():
    assert from_environment({"SENIM_SURVEY_PER_ADDRESS_DAILY": "5"}) == {"SENIM_SURVEY_PER_ADDRESS_DAILY": 5}
    assert from_environment({"SENIM_SURVEY_PER_ADDRESS_DAILY": ""}) == {}
    with pytest.raises(ConfigError, match="SENIM_SURVEY_PER_ADDRESS_DAILY"):
        from_environment({"SENIM_SURVEY_PER_ADDRESS_DAILY": "three"})


def test_the_memory_store_is_kept_between_requests():
    cache: dict[str, object] = {}
    assert isinstance(key_store(None, cache), MemoryKeyStore)
    assert key_store(None, cache) is key_store(None, cache)


def test_an_ipv6_client_counts_as_its_slash_64():
    assert address_group("10.0.0.1") == "10.0.0.1"
    assert address_group("::ffff:10.0.0.1") == "10.0.0.1"  # IPv4-mapped: the IPv4 address
    assert address_group("2001:db8:1:2:3:4:5:6") == address_group("2001:DB8:1:2::ffff") == "2001:db8:1:2::/64"
    assert address_group("2001:db8:1:3::1") != address_group("2001:db8:1:2::1")
    assert address_group("not-an-address:") == "not-an-address:"
    store = MemoryKeyStore()
    outcomes = [_flagged(store, 7, f"2001:db8:1:2::{i:x}", "same UA") for i in range(1, 6)]
    assert outcomes == [False, False, False, True, True]  # a new address in the /64 each time


def test_the_app_reads_the_allowance_from_the_environment(tmp_path):
    from surveyapp import create_app

    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}", "SECRET_KEY": "k" * 40}
    app = create_app(config, environ={"SENIM_SURVEY_PER_ADDRESS_DAILY": "5"})
    assert app.config["SENIM_SURVEY_PER_ADDRESS_DAILY"] == 5
    assert "SENIM_SURVEY_PER_ADDRESS_DAILY" not in create_app(config, environ={}).config  # the default: 3


def test_memory_store_draws_one_key_per_day(monkeypatch):
    from surveyapp.services import antiabuse

    store = antiabuse.MemoryKeyStore()
    draws: list[int] = []
    real = antiabuse.secrets.token_bytes
    monkeypatch.setattr(antiabuse.secrets, "token_bytes", lambda n: draws.append(n) or real(n))
    today = dt.date(2026, 12, 4)
    first = store.daily_key(today)
    assert all(store.daily_key(today) == first for _ in range(5)) and draws == [32]
    assert store.daily_key(today + dt.timedelta(days=1)) != first and draws == [32, 32]
