"""The Aho-Corasick core shared by the NGO alias index and the region gazetteer.

Keys are token streams (see :mod:`.document`): ``" a b "``. A *surface* automaton matches
normalised tokens exactly; a *stem* automaton matches the stems of multi-word names. Candidates
are resolved so that, among overlapping matches, the longest wins (identical spans may yield
several targets when a name is shared), and each target is reported once per sentence.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import ahocorasick

from .document import Document
from .stemming import MODES, prefix_of

__all__ = ["Entry", "Match", "Matcher", "case_rule_of"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One name of one target. ``case_rule``: ``"upper"`` (the text must be in capitals, for
    abbreviations), ``"title"`` (must start with a capital or digit) or ``None``."""

    target: Hashable
    alias: str
    kind: str
    language: str | None
    case_rule: str | None


@dataclass(frozen=True, slots=True)
class Match:
    """A resolved match: the entry and the first/last token index it covers."""

    entry: Entry
    first: int
    last: int


def case_rule_of(alias: str, n_tokens: int, kind: str) -> str | None:
    """The case rule for an alias: capitals for an all-capitals abbreviation, a leading capital
    for other single-word names written with one, none for multi-word names."""
    letters = [ch for ch in alias if ch.isalpha()]
    if kind == "abbreviation" or n_tokens == 1:
        if len(letters) >= 2 and all(ch.isupper() for ch in letters):
            return "upper"
        if letters and letters[0].isupper():
            return "title"
    return None


def _automaton(keys: dict[str, list[int]]) -> ahocorasick.Automaton | None:
    if not keys:
        return None
    auto = ahocorasick.Automaton()
    for key, ids in keys.items():
        auto.add_word(key, (len(key), tuple(ids)))
    auto.make_automaton()
    return auto


class Matcher:
    """Two automata over entries. Build with :meth:`add` calls followed by :meth:`freeze`."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self._entry_ids: dict[Entry, int] = {}
        self._surface_keys: dict[str, list[int]] = {}
        self._stem_keys: dict[str, list[int]] = {}
        self.surface: ahocorasick.Automaton | None = None
        self.stem: ahocorasick.Automaton | None = None
        #: Beginnings of every token and stem of the stem keys (lets texts skip stemming others).
        self.stem_prefixes: frozenset[str] | None = None
        #: Per stemming mode, word → stem key under :attr:`stem_prefixes` (see ``stem_keys``).
        self.stem_memo: dict[str, dict[str, str]] = {mode: {} for mode in MODES}
        self._prefixes: set[str] = set()

    def add(self, entry: Entry, surface: Iterable[str], stems: Iterable[str] = (),
            words: Iterable[str] = ()) -> None:
        """Register ``entry`` under token-sequence keys (each a space-joined string of tokens).
        ``words``: the alias's own surface tokens, whose beginnings join :attr:`stem_prefixes`."""
        self._prefixes.update(prefix_of(w) for w in words)
        eid = self._entry_ids.get(entry)
        if eid is None:
            eid = self._entry_ids[entry] = len(self.entries)
            self.entries.append(entry)
        stems = list(stems)
        for key in stems:
            self._prefixes.update(prefix_of(w) for w in key.split())
        for table, keys in ((self._surface_keys, surface), (self._stem_keys, stems)):
            for key in keys:
                ids = table.setdefault(f" {key} ", [])
                if eid not in ids:
                    ids.append(eid)

    def freeze(self) -> None:
        """Build the automata; call once after the last :meth:`add`."""
        self.surface = _automaton(self._surface_keys)
        self.stem = _automaton(self._stem_keys)
        self.stem_prefixes = frozenset(self._prefixes)
        self.stem_memo = {mode: {} for mode in MODES}
        self._surface_keys, self._stem_keys, self._prefixes = {}, {}, set()

    @property
    def size(self) -> int:
        """Number of distinct keys in both automata."""
        return sum(len(a) for a in (self.surface, self.stem) if a is not None)

    def find(self, doc: Document) -> list[Match]:
        """Resolved matches in ``doc`` (longest first among overlaps; once per target per
        sentence), in text order. Raises ``RuntimeError`` if :meth:`freeze` was not called."""
        if self.surface is None and self.stem is None and self.entries:
            raise RuntimeError("Matcher.freeze() was not called")
        found: set[tuple[int, int, int]] = set()
        if not doc.words:
            return []
        streams = [(self.surface, doc.surface)]
        if self.stem is not None:
            streams.append((self.stem, doc.stem_stream(self.stem_prefixes, self.stem_memo)))
        for auto, stream in streams:
            if auto is None:
                continue
            hits = list(auto.iter(stream))
            if not hits:
                continue
            spans = doc.token_spans(stream, [(end - length + 1, end) for end, (length, _) in hits])
            for (first, last), (_, (_, ids)) in zip(spans, hits, strict=True):
                for eid in ids:
                    found.add((first, last, eid))
        return self._resolve(doc, found)

    def _resolve(self, doc: Document, found: set[tuple[int, int, int]]) -> list[Match]:
        owner: dict[int, tuple[int, int]] = {}
        kept: list[Match] = []
        for first, last, eid in sorted(found, key=lambda c: (c[0] - c[1], c[0], c[2])):
            entry = self.entries[eid]
            if any(owner.get(i, (first, last)) != (first, last) for i in range(first, last + 1)):
                continue
            if entry.case_rule and not _case_ok(doc, first, last, entry.case_rule):
                continue
            for i in range(first, last + 1):
                owner[i] = (first, last)
            kept.append(Match(entry, first, last))
        seen: set[tuple[Hashable, int]] = set()
        out: list[Match] = []
        for m in sorted(kept, key=lambda m: (m.first, str(m.entry.target))):
            key = (m.entry.target, doc.token_sentence[m.first])
            if key not in seen:
                seen.add(key)
                out.append(m)
        return out


def _case_ok(doc: Document, first: int, last: int, rule: str) -> bool:
    chunk = doc.text[doc.span(first)[0]:doc.span(last)[1]]
    if rule == "upper":
        letters = [ch for ch in chunk if ch.isalpha()]
        return bool(letters) and all(ch.isupper() for ch in letters)
    return chunk[:1].isupper() or chunk[:1].isdigit()
