"""Ballot-stuffing defences for open-link surveys. Nothing here is ever stored with a response.

- **Device hash**: HMAC-SHA256 of what the request tells about the device (client address, user
  agent, accepted languages) under a *daily* random key. The key and the "seen" marks live in
  Redis (``SENIM_REDIS_URL``, with a two-day TTL) or in process memory; they never reach the
  database, and after two days yesterday's hashes cannot be recomputed by anyone.
- **Address allowance**: a second keyed mark per survey for the client address alone (an IPv6
  address counts as its /64) under the same daily key, in the same store with the same TTL,
  never the raw address, counts the anonymous submissions of that address to that survey.
  Beyond ``per_address_daily`` of them (default ``DEFAULT_PER_ADDRESS_DAILY``) every further one
  is flagged ``duplicate_device`` too, whatever User-Agent or language it claims; a shared
  address (an office, carrier-grade NAT) loses only the inclusion of its extra answers in
  published scores, nothing is refused.
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
import ipaddress
import secrets
import threading
from collections.abc import MutableMapping
from typing import Any, Protocol

#: How long a day's key and its "seen" marks are kept, in seconds.
KEY_TTL_S = 2 * 24 * 3600
#: Default minimum time to complete a survey, in seconds.
DEFAULT_MIN_SECONDS = 20
#: Default number of anonymous submissions per client address per survey per daily key that may
#: go unflagged (app config ``SENIM_SURVEY_PER_ADDRESS_DAILY``); later ones get ``duplicate_device``.
DEFAULT_PER_ADDRESS_DAILY = 3


class KeyStore(Protocol):
    def daily_key(self, day: dt.date) -> bytes: ...

    def mark_seen(self, name: str) -> bool:
        """Record ``name``; True when it had been recorded before (within the TTL)."""
        ...

    def mark_and_count(self, seen: str, counted: str) -> tuple[bool, int]:
        """``mark_seen(seen)`` and add one to the counter ``counted`` (created with the TTL), in one
        store operation; returns (seen before?, the counter's new value)."""
        ...


class MemoryKeyStore:
    """Keys and marks in this process (the embedded one-machine default)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[dt.date, bytes] = {}
        self._seen: dict[dt.date, set[str]] = {}
        self._counts: dict[dt.date, dict[str, int]] = {}

    def daily_key(self, day: dt.date) -> bytes:
        with self._lock:
            for old in [d for d in self._keys if (day - d).days >= 2]:
                self._keys.pop(old, None)
                self._seen.pop(old, None)
                self._counts.pop(old, None)
            key = self._keys.get(day)
            if key is None:  # drawn once a day (setdefault's argument would draw 32 bytes per call)
                key = self._keys[day] = secrets.token_bytes(32)
            return key

    def mark_seen(self, name: str) -> bool:
        today = dt.date.today()
        with self._lock:
            seen = self._seen.setdefault(today, set())
            before = name in seen or any(name in s for d, s in self._seen.items() if d != today)
            seen.add(name)
            return before

    def mark_and_count(self, seen: str, counted: str) -> tuple[bool, int]:
        # Counter names carry the day's keyed hash, so a new day's key starts new counters; the
        # old ones go with their day in ``daily_key`` (no timer, no thread).
        before = self.mark_seen(seen)
        today = dt.date.today()
        with self._lock:
            counts = self._counts.setdefault(today, {})
            counts[counted] = value = counts.get(counted, 0) + 1
        return before, value


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

    def mark_and_count(self, seen: str, counted: str) -> tuple[bool, int]:
        pipe = self._redis.pipeline(transaction=False)  # one round trip for the three commands
        pipe.set(f"senim:seen:{seen}", b"1", nx=True, ex=KEY_TTL_S)
        pipe.incr(f"senim:addr:{counted}")
        pipe.expire(f"senim:addr:{counted}", KEY_TTL_S)
        created, value, _ = pipe.execute()
        return not created, int(value)


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


def address_group(address: str) -> str:
    """What the per-address allowance counts: the address itself, or for IPv6 its /64 network (one
    subscriber line or phone gets a whole /64 and can pick any address in it)."""
    if ":" not in address:
        return address
    try:
        ip = ipaddress.IPv6Address(address.split("%", 1)[0])
    except ValueError:
        return address
    if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is the IPv4 address a.b.c.d
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip, 64), strict=False))


def address_hash(store: KeyStore, address: str, *, day: dt.date | None = None) -> str:
    """Keyed hash (hex) of the client address alone (``address_group``) under the day's key, kept
    apart from device hashes by a prefix."""
    return device_hash(store, "address|" + address_group(address), day=day)


def check_device(store: KeyStore, survey_id: int, *, material: str, address: str,
                 per_address_daily: int = DEFAULT_PER_ADDRESS_DAILY) -> bool:
    """Record an anonymous submission to ``survey_id``: the device mark and the address counter,
    one daily-key read and one store operation. True (flag ``duplicate_device``) when this device
    description had already answered, or when the address has now sent more than
    ``per_address_daily`` submissions to this survey under the day's key."""
    key = store.daily_key(dt.date.today())
    device = hmac.new(key, material.encode("utf-8", "replace"), hashlib.sha256).hexdigest()
    group = "address|" + address_group(address)
    where = hmac.new(key, group.encode("utf-8", "replace"), hashlib.sha256).hexdigest()
    repeat, count = store.mark_and_count(f"{survey_id}:{device}", f"{survey_id}:{where}")
    return repeat or count > per_address_daily


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
