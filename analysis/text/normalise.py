"""Length-preserving normalisation and tokenisation.

``normalise(text)`` returns a string of *exactly the same length* as ``text``: lower-cased, ``ё``
folded to ``е``, and every character that is not a letter, digit or combining mark replaced by a
space (quotes, dashes, punctuation, symbols, emoji). Because position ``i`` of the normalised
string corresponds to position ``i`` of the original, a token found in normalised text reports
offsets that slice the original text directly (``text[start:end]`` is what was matched).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["KK_LETTERS", "Token", "normalise", "tokenise", "has_kk_letters", "fold_kk", "script_of"]

#: Letters used by Kazakh Cyrillic and not by Russian (lower case).
KK_LETTERS = frozenset("әғқңөұүһі")
_KK_RE = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
_NON_WORD = re.compile(r"[^\w\u0300-\u036f]|_")
_TOKEN = re.compile(r"\S+")
#: Kazakh-specific letters folded to their nearest Russian letter, for tolerant lexicon look-ups
#: (informal Kazakh is often typed on a Russian keyboard: "жаксы" for "жақсы").
_FOLD = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"})


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``norm`` is its normalised form, ``start``/``end`` character offsets (end
    exclusive) into the original text."""

    norm: str
    start: int
    end: int


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters (e.g. "İ") lower-case to two code points; keep one so offsets stay aligned.
    return "".join(ch.lower()[:1] or ch for ch in text)


def _normalise_re(text: str) -> str:
    return _NON_WORD.sub(" ", _lower_same_length(text)).replace("ё", "е")


#: Texts shorter than this are normalised by regular expression (cheaper than the table below).
TABLE_MIN_CHARS = 100
_table: np.ndarray | None = None


def _bmp_table() -> np.ndarray:
    """Code point → normalised code point for the Basic Multilingual Plane, built on first use
    (about 40 ms) by running the regular-expression path over every character."""
    global _table
    if _table is None:
        chars = "".join(map(chr, range(0x10000)))
        lowered = "".join(ch.lower()[:1] or ch for ch in chars)
        out = _NON_WORD.sub(" ", lowered).replace("ё", "е")
        _table = np.frombuffer(out.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    return _table


def normalise(text: str) -> str:
    """Return ``text`` lower-cased, with ё→е and non-word characters turned into spaces.

    The result has the same length as ``text`` (offsets are shared). Raises nothing; an empty
    string gives an empty string.

    Every character maps on its own except a capital sigma (Python lower-cases it by context), so
    texts of :data:`TABLE_MIN_CHARS` characters or more go through a per-code-point table (numpy,
    about ten times faster than the regular expression); texts with a sigma or a character beyond
    the Basic Multilingual Plane take the regular-expression path, which gives the same result.
    """
    if len(text) < TABLE_MIN_CHARS or "Σ" in text:
        return _normalise_re(text)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.max() > 0xFFFF:
        return _normalise_re(text)
    return _bmp_table()[codes].tobytes().decode("utf-32-le", "surrogatepass")


def tokenise(text: str, *, normalised: str | None = None) -> list[Token]:
    """Split ``text`` into tokens of letters and digits with offsets into ``text``.

    ``normalised`` may pass ``normalise(text)`` when the caller already has it. Returns a list of
    :class:`Token` in text order; raises ``ValueError`` if ``normalised`` has a different length.
    """
    norm = normalise(text) if normalised is None else normalised
    if len(norm) != len(text):
        raise ValueError("normalised text must have the same length as the original")
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(norm)]


def has_kk_letters(text: str) -> bool:
    """True when ``text`` contains a Kazakh-specific Cyrillic letter (ә ғ қ ң ө ұ ү һ і)."""
    return _KK_RE.search(text) is not None


def fold_kk(word: str) -> str:
    """Fold Kazakh-specific letters to Russian look-alikes (ә→а, қ→к, ұ→у, і→и …), for tolerant
    matching of informally typed Kazakh. Lower-case input expected; other letters are unchanged."""
    return word.translate(_FOLD)


def script_of(word: str) -> str:
    """Classify a (normalised) token by script: ``"cyrl"``, ``"latn"`` or ``"other"`` (digits
    and anything else). Judged by the first letter."""
    for ch in word:
        if "а" <= ch <= "я" or ch in "ёәғқңөұүһі":
            return "cyrl"
        if "a" <= ch <= "z" or (ch.isalpha() and ord(ch) < 0x0250):
            return "latn"
        if ch.isalpha():
            return "cyrl" if 0x0400 <= ord(ch) <= 0x04FF else "other"
    return "other"
