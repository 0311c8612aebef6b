"""py3langid's decision between two languages, the same as py3langid's but about twice as fast.

py3langid scores a text by walking a byte automaton (one array look-up per byte, which boxes a
new integer each time) to count n-gram features, then takes ``log1p(counts) @ weights`` in
float32 numpy and normalises. :class:`FastClassifier` walks the same automaton through per-state
rows held as Python lists (built on first visit, for at most :data:`ROW_CACHE_STATES` states),
about three times faster, and then decides from the difference of the two scores summed in
float64 in plain Python. That decision is py3langid's whenever the difference exceeds a bound on
float32 rounding (four times the worst case of the sum, and large enough that scaling and
``exp`` cannot make the two probabilities equal); otherwise, and for texts without features, it
runs exactly py3langid's numpy operations in py3langid's order. When the identifier is not a
normalised two-language one with the internals this relies on, or a self-check on sample texts
disagrees, everything goes to py3langid.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

__all__ = ["ROW_CACHE_STATES", "FastClassifier"]

#: Automaton states whose transition rows are kept as lists (2 KB each; Kazakh and Russian
#: sentences visit about 12,000 states, the frequent ones first).
ROW_CACHE_STATES = 8192
_SELF_CHECK = ("Жители жалуются на задержки выплат", "Тұрғындар шағымданады", "Ауылда мектеп жок",
               "КАЗАХСТАН", "мен сени жаксы коремин", "x", "", "Ұйым өкілдері келесі жылға жоспар туралы айтты")


class FastClassifier:
    """:meth:`language` equals ``identifier.classify(text)[0]`` for a py3langid
    ``LanguageIdentifier`` (0.4 internals) restricted to two languages with ``norm_probs``."""

    def __init__(self, identifier: Any) -> None:
        self.identifier = identifier
        self._rows: list[list[int] | None] = []
        self._cached = 0
        self.fast = False
        try:
            if (len(identifier.nb_classes) != 2 or not identifier._norm_probs or identifier._alias_pairs
                    or identifier.min_confidence is not None):
                return
            self._nextmove = identifier.tk_nextmove
            self._rowbase = identifier._rowbase
            self._output = identifier.tk_output
            self._ints = list(range(len(self._rowbase)))
            self._rows = [None] * len(self._rowbase)
            weights = np.asarray(identifier.nb_ptc, dtype=np.float64)
            prior = np.asarray(identifier.nb_pc, dtype=np.float64)
            self._diff = (weights[:, 0] - weights[:, 1]).tolist()
            self._size = (np.abs(weights[:, 0]) + np.abs(weights[:, 1])).tolist()
            self._prior_diff = float(prior[0] - prior[1])
            self._prior_size = float(abs(prior[0]) + abs(prior[1]))
            self._log1p = [math.log1p(c) for c in range(256)]
            self.fast = all(self._classify(t) == tuple(identifier.classify(t)) and
                            self.language(t) == identifier.classify(t)[0] for t in _SELF_CHECK)
        except (AttributeError, TypeError, ValueError, IndexError, KeyError):
            self.fast = False

    def language(self, text: str) -> str:
        """py3langid's ``classify(text)[0]``."""
        if not self.fast:
            return str(self.identifier.classify(text)[0])
        data = self.identifier._encode(text)
        counts = Counter(self._features(data))
        if counts:
            diff, size, log1p = self._diff, self._size, self._log1p
            d, e = self._prior_diff, self._prior_size
            for f, c in counts.items():
                x = log1p[c] if c < 256 else math.log1p(c)
                d += x * diff[f]
                e += x * size[f]
            # float32 sums of n products err by at most (n + 6)·2⁻²³ times the sum of magnitudes
            if abs(d) > (len(counts) + 6) * 2.0 ** -21 * e and abs(d) / math.sqrt(len(data) or 1) > 1e-4:
                return str(self.identifier.nb_classes[0 if d > 0 else 1])
        return str(self._classify(text)[0])

    def _row(self, state: int) -> list[int] | None:
        if self._cached >= ROW_CACHE_STATES:
            return None
        base = self._rowbase[state]
        row = self._rows[state] = list(map(self._ints.__getitem__, self._nextmove[base:base + 256]))
        self._cached += 1
        return row

    def _features(self, data: bytes) -> list[int]:
        rows, out = self._rows, self._output
        nextmove, rowbase = self._nextmove, self._rowbase
        state = 0
        features: list[int] = []
        append = features.append
        for byte in data:
            row = rows[state]
            if row is None:
                row = self._row(state)
            state = nextmove[rowbase[state] + byte] if row is None else row[byte]
            f = out[state]
            if f >= 0:
                append(f)
        return features

    def _classify(self, text: str) -> tuple[str, float]:
        """``identifier.classify(text)`` by py3langid's own arithmetic (_encode, _raw_score,
        _decide and classify of py3langid 0.4 inlined, for an identifier without aliased labels
        or minimum confidence) over the faster feature walk."""
        ident = self.identifier
        data = ident._encode(text)
        features = self._features(data)
        if features:
            scores = ident._sparse_score(Counter(features), ident.nb_ptc)
        else:
            scores = np.full(len(ident.nb_classes), 0.0 if ident._norm_probs else float(np.finfo(np.float32).min),
                             dtype=np.float32)
        if ident._norm_probs:
            scores *= 1.0 / math.sqrt(len(data) or 1)
            np.exp(scores - scores.max(), out=scores)
            scores /= scores.sum()
        i = int(scores.argmax())
        return ident.nb_classes[i], float(scores[i])
