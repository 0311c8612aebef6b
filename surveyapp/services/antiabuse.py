"""Ballot-stuffing defences for open-link surveys. Nothing here is ever stored with a response.

- **Device hash**: HMAC-SHA256 of what the request tells about the device (client address, user
  agent, accepted languages) under a *daily* random key. The key and the "seen" marks live in
  Redis (``SENIM_REDIS_URL``, with a two-day TTL) or in process memory; they never reach the
  database, and after two days yesterday's hashes cannot be recomputed by anyone.
- **Honeypot**: a field hidden from people (CSS and ``aria-hidden``); a bot that fills it gets its
  response stored with the flag ``honeypot`` (so the bot learns nothing).
- **Minimum completion time**: a response finished faster than ``min_seconds`` is flagged
  ``speeder``.
Flagged responses are stored with their flags and excluded from published scores.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
from collections.abc import MutableMapping
from typing import Any, Protocol

#: How long a day's key and its "seen" marks are kept, in seconds.
KEY_TTL_S = 2 * 24 * 3600
#: Default minimum time to complete a survey, in seconds.
DEFAULT_MIN_SECONDS = 20


class KeyStore(Protocol):
    def daily_key(self, day: dt.date) -> bytes: ...

    def mark_seen(self, name: str) -> bool:
        """Record ``name``; True when it had been recorded before (within the TTL)."""
        ...


class MemoryKeyStore:
    """Keys and marks in this process (the embedded one-machine default)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[dt.date, bytes] = {}
        self._seen: dict[dt.date, set[str]] = {}

    def daily_key(self, day: dt.date) -> bytes:
        with self._lock:
            for old in [d for d in self._keys if (day - d).days >= 2]:
                self._keys.pop(old, None)
                self._seen.pop(old, None)
            return self._keys.setdefault(day, secrets.token_bytes(32))

    def mark_seen(self, name: str) -> bool:
        today = dt.date.today()
        with self._lock:
            seen = self._seen.setdefault(today, set())
            before = name in seen or any(name in s for d, s in self._seen.items() if d != today)
            seen.add(name)
            return before


class RedisKeyStore:
    """Keys and marks in Redis, each with a TTL, shared by every worker and host."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def daily_key(self, day: dt.date) -> bytes:
        name = f"senim:devkey:{day.isoformat()}"
        self._redis.set(name, secrets.token_bytes(32), nx=True, ex=KEY_TTL_S)
        value = self._redis.get(name)
        return bytes(value) if value else secrets.token_bytes(32)

    def mark_seen(self, name: str) -> bool:
        created = self._redis.set(f"senim:seen:{name}", b"1", nx=True, ex=KEY_TTL_S)
        return not created


_stores_lock = threading.Lock()


def key_store(redis_url: str | None, cache: MutableMapping[str, Any]) -> KeyStore:
    """The store for this deployment: Redis when a URL is configured, else process memory.
    ``cache`` keeps the store between requests (the app's ``extensions`` mapping)."""
    name = "senim_keystore:" + (redis_url or "memory")
    with _stores_lock:
        if name not in cache:
            cache[name] = RedisKeyStore(redis_url) if redis_url else MemoryKeyStore()
        return cache[name]


def device_hash(store: KeyStore, material: str, *, day: dt.date | None = None) -> str:
    """Keyed hash (hex) of the device description under the day's key."""
    key = store.daily_key(day or dt.date.today())
    return hmac.new(key, material.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def repeat_device(store: KeyStore, survey_id: int, material: str) -> bool:
    """Record that this device answered ``survey_id``; True if it already had in the last days."""
    return store.mark_seen(f"{survey_id}:{device_hash(store, material)}")


def quality_flags(*, honeypot: bool, duration_s: int | None, min_seconds: int,
                  repeat_device: bool = False, repeat_browser: bool = False) -> list[str]:
    """Quality flags (subset of ``models.response.QUALITY_FLAGS``) for a submission."""
    flags = []
    if duration_s is not None and duration_s < min_seconds:
        flags.append("speeder")
    if repeat_device:
        flags.append("duplicate_device")
    if honeypot:
        flags.append("honeypot")
    if repeat_browser:
        flags.append("repeat_browser")
    return flags
