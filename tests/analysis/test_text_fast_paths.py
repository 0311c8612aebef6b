"""The fast paths of the text pipeline give exactly what the plain implementations give."""
from __future__ import annotations

import random

from analysis.text.normalise import TABLE_MIN_CHARS, _normalise_re, normalise

_BMP = "".join(map(chr, range(0x10000)))


def test_table_normalisation_equals_the_regular_expression_for_every_character() -> None:
    without_dotted_i = _BMP.replace("İ", "")
    for text in (without_dotted_i, _BMP, "a " + without_dotted_i.replace("Σ", "") + " b"):
        assert normalise(text) == _normalise_re(text)
    for i in range(0, len(_BMP), 256):  # every character among letters, spaces and punctuation
        text = "Начало " + " x".join(_BMP[i:i + 256]) + "Ёж, конец."
        assert len(text) >= TABLE_MIN_CHARS
        assert normalise(text) == _normalise_re(text), hex(i)


def test_table_normalisation_falls_back_for_context_and_astral_characters() -> None:
    samples = ["ΟΔΟΣ ΣΑΣ ΟΔΟΣ. " * 10, "İstanbul Қазақстан ЁЛКА ё_x " * 5, "emoji 😀 👍 good " * 10,
               "\ud800 lone surrogate " * 10, "", " ", "Ёж"]
    rng = random.Random(3)
    pool = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіАБЁҚӘ abcXYZ 0123 .,;:!?«»—–-_()\"'\n\t\u00a0"
    samples += ["".join(rng.choice(pool) for _ in range(rng.randint(50, 400))) for _ in range(200)]
    for text in samples:
        assert normalise(text) == _normalise_re(text)
        assert len(normalise(text)) == len(text)
