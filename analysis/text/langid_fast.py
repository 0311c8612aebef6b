"""py3langid's decision between two languages, the same as py3langid's but about twice as fast.

py3langid scores a text by walking a byte automaton of about 100,000 states (a 40 MB transition
array, so nearly every step misses the CPU cache) to count n-gram features, then takes
``log1p(counts) @ weights`` in float32 numpy and normalises. :class:`FastClassifier` walks the
same automaton through a compact copy of the states texts actually reach (renumbered densely in
order of first use, 512 bytes of int16 per state, at most :data:`TABLE_STATES` of them, cleared
when full), a character at a time (each state's step on a character, through its one to four
bytes, is remembered), then decides from the difference of the two scores summed in float64
(numpy, over the features' counts).

That decision is py3langid's whenever the difference exceeds a bound on float32 rounding (four
times the worst case of the sum, and large enough that scaling and ``exp`` cannot make the two
probabilities equal); otherwise, and for texts without features, it runs py3langid's numpy
operations in py3langid's order on the same counts. When the identifier is not a normalised
two-language one with the internals this relies on, or a self-check on sample texts disagrees,
everything goes to py3langid.
"""
from __future__ import annotations

import math
import threading
from array import array
from collections import Counter
from typing import Any

import numpy as np

__all__ = ["CHAR_STEPS", "TABLE_STATES", "FastClassifier"]

#: Automaton states kept in the compact table (Kazakh and Russian sentences reach about 12,000).
TABLE_STATES = 16_384
#: Remembered (state, character) steps; the memo is emptied when it holds more.
CHAR_STEPS = 1 << 18
_UNSEEN = array("h", [-1]) * 256
_SELF_CHECK = ("Жители жалуются на задержки выплат", "Тұрғындар шағымданады", "Ауылда мектеп жок",
               "КАЗАХСТАН", "мен сени жаксы коремин", "x", "", "Ұйым өкілдері келесі жылға жоспар туралы айтты")


class FastClassifier:
    """:meth:`language` equals ``identifier.classify(text)[0]`` for a py3langid
    ``LanguageIdentifier`` (0.4 internals) restricted to two languages with ``norm_probs``."""

    def __init__(self, identifier: Any) -> None:
        self.identifier = identifier
        self.fast = False
        self._lock = threading.Lock()
        try:
            if (len(identifier.nb_classes) != 2 or not identifier._norm_probs or identifier._alias_pairs
                    or identifier.min_confidence is not None):
                return
            self._nextmove = identifier.tk_nextmove
            self._rowbase = identifier._rowbase
            self._output = identifier.tk_output
            self._clear()
            weights = np.asarray(identifier.nb_ptc, dtype=np.float64)
            prior = np.asarray(identifier.nb_pc, dtype=np.float64)
            # per feature: the difference of its two weights, and their magnitudes' sum
            self._diff = np.ascontiguousarray(weights[:, 0] - weights[:, 1])
            self._magnitude = np.ascontiguousarray(np.abs(weights[:, 0]) + np.abs(weights[:, 1]))
            self._prior = (float(prior[0] - prior[1]), float(abs(prior[0]) + abs(prior[1])))
            self.fast = all(self._classify(t) == tuple(identifier.classify(t)) and
                            self.language(t) == identifier.classify(t)[0] for t in _SELF_CHECK)
        except (AttributeError, TypeError, ValueError, IndexError, KeyError):
            self.fast = False

    def language(self, text: str) -> str:
        """py3langid's ``classify(text)[0]``."""
        if not self.fast:
            return str(self.identifier.classify(text)[0])
        data = self.identifier._encode(text)
        features = self._features(data)
        if features:
            counts = Counter(features)
            n = len(counts)
            found = np.fromiter(counts.keys(), dtype=np.intp, count=n)
            x = np.log1p(np.fromiter(counts.values(), dtype=np.float64, count=n))
            d, e = self._prior
            d += float(x @ self._diff[found])
            e += float(x @ self._magnitude[found])
            # float32 sums of n products err by at most (n + 6)·2⁻²³ times the sum of magnitudes
            # (this float64 sum's own error, in any order, is some 2⁻³⁰ of that)
            if abs(d) > (n + 6) * 2.0 ** -21 * e and abs(d) / math.sqrt(len(data) or 1) > 1e-4:
                return str(self.identifier.nb_classes[0 if d > 0 else 1])
        return str(self._classify(text)[0])

    def _clear(self) -> None:
        #: dense id → automaton state, automaton state → dense id
        self._states: list[int] = []
        self._ids: dict[int, int] = {}
        #: entry 256·id + byte: dense id of the next state (-1 not yet looked up)
        self._table = array("h")
        #: dense id → the feature its state emits (-1 none)
        self._emits = array("i")
        #: (dense id << 21) | code point → (dense id after the character's bytes, features they emit)
        self._chars: dict[int, tuple[int, tuple[int, ...]]] = {}
        self._dense(0)

    def _dense(self, state: int) -> int:
        """The dense id of automaton ``state``, added on first use; -1 when the table is full."""
        sid = self._ids.get(state)
        if sid is None:
            if len(self._states) >= TABLE_STATES:
                return -1
            sid = self._ids[state] = len(self._states)
            self._states.append(state)
            self._table.extend(_UNSEEN)
            self._emits.append(self._output[state])
        return sid

    def _step(self, sid: int, byte: int) -> int:
        """Look up and record the transition from dense id ``sid`` on ``byte``; -1 if full."""
        state = self._states[sid]
        nxt = self._dense(self._nextmove[self._rowbase[state] + byte])
        if nxt >= 0:
            self._table[(sid << 8) | byte] = nxt
        return nxt

    def _features(self, data: bytes) -> list[int]:
        """The feature emitted at each byte of ``data`` (py3langid's ``visit_counts`` before
        counting), in order. One thread walks at a time: walking adds states to the table."""
        with self._lock:
            try:
                chars = data.decode("utf-8", "surrogatepass")
            except UnicodeDecodeError:  # not from a str (py3langid also takes bytes)
                return self._walk_table(data, True)
            return self._walk_chars(chars, data)

    def _walk_chars(self, chars: str, data: bytes) -> list[int]:
        """:meth:`_walk_table` a character at a time (``data`` is ``chars`` in UTF-8): the state
        and the features that a character's bytes lead to from a state are looked up once and
        remembered (a Cyrillic character is two bytes: about 40 % less time per text)."""
        steps = self._chars
        if len(steps) > CHAR_STEPS:
            steps.clear()
        features: list[int] = []
        sid = 0
        for ch in chars:
            step = steps.get(sid << 21 | ord(ch))
            if step is None:
                step = self._char_step(sid, ch)
                if step is None:  # the table is full: the byte walk starts it afresh
                    return self._walk_table(data, True)
            sid, found = step
            if found:
                features += found
        return features

    def _char_step(self, sid: int, ch: str) -> tuple[int, tuple[int, ...]] | None:
        """Walk the bytes of ``ch`` from dense id ``sid`` and remember the result; ``None`` when
        the table is full."""
        table, emits = self._table, self._emits
        start, found = sid, []
        for byte in ch.encode("utf-8", "surrogatepass"):
            nxt = table[(sid << 8) | byte]
            if nxt < 0:
                nxt = self._step(sid, byte)
                if nxt < 0:
                    return None
            sid = nxt
            if emits[sid] >= 0:
                found.append(emits[sid])
        step = self._chars[start << 21 | ord(ch)] = (sid, tuple(found))
        return step

    def _walk_table(self, data: bytes, retry: bool) -> list[int]:
        table, emits = self._table, self._emits
        features: list[int] = []
        append = features.append
        sid = 0
        for byte in data:
            nxt = table[(sid << 8) | byte]
            if nxt < 0:
                nxt = self._step(sid, byte)
                if nxt < 0:  # table full: start afresh, or walk py3langid's array for a huge text
                    self._clear()
                    return self._walk_table(data, False) if retry else self._walk(data)
            sid = nxt
            f = emits[sid]
            if f >= 0:
                append(f)
        return features

    def _walk(self, data: bytes) -> list[int]:
        nextmove, rowbase, output = self._nextmove, self._rowbase, self._output
        features: list[int] = []
        state = 0
        for byte in data:
            state = nextmove[rowbase[state] + byte]
            if output[state] >= 0:
                features.append(output[state])
        return features

    def _classify(self, text: str) -> tuple[str, float]:
        """``identifier.classify(text)`` by py3langid's own arithmetic (_encode, _raw_score,
        _decide and classify of py3langid 0.4 inlined, for an identifier without aliased labels
        or minimum confidence) over the compact walk."""
        ident = self.identifier
        data = ident._encode(text)
        features = self._features(data)
        if features:
            scores = ident._sparse_score(Counter(features), ident.nb_ptc)
        else:
            scores = np.zeros(len(ident.nb_classes), dtype=np.float32)
        scores *= 1.0 / math.sqrt(len(data) or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        i = int(scores.argmax())
        return ident.nb_classes[i], float(scores[i])
