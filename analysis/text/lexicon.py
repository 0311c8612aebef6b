"""Lexicon tone scoring for Russian and Kazakh: weighted entries, negation, intensifiers,
contrast ("но", "бірақ") and emoji.

Score of a window = Σ weights of its sentiment words, each ×1.4 after an intensifier, ×0.6 after
a diminisher, ×−0.74 when negated (a negator such as "не" / "ешқандай" reaches the first sentiment
word within three tokens; "нет" / "емес" / "жоқ" the one or two words before them), ×0.5 before
and ×1.5 after a contrast word; plus ±1.5 per clearly positive/negative emoji. The sum ``s`` is
squashed to −1…1 as ``s / sqrt(s² + 15)`` (the normalisation VADER uses). Russian words are
looked up by their pymorphy3 lemma, Kazakh words by their folded spelling (see
:mod:`.lexicon_kk`).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from . import lexicon_kk, lexicon_ru
from .normalise import fold_kk
from .stemming import ru_lemma

__all__ = ["LexiconEntry", "Lexicon", "LexiconScore", "load_lexicon", "score_words", "NEGATION_FACTOR"]

NEGATION_FACTOR = -0.74
INTENSIFY, DIMINISH = 1.4, 0.6
ALPHA = 15.0
_POS_EMOJI = frozenset("👍❤♥💕💖💗💓💞😊😍🥰🤩😄😃😀🙂👏🔥💪🙏🥳✨🌟⭐☺😘")
_NEG_EMOJI = frozenset("👎😡😠🤬😢😭😞😔😒💩🤮😤😩😫☹🙁😖")
_LATIN_TO_KK = str.maketrans({"a": "а", "ä": "а", "b": "б", "c": "с", "d": "д", "e": "е", "f": "ф", "g": "г",
                              "ğ": "г", "h": "х", "i": "и", "ı": "ы", "j": "ж", "k": "к", "l": "л", "m": "м",
                              "n": "н", "ñ": "н", "o": "о", "ö": "о", "p": "п", "q": "к", "r": "р", "s": "с",
                              "ş": "ш", "t": "т", "u": "у", "ū": "у", "ü": "у", "v": "в", "w": "у", "x": "х",
                              "y": "ы", "z": "з"})
_KK_VERB_NEG = ("ма", "ме", "ба", "бе", "па", "пе")
_PRIVATIVE = ("сыз", "сиз")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """A parsed entry: ``weight``; ``prefix`` (matches word beginnings); ``verb`` (Kazakh verb
    stem: a following negative affix negates it); ``exclude`` (continuations that do not match)."""

    weight: float
    prefix: bool
    verb: bool
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """One language's lexicon: exact and prefix entries plus its function words."""

    language: str
    exact: dict[str, LexiconEntry]
    prefixes: dict[str, LexiconEntry]
    longest: int
    negators_before: frozenset[str]
    negators_after: frozenset[str]
    intensifiers: frozenset[str]
    diminishers: frozenset[str]
    contrast: frozenset[str]
    cache: dict[str, tuple[LexiconEntry, str] | None] = field(default_factory=dict, repr=False, compare=False)

    def lookup(self, key: str) -> tuple[LexiconEntry, str] | None:
        """The entry for a (lemmatised or folded) word and the rest of the word after it, or
        ``None``. Exact entries win, then the longest prefix entry. Results are cached."""
        cache = self.cache
        if key in cache:
            return cache[key]
        if len(cache) > 200_000:
            cache.clear()
        found = cache[key] = self._lookup(key)
        return found

    def _lookup(self, key: str) -> tuple[LexiconEntry, str] | None:
        entry = self.exact.get(key)
        if entry is not None:
            return entry, ""
        for n in range(min(len(key), self.longest), 2, -1):
            entry = self.prefixes.get(key[:n])
            if entry is not None:
                rest = key[n:]
                if not any(rest.startswith(x) for x in entry.exclude):
                    return entry, rest
        return None


def _parse(data: str, fold: bool) -> tuple[dict[str, LexiconEntry], dict[str, LexiconEntry]]:
    exact: dict[str, LexiconEntry] = {}
    prefixes: dict[str, LexiconEntry] = {}
    for line in data.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        weight_text, _, words = line.partition(":")
        weight = float(weight_text)
        for item in words.split():
            head, *excl = item.split("!")
            verb, prefix = head.endswith("~"), head.endswith(("*", "~"))
            word = head.rstrip("*~").replace("ё", "е")
            exclude = tuple(fold_kk(x) if fold else x for x in excl)
            variants = [fold_kk(word) if fold else word]
            if fold and prefix and word[-1] in "кқп":
                variants.append(variants[0][:-1] + {"к": "г", "қ": "г", "п": "б"}[word[-1]])
            for key in variants:
                (prefixes if prefix else exact)[key] = LexiconEntry(weight, prefix, verb, exclude)
    return exact, prefixes


@lru_cache(maxsize=None)
def load_lexicon(language: str) -> Lexicon:
    """The lexicon for ``"ru"`` or ``"kk"`` (parsed once). Raises ``ValueError`` otherwise."""
    if language == "ru":
        mod, fold = lexicon_ru, False
        before, after = mod.NEGATORS, frozenset({"нет"})
    elif language == "kk":
        mod, fold = lexicon_kk, True  # type: ignore[assignment]
        before, after = lexicon_kk.NEGATORS_BEFORE, lexicon_kk.NEGATORS_AFTER
    else:
        raise ValueError(f"no lexicon for language {language!r}")
    exact, prefixes = _parse(mod.DATA, fold)
    return Lexicon(language, exact, prefixes, max(map(len, prefixes), default=0), before, after,
                   mod.INTENSIFIERS, mod.DIMINISHERS, mod.CONTRAST)


@dataclass(frozen=True, slots=True)
class LexiconScore:
    """``tone`` in −1…1; ``positive``/``negative`` the summed magnitudes; ``hits`` the number of
    sentiment words and emoji found; ``negations`` how many of them were negated."""

    tone: float
    positive: float
    negative: float
    hits: int
    negations: int


def _key(word: str, lex: Lexicon) -> str:
    if lex.language == "ru":
        return ru_lemma(word) if word.isalpha() else word
    if word.isascii():
        word = word.translate(_LATIN_TO_KK)
    return fold_kk(word)


def score_words(words: Sequence[str], language: str, *, skip: range | None = None, raw: str = "") -> LexiconScore:
    """Lexicon score of normalised ``words`` (lower-case tokens) in ``language`` (``ru``/``kk``).

    ``skip`` holds indices not to score (the mention itself: "Фонд помощи" must not count as
    praise); ``raw`` is the original window text, searched for emoji. Raises ``ValueError`` for a
    language without a lexicon.
    """
    lex = load_lexicon(language)
    contrast_at = max((i for i, w in enumerate(words) if w in lex.contrast), default=-1)
    pos = neg = 0.0
    hits = negations = 0
    negate_until = -1  # a negator negates the first sentiment word within the next 3 tokens
    for i, word in enumerate(words):
        if word in lex.negators_before:
            negate_until = i + 3
            continue
        if (skip is not None and i in skip) or len(word) < 2:
            continue
        found = lex.lookup(_key(word, lex))
        if found is None or found[0].weight == 0:
            continue
        entry, rest = found
        w = entry.weight
        prev = words[i - 1] if i else ""
        if prev in lex.intensifiers:
            w *= INTENSIFY
        elif prev in lex.diminishers:
            w *= DIMINISH
        negated = i <= negate_until
        negate_until = -1
        negated |= any(x in lex.negators_after for x in words[i + 1:i + 3])
        if lex.language == "kk":
            negated |= rest.startswith(_PRIVATIVE)
            negated |= entry.verb and rest.startswith(_KK_VERB_NEG) and rest[2:3] not in ("к", "қ")
        if negated:
            w *= NEGATION_FACTOR
            negations += 1
        if contrast_at >= 0:
            w *= 0.5 if i < contrast_at else 1.5
        hits += 1
        if w > 0:
            pos += w
        else:
            neg -= w
    for ch in raw:
        if ch in _POS_EMOJI:
            pos += 1.5
            hits += 1
        elif ch in _NEG_EMOJI:
            neg += 1.5
            hits += 1
    s = pos - neg
    return LexiconScore(s / math.sqrt(s * s + ALPHA) if s else 0.0, pos, neg, hits, negations)
