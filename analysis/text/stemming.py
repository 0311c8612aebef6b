"""Token stems for alias matching: pymorphy3 lemmas (Russian), the Kazakh suffix stripper, and
NLTK's Snowball stemmer (English). Nothing here downloads anything.

:func:`stem_key` picks the stemmer by the token's script and the sentence's language: Latin →
Snowball English; Cyrillic with a Kazakh-specific letter → Kazakh; other Cyrillic → Kazakh in a
Kazakh sentence, else the Russian lemma; digits and other tokens are kept. Results are cached per
process (pymorphy3 takes ~70 µs a word; a cache hit is a dictionary look-up).
"""
from __future__ import annotations

import threading
from typing import Any

from .kazakh_stem import kk_stem
from .normalise import KK_LETTERS

__all__ = ["ru_lemma", "en_stem", "stem_key", "stem_keys", "prefix_of", "MODES", "PREFIX"]

#: Letters of a word's beginning that its stem is assumed to share (see :func:`stem_keys`).
PREFIX = 3
#: Stemming modes: the sentence language decides how plain Cyrillic tokens are stemmed.
MODES = ("ru", "kk")
_CACHE_LIMIT = 400_000
_lock = threading.Lock()
_morph: Any = None
_snowball: Any = None
_caches: dict[str, dict[str, str]] = {"ru": {}, "kk": {}}
_lemmas: dict[str, str] = {}


def _analyzer() -> Any:
    global _morph
    if _morph is None:
        with _lock:
            if _morph is None:
                import pymorphy3

                _morph = pymorphy3.MorphAnalyzer(lang="ru")
    return _morph


def ru_lemma(word: str) -> str:
    """pymorphy3's most likely normal form of a lower-case Russian word (cached). Raises nothing;
    unknown words come back as pymorphy3 guesses them."""
    lemma = _lemmas.get(word)
    if lemma is None:
        if len(_lemmas) > _CACHE_LIMIT:
            _lemmas.clear()
        lemma = _lemmas[word] = str(_analyzer().parse(word)[0].normal_form).replace("ё", "е")
    return lemma


def en_stem(word: str) -> str:
    """Snowball (Porter 2) English stem of a lower-case word. Raises nothing."""
    global _snowball
    if _snowball is None:
        from nltk.stem.snowball import SnowballStemmer

        _snowball = SnowballStemmer("english")
    return str(_snowball.stem(word))


def _compute(word: str, mode: str) -> str:
    latin = cyr = kk = False
    for ch in word:
        if "a" <= ch <= "z":
            latin = True
        elif ch in KK_LETTERS:
            kk = cyr = True
        elif "а" <= ch <= "я":
            cyr = True
    if kk or (cyr and mode == "kk"):
        return kk_stem(word)
    if cyr:
        return ru_lemma(word)
    if latin:
        return en_stem(word)
    return word


def stem_key(word: str, mode: str) -> str:
    """Stem of one normalised token for matching, in ``mode`` ``"ru"`` or ``"kk"`` (the sentence
    language; English sentences use ``"ru"``, which only matters for Cyrillic tokens).

    Raises ``KeyError`` for an unknown mode.
    """
    cache = _caches[mode]
    stem = cache.get(word)
    if stem is None:
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        stem = cache[word] = _compute(word, mode)
    return stem


def stem_keys(words: list[str], mode: str, prefixes: frozenset[str] | None = None,
              memo: dict[str, str] | None = None) -> list[str]:
    """:func:`stem_key` for a list of tokens (same order and length).

    ``prefixes``, when given, is the set of :data:`PREFIX`-letter beginnings of every word and stem
    the caller could match (see :func:`prefix_of`): a token beginning otherwise cannot stem to any
    of them (lemmas, Kazakh stems and Snowball stems keep a word's first letters), so it is passed
    through unstemmed — saving the stemmer on words no alias uses.

    ``memo``: a dictionary the caller keeps for one ``prefixes`` set and ``mode`` (word → its key,
    stemmed or passed through), so a word seen before costs one look-up; it is emptied when it
    grows past the cache limit.
    """
    if memo is not None:
        out = list(map(memo.get, words))
        if None not in out:
            return out  # type: ignore[return-value]
        if len(memo) > _CACHE_LIMIT:
            memo.clear()
        for i, s in enumerate(out):
            if s is None:
                out[i] = memo[words[i]] = stem_keys([words[i]], mode, prefixes)[0]
        return out  # type: ignore[return-value]
    cache = _caches[mode]
    get = cache.get
    out = [get(w) for w in words]
    for i, s in enumerate(out):
        if s is None:
            w = words[i]
            out[i] = w if prefixes is not None and w[:PREFIX] not in prefixes else stem_key(w, mode)
    return out  # type: ignore[return-value]


def prefix_of(word: str) -> str:
    """The beginning of a word that :func:`stem_keys` filters on."""
    return word[:PREFIX]
