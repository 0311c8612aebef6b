"""Syndicated copies: one duplicate group per story.

An article joins the group of an earlier article when (in this order) its normalised URL is the
same, its content hash is the same, or the cosine similarity of their word 3-gram shingle sets is
at least :data:`THRESHOLD` (0.5) and they were published within :data:`WINDOW_DAYS` (±7) days.

Shingles are 32-bit hashes of three consecutive normalised words (built from the words' CRC-32);
the cosine of two shingle sets A, B is |A∩B| / sqrt(|A|·|B|) — exact, no MinHash.
:class:`DuplicateIndex` keeps an inverted index (shingle → articles) so a new article is compared
only with articles sharing a shingle.
URLs are normalised by lower-casing scheme and host, treating http as https, dropping ``www.``,
default ports, fragments, tracking parameters (``utm_*``, ``fbclid``, ``gclid`` …) and a trailing
slash, and sorting the remaining query parameters.
"""
from __future__ import annotations

import hashlib
import math
from array import array
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import chain
from urllib.parse import parse_qsl, urlencode, urlsplit
from zlib import crc32

import numpy as np

from .normalise import normalise

__all__ = ["THRESHOLD", "WINDOW_DAYS", "Fingerprint", "DuplicateMatch", "DuplicateIndex", "normalise_url",
           "content_hash", "shingles", "cosine", "fingerprint", "find_duplicate", "pack_shingles",
           "unpack_shingles"]

THRESHOLD = 0.5
WINDOW_DAYS = 7
#: A shingle found in more articles than this is boilerplate and not used to find candidates.
MAX_POSTINGS = 50
_COMMON = -1
#: Texts with at least this many shingles are indexed by a 1-in-4 sample of them.
SAMPLE_MIN = 200


def _sample(shingles: frozenset[int]) -> frozenset[int]:
    return shingles if len(shingles) < SAMPLE_MIN else frozenset(s for s in shingles if not s & 3)


def _sample_of(fp: Fingerprint) -> frozenset[int]:
    """The shingles a fingerprint is indexed by (computed by :func:`fingerprint`, else here)."""
    return _sample(fp.shingles) if fp.sample is None else fp.sample


_TRACKING = frozenset({"fbclid", "gclid", "yclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "_openstat",
                       "ref", "ref_src", "spm"})


def normalise_url(url: str | None) -> str | None:
    """The comparison key of a URL (see module doc), or ``None`` for an empty or non-http(s)
    value. Raises nothing."""
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not k.lower().startswith("utm_") and k.lower() not in _TRACKING)
    return f"https://{host}{path}" + (f"?{urlencode(query)}" if query else "")


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the text's normalised words joined by single spaces, so copies differing
    only in case, punctuation or spacing hash alike."""
    return hashlib.sha256(" ".join(normalise(text).split()).encode("utf-8")).hexdigest()


_K1, _K2, _K3 = np.uint64(0x9E3779B1), np.uint64(0x85EBCA77), np.uint64(0xC2B2AE3D)
_SHIFT, _MASK32 = np.uint64(11), np.uint64(0xFFFFFFFF)


def _word_crcs(words: list[str], joined: bytes | None = None) -> np.ndarray:
    """CRC-32 of each word's UTF-8 bytes (uint64). ``joined``: ``" ".join(words)`` encoded, when
    the caller has it; it is split at spaces, which is the words' own bytes whenever no word
    contains a space or is empty (checked by count; otherwise each word is encoded alone)."""
    data = " ".join(words).encode("utf-8") if joined is None else joined
    parts = data.split(b" ")
    if len(parts) != len(words):
        parts = [w.encode("utf-8") for w in words]
    crcs = array("L", map(crc32, parts))
    if crcs.itemsize == 8:
        return np.frombuffer(crcs, dtype=np.uint64)
    return np.frombuffer(crcs, dtype=np.uint32).astype(np.uint64)  # pragma: no cover - 32-bit "L"


def _shingle_values(words: list[str], joined: bytes | None = None) -> np.ndarray:
    """The shingle hashes of normalised ``words`` as a numpy array (with repeats); ``joined`` as
    for :func:`_word_crcs`."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    arr = _word_crcs(words, joined)
    if len(arr) < 3:
        arr = np.concatenate([arr, np.zeros(3 - len(arr), dtype=np.uint64)])
    # ((a·K1) ^ (b·K2) ^ (c·K3)) >> 11, low 32 bits; every product of two 32-bit numbers fits
    # 64 bits, so numpy's uint64 arithmetic equals Python's.
    mixed = arr[:-2] * _K1
    mixed ^= arr[1:-1] * _K2
    mixed ^= arr[2:] * _K3
    mixed >>= _SHIFT
    mixed &= _MASK32
    return mixed


def shingles(words: list[str] | str) -> frozenset[int]:
    """Hashed word 3-grams of ``words`` (normalised tokens, or a text to normalise): each word's
    CRC-32 combined by fixed multipliers into a 32-bit value, stable across processes. A text of
    one or two words gives one shingle; an empty one none."""
    if isinstance(words, str):
        words = normalise(words).split()
    return frozenset(_shingle_values(words).tolist())


def cosine(a: frozenset[int], b: frozenset[int]) -> float:
    """Cosine similarity of two shingle sets as binary vectors (0…1; 0 if either is empty)."""
    if not a or not b:
        return 0.0
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & big) / math.sqrt(len(a) * len(b))


def pack_shingles(s: frozenset[int]) -> bytes:
    """Shingles as compact bytes (sorted unsigned 32-bit, little-endian) for storage."""
    arr = array("I", sorted(s))
    if arr.itemsize != 4:  # pragma: no cover - platforms where "I" is not 32-bit
        arr = array("L", sorted(s))
    return arr.tobytes()


def unpack_shingles(data: bytes) -> frozenset[int]:
    """Inverse of :func:`pack_shingles`. Raises ``ValueError`` for a length not divisible by 4."""
    if len(data) % 4:
        raise ValueError("shingle bytes must be a multiple of 4 long")
    arr = array("I")
    arr.frombytes(data)
    return frozenset(arr)


@dataclass(frozen=True)
class Fingerprint:
    """What duplicate detection needs of an article. ``group_id`` is its duplicate group (``None``
    means it heads its own group, i.e. the group is its ``article_id``)."""

    article_id: Hashable
    url_key: str | None
    content_hash: str
    published: date | None
    shingles: frozenset[int]
    group_id: Hashable | None = None
    #: the subset of ``shingles`` :class:`DuplicateIndex` indexes it by (``None``: derive it)
    sample: frozenset[int] | None = field(default=None, compare=False, repr=False)

    @property
    def group(self) -> Hashable:
        """The duplicate group this article belongs to."""
        return self.article_id if self.group_id is None else self.group_id


def fingerprint(article_id: Hashable, text: str, *, url: str | None = None, published: date | None = None,
                words: list[str] | None = None, group_id: Hashable | None = None) -> Fingerprint:
    """Fingerprint an article. ``words`` may pass its normalised tokens if already computed."""
    words = normalise(text).split() if words is None else words
    joined = " ".join(words).encode("utf-8")
    digest = hashlib.sha256(joined).hexdigest()
    values = _shingle_values(words, joined)
    full = frozenset(values.tolist())
    sample = full if len(full) < SAMPLE_MIN else frozenset(values[(values & np.uint64(3)) == 0].tolist())
    return Fingerprint(article_id, normalise_url(url), digest, published, full, group_id, sample)


@dataclass(frozen=True)
class DuplicateMatch:
    """The earlier article a new one duplicates: its id, the group to join, why
    (``url`` | ``content_hash`` | ``shingles``) and the cosine similarity (1.0 for url/hash)."""

    article_id: Hashable
    group_id: Hashable
    reason: str
    similarity: float


def _within(a: date | None, b: date | None, days: int) -> bool:
    return a is None or b is None or abs((a - b).days) <= days


def find_duplicate(new: Fingerprint, candidates: Iterable[Fingerprint], *, threshold: float = THRESHOLD,
                   window_days: int = WINDOW_DAYS) -> DuplicateMatch | None:
    """The group ``new`` joins among ``candidates`` (e.g. the fingerprints of articles published
    within ±7 days plus those with the same URL or hash), or ``None``. URL beats content hash beats
    the most similar shingle set; the new article itself is ignored. Raises nothing."""
    best: tuple[float, Fingerprint] | None = None
    by_hash: Fingerprint | None = None
    for cand in candidates:
        if cand.article_id == new.article_id:
            continue
        if new.url_key and cand.url_key == new.url_key:
            return DuplicateMatch(cand.article_id, cand.group, "url", 1.0)
        if by_hash is None and cand.content_hash == new.content_hash:
            by_hash = cand
        if by_hash is None and _within(new.published, cand.published, window_days):
            sim = cosine(new.shingles, cand.shingles)
            if sim >= threshold and (best is None or sim > best[0]):
                best = (sim, cand)
    if by_hash is not None:
        return DuplicateMatch(by_hash.article_id, by_hash.group, "content_hash", 1.0)
    if best is not None:
        return DuplicateMatch(best[1].article_id, best[1].group, "shingles", round(best[0], 4))
    return None


class DuplicateIndex:
    """In-memory incremental index for batch imports and benchmarks: :meth:`add` each article in
    arrival order; it returns the match (and records the article in that group).

    Candidate search looks shingles up in an inverted index. Texts with at least
    :data:`SAMPLE_MIN` shingles are indexed by a fixed 1-in-4 sample of them (by hash value), which
    keeps the index a quarter of the size; shingles held by more than ``max_postings`` articles are
    boilerplate ("subscribe to our channel") and not searched by. A candidate must show at least
    35 % of the shared shingles that its cosine needs (a duplicate at the threshold shares at least
    a quarter of the new text's shingles, over 50 in a 200-shingle text, so it fails this only with
    a probability below 1e-5); the cosine is then computed exactly on the full shingle sets.
    Texts below the sample size are compared exactly. A text sharing nothing but boilerplate with
    another is not found."""

    def __init__(self, *, threshold: float = THRESHOLD, window_days: int = WINDOW_DAYS,
                 max_postings: int = MAX_POSTINGS) -> None:
        self.threshold = threshold
        self.max_postings = max_postings
        self.window_days = window_days
        self._items: list[Fingerprint] = []
        #: len(shingles) of each item (read for every candidate; cheaper than the set's header)
        self._sizes: list[int] = []
        #: shingle → the one article holding it (an int), the list of those holding it, or
        #: _COMMON once more than max_postings articles did (boilerplate, for good)
        self._postings: dict[int, int | list[int]] = {}
        self._urls: dict[str, int] = {}
        self._hashes: dict[str, int] = {}
        #: indices of the items still in the shingle index, ascending (prune scans only these)
        self._live: list[int] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(self, fp: Fingerprint) -> DuplicateMatch | None:
        """Find the group ``fp`` joins among articles added so far, then add it (with that group).
        Returns the match or ``None`` (the article starts a new group)."""
        match: DuplicateMatch | None = None
        postings = self._postings
        keys = _sample_of(fp)
        existing = keys & postings.keys()
        hit = self._urls.get(fp.url_key) if fp.url_key else None
        if hit is not None:
            match = DuplicateMatch(self._items[hit].article_id, self._items[hit].group, "url", 1.0)
        elif (hit := self._hashes.get(fp.content_hash)) is not None:
            match = DuplicateMatch(self._items[hit].article_id, self._items[hit].group, "content_hash", 1.0)
        else:
            values = [postings[s] for s in existing]
            singles = [v for v in values if type(v) is int and v >= 0]
            lists = [v for v in values if type(v) is list]
            unindexed = len(values) - len(singles) - len(lists)  # too common to search by (boilerplate)
            shared = Counter(singles)
            shared.update(chain.from_iterable(lists))
            n = len(fp.shingles)
            t = self.threshold
            # cos(A, B) >= t needs |A∩B| >= t·sqrt(|A||B|), hence |A∩B| >= t²|A|; of the shared
            # shingles a quarter is visible when either text is sampled.
            floor = 0.35 * 0.25 * t * t * n - unindexed
            candidates = []
            sizes = self._sizes
            for i, k in shared.items():
                if k < floor:
                    continue
                m = sizes[i]
                share = 1.0 if n < SAMPLE_MIN and m < SAMPLE_MIN else 0.35 * 0.25
                if k + unindexed >= share * t * math.sqrt(n * m):
                    candidates.append(i)
            best: tuple[float, int] | None = None
            for i in candidates:
                cand = self._items[i]
                if not _within(fp.published, cand.published, self.window_days):
                    continue
                sim = cosine(fp.shingles, cand.shingles)
                if sim >= self.threshold and (best is None or sim > best[0]):
                    best = (sim, i)
            if best is not None:
                cand = self._items[best[1]]
                match = DuplicateMatch(cand.article_id, cand.group, "shingles", round(best[0], 4))
        stored = replace(fp, group_id=match.group_id) if match is not None else fp
        idx = len(self._items)
        self._items.append(stored)
        self._sizes.append(len(stored.shingles))
        self._live.append(idx)
        for s in existing:
            ids = postings[s]
            if type(ids) is list:
                if len(ids) >= self.max_postings:
                    postings[s] = _COMMON
                else:
                    ids.append(idx)
            elif ids >= 0:
                postings[s] = [ids, idx]
        postings.update(dict.fromkeys(keys - existing, idx))
        if fp.url_key:
            self._urls.setdefault(fp.url_key, idx)
        self._hashes.setdefault(fp.content_hash, idx)
        return match

    def prune(self, before: date) -> int:
        """Stop considering articles published before ``before`` (undated ones stay), e.g. once a
        day with ``today - 7 days``; URL and content-hash matches to them are kept. Returns how
        many articles were dropped from the shingle index."""
        dropped = 0
        live: list[int] = []
        for i in self._live:
            fp = self._items[i]
            if fp.published is None or fp.published >= before:
                live.append(i)
                continue
            dropped += 1
            for s in _sample_of(fp):
                ids = self._postings.get(s)
                if ids == i:
                    del self._postings[s]
                elif type(ids) is list and i in ids:
                    ids.remove(i)
        self._live = live
        return dropped

    def groups(self) -> dict[Hashable, Hashable]:
        """Article id → duplicate group id for everything added."""
        return {fp.article_id: fp.group for fp in self._items}
