"""A careful suffix stripper for Kazakh, and the forward case forms used by the gazetteer.

Stripping removes one ending at a time from the end — a case ending if one fits, else a possessive,
else a plural — and starts again until nothing changes; each ending is removed only where Kazakh
morphophonology allows it (e.g. the genitive is ``-ның`` after vowels and м/н/ң, ``-дың`` after
ж/з/л/р/й/у, ``-тың`` after voiceless consonants; the dative ``-на/-не`` only after the possessive
``-ы/-і``). A stem never drops below :data:`MIN_STEM` letters and always keeps a vowel. Words
ending in ``-стан`` (Қазақстан) keep it.

Stripping to a fixed point makes the inflected and the base form of a name meet at the same stem
(``ұйымдарының`` → ``ұйым``, ``конфедерациясымен`` → ``конфедерация``), which is all alias matching
needs; the stem need not be a dictionary word.
"""
from __future__ import annotations

from functools import lru_cache

__all__ = ["MIN_STEM", "kk_stem", "kk_case_forms"]

MIN_STEM = 3
VOWELS = frozenset("аәеёиоөуұүыіэюя")
_BACK = frozenset("аоұыяё")
_FRONT = frozenset("әеөүіэ")
_VOICED = frozenset("жзлрйумнң")
_MNN = frozenset("мнң")
_GLIDES = frozenset("жзлрйу")
_POSS = frozenset("ыі")
_PROTECTED_ENDINGS = ("стан",)


def _after_vowel(c: str) -> bool:
    return c in VOWELS and c != "у"


def _voiceless(c: str) -> bool:
    return c not in VOWELS and c not in _VOICED


# Each suffix with a test on the letter before it.
_CASE: tuple[tuple[str, object], ...] = (
    ("ндағы", _POSS.__contains__), ("ндегі", _POSS.__contains__),
    ("дағы", lambda c: _after_vowel(c) or c in _VOICED), ("дегі", lambda c: _after_vowel(c) or c in _VOICED),
    ("тағы", _voiceless), ("тегі", _voiceless),
    ("ның", lambda c: _after_vowel(c) or c in _MNN), ("нің", lambda c: _after_vowel(c) or c in _MNN),
    ("дың", _GLIDES.__contains__), ("дің", _GLIDES.__contains__),
    ("тың", _voiceless), ("тің", _voiceless),
    ("нан", lambda c: c in _MNN or c in _POSS), ("нен", lambda c: c in _MNN or c in _POSS),
    ("дан", lambda c: _after_vowel(c) or c in _GLIDES), ("ден", lambda c: _after_vowel(c) or c in _GLIDES),
    ("тан", _voiceless), ("тен", _voiceless),
    ("нда", _POSS.__contains__), ("нде", _POSS.__contains__),
    ("мен", lambda c: _after_vowel(c) or c in "мнңлрйу"), ("бен", "жз".__contains__), ("пен", _voiceless),
    ("ға", lambda c: _after_vowel(c) or c in _VOICED), ("ге", lambda c: _after_vowel(c) or c in _VOICED),
    ("қа", _voiceless), ("ке", _voiceless),
    ("на", _POSS.__contains__), ("не", _POSS.__contains__),
    ("да", lambda c: _after_vowel(c) or c in _VOICED), ("де", lambda c: _after_vowel(c) or c in _VOICED),
    ("та", _voiceless), ("те", _voiceless),
    ("ны", _after_vowel), ("ні", _after_vowel),
    ("ды", _VOICED.__contains__), ("ді", _VOICED.__contains__),
    ("ты", _voiceless), ("ті", _voiceless),
    ("н", _POSS.__contains__),
)
_POSSESSIVE: tuple[tuple[str, object], ...] = (
    ("ымыз", lambda c: c not in VOWELS), ("іміз", lambda c: c not in VOWELS),
    ("ыңыз", lambda c: c not in VOWELS), ("іңіз", lambda c: c not in VOWELS),
    ("мыз", _after_vowel), ("міз", _after_vowel), ("ңыз", _after_vowel), ("ңіз", _after_vowel),
    ("сы", _after_vowel), ("сі", _after_vowel),
    ("ы", lambda c: c not in VOWELS), ("і", lambda c: c not in VOWELS),
)
_PLURAL: tuple[tuple[str, object], ...] = (
    ("лар", lambda c: _after_vowel(c) or c in "рйу"), ("лер", lambda c: _after_vowel(c) or c in "рйу"),
    ("дар", "лмнңжз".__contains__), ("дер", "лмнңжз".__contains__),
    ("тар", _voiceless), ("тер", _voiceless),
)


def _strip_one(word: str, table: tuple[tuple[str, object], ...]) -> str:
    for suffix, allowed in table:
        if not word.endswith(suffix):
            continue
        stem = word[: -len(suffix)]
        if len(stem) < MIN_STEM or not any(ch in VOWELS for ch in stem):
            continue
        if suffix in ("тан", "тен") and word.endswith(_PROTECTED_ENDINGS):
            continue
        if allowed(stem[-1]):  # type: ignore[operator]
            return stem
    return word


@lru_cache(maxsize=200_000)
def kk_stem(word: str) -> str:
    """Stem one lower-case Kazakh word by stripping case, possessive and plural endings.

    Returns the word itself when nothing can be stripped (including non-Cyrillic words). The
    result has at least :data:`MIN_STEM` letters unless the word was shorter. Raises nothing.
    """
    if len(word) <= MIN_STEM or word.endswith(_PROTECTED_ENDINGS):
        return word
    while True:
        for table in (_CASE, _POSSESSIVE, _PLURAL):
            stripped = _strip_one(word, table)
            if stripped != word:
                word = stripped
                break
        else:
            return word


def _is_back(word: str) -> bool:
    for ch in reversed(word):
        if ch in _BACK:
            return True
        if ch in _FRONT:
            return False
    return True


def kk_case_forms(word: str, *, possessive: bool | None = None) -> list[str]:
    """The word itself and its case forms (genitive, accusative, dative, locative, ablative,
    instrumental, and ``-дағы``) by Kazakh vowel harmony and consonant assimilation.

    ``possessive=True`` treats the word as ending in the 3rd-person possessive (``облысы`` →
    ``облысының, облысына, облысында …``) and gives only those forms; ``None`` (default) gives
    both sets for words ending in ``-ы/-і``. Lower-case input; raises nothing."""
    if not word:
        return []
    back = _is_back(word)
    a, y = ("а", "ы") if back else ("е", "і")
    g, q = ("ға", "қа") if back else ("ге", "ке")
    last = word[-1]
    vowel = last in VOWELS and last != "у"
    voiced = last in _VOICED
    gen = ("н" if vowel or last in _MNN else "д" if last in _GLIDES else "т") + y + "ң"
    acc = ("н" if vowel else "д" if voiced else "т") + y
    dat = g if vowel or voiced else q
    loc = ("д" if vowel or voiced else "т") + a
    abl = ("д" if vowel or last in _GLIDES else "н" if last in _MNN else "т") + a + "н"
    ins = "мен" if vowel or last in "мнңлрйу" else "бен" if last in "жз" else "пен"
    forms = [word]
    if not possessive:
        forms += [word + s for s in (gen, acc, dat, loc, abl, ins, loc + ("ғы" if back else "гі"))]
    if last in _POSS and possessive is not False:
        forms += [word + s for s in ("н" + y + "ң", "н", "н" + a, "мен", "нд" + a, "н" + a + "н",
                                     "нд" + a + ("ғы" if back else "гі"))]
    return list(dict.fromkeys(forms))
