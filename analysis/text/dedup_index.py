"""The incremental duplicate index: :class:`DuplicateIndex` (rules in :mod:`.dedup`).

Per article it keeps its id, group, date, and its shingles as a sorted array of distinct 32-bit
values (:func:`~.dedup.shingle_array`, about 2 KB for a 3,000-character article, where a frozenset
takes about 45 KB and is scanned by every full garbage collection); the cosine of a candidate is
counted on those arrays and equals :func:`~.dedup.cosine` of the sets.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable
from datetime import date
from itertools import chain

import numpy as np

from .dedup import (
    MAX_POSTINGS,
    SAMPLE_MIN,
    THRESHOLD,
    WINDOW_DAYS,
    DuplicateMatch,
    Fingerprint,
    _sample_of,
    _within,
    common_count,
    shingle_array,
)

__all__ = ["DuplicateIndex"]

_COMMON = -1
_NONE = np.zeros(0, dtype=np.uint32)


def _keys_array(keys: frozenset[int]) -> np.ndarray | tuple[int, ...]:
    """The keys an item was indexed by, compactly (``prune`` removes exactly these)."""
    try:
        return np.fromiter(keys, dtype=np.int64, count=len(keys))
    except OverflowError:  # not 32-bit hashes (a hand-made fingerprint)
        return tuple(keys)


class DuplicateIndex:
    """In-memory incremental index for batch imports and benchmarks: :meth:`add` each article in
    arrival order; it returns the match (and records the article in that group).

    Candidate search looks shingles up in an inverted index. Texts with at least
    :data:`~.dedup.SAMPLE_MIN` shingles are indexed by a fixed 1-in-4 sample of them (by hash
    value), which keeps the index a quarter of the size; shingles held by more than
    ``max_postings`` articles are boilerplate ("subscribe to our channel") and not searched by. A
    candidate must show at least 35 % of the shared shingles that its cosine needs (a duplicate at
    the threshold shares at least a quarter of the new text's shingles, over 50 in a 200-shingle
    text, so it fails this only with a probability below 1e-5); the cosine is then computed exactly
    on the full shingle sets. Texts below the sample size are compared exactly. A text sharing
    nothing but boilerplate with another is not found. Among candidates equally similar, the one
    first reached through the index wins."""

    def __init__(self, *, threshold: float = THRESHOLD, window_days: int = WINDOW_DAYS,
                 max_postings: int = MAX_POSTINGS) -> None:
        self.threshold = threshold
        self.max_postings = max_postings
        self.window_days = window_days
        #: per item (index = arrival order): article id, group, publication date, shingles as a
        #: sorted array, their number, and the keys it was indexed by
        self._ids: list[Hashable] = []
        self._groups: list[Hashable] = []
        self._dates: list[date | None] = []
        self._arrays: list[np.ndarray] = []
        self._sizes: list[int] = []
        self._keys: list[np.ndarray | tuple[int, ...]] = []
        #: shingle → the one article holding it (an int), the list of those holding it, or
        #: _COMMON once more than max_postings articles did (boilerplate, for good)
        self._postings: dict[int, int | list[int]] = {}
        self._urls: dict[str, int] = {}
        self._hashes: dict[str, int] = {}
        #: indices of the items still in the shingle index, ascending (prune scans only these)
        self._live: list[int] = []

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, fp: Fingerprint) -> DuplicateMatch | None:
        """Find the group ``fp`` joins among articles added so far, then add it (with that group).
        Returns the match or ``None`` (the article starts a new group)."""
        match: DuplicateMatch | None = None
        postings = self._postings
        keys = _sample_of(fp)
        existing = keys & postings.keys()
        # each posting looked up once: read here, updated below in the same order
        values = list(map(postings.__getitem__, existing))
        arr = shingle_array(fp)
        n = len(arr)
        hit = self._urls.get(fp.url_key) if fp.url_key else None
        if hit is not None:
            match = DuplicateMatch(self._ids[hit], self._groups[hit], "url", 1.0)
        elif (hit := self._hashes.get(fp.content_hash)) is not None:
            match = DuplicateMatch(self._ids[hit], self._groups[hit], "content_hash", 1.0)
        else:
            singles = [v for v in values if type(v) is int and v >= 0]
            lists = [v for v in values if type(v) is list]
            unindexed = len(values) - len(singles) - len(lists)  # too common to search by (boilerplate)
            shared = Counter(singles)
            shared.update(chain.from_iterable(lists))
            t = self.threshold
            # cos(A, B) >= t needs |A∩B| >= t·sqrt(|A||B|), hence |A∩B| >= t²|A|; of the shared
            # shingles a quarter is visible when either text is sampled.
            floor = 0.35 * 0.25 * t * t * n - unindexed
            candidates = []
            sizes = self._sizes
            sqrt = math.sqrt
            # share * t of the rule below, folded as Python evaluates it (the same floats)
            sampled_t = 0.35 * 0.25 * t
            for i, k in shared.items():
                if k < floor:
                    continue
                m = sizes[i]
                st = t if n < SAMPLE_MIN and m < SAMPLE_MIN else sampled_t
                if k + unindexed >= st * sqrt(n * m):
                    candidates.append(i)
            best: tuple[float, int] | None = None
            for i in candidates:
                if not _within(fp.published, self._dates[i], self.window_days):
                    continue
                # cosine(fp.shingles, the candidate's) on the arrays: the same integers, the same float
                sim = common_count(arr, self._arrays[i]) / math.sqrt(n * sizes[i]) if n else 0.0
                if sim >= self.threshold and (best is None or sim > best[0]):
                    best = (sim, i)
            if best is not None:
                i = best[1]
                match = DuplicateMatch(self._ids[i], self._groups[i], "shingles", round(best[0], 4))
        idx = len(self._ids)
        self._ids.append(fp.article_id)
        self._groups.append(match.group_id if match is not None else fp.group)
        self._dates.append(fp.published)
        self._arrays.append(arr)
        self._sizes.append(n)
        self._keys.append(_keys_array(keys))
        self._live.append(idx)
        for s, ids in zip(existing, values):
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
        dates, postings = self._dates, self._postings
        for i in self._live:
            published = dates[i]
            if published is None or published >= before:
                live.append(i)
                continue
            dropped += 1
            keys = self._keys[i]
            get = postings.get
            for s in keys.tolist() if isinstance(keys, np.ndarray) else keys:
                ids = get(s)
                if type(ids) is list:  # (a list never equals i: tested first, the common case)
                    if i in ids:
                        ids.remove(i)
                elif ids == i:
                    del postings[s]
            self._keys[i], self._arrays[i] = (), _NONE  # never a candidate again
        self._live = live
        return dropped

    def groups(self) -> dict[Hashable, Hashable]:
        """Article id → duplicate group id for everything added."""
        return dict(zip(self._ids, self._groups, strict=True))
