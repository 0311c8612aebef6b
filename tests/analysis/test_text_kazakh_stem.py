"""The Kazakh suffix stripper and the forward case forms used by the gazetteer."""
from __future__ import annotations

import pytest

from analysis.text import kk_case_forms, kk_stem
from analysis.text.kazakh_stem import MIN_STEM


@pytest.mark.parametrize(("base", "inflected"), [
    ("ұйым", "ұйымдарының"),          # plural + possessive + genitive
    ("ұйым", "ұйымды"),               # accusative
    ("конфедерациясы", "конфедерациясымен"),  # possessive + instrumental
    ("қазақстан", "қазақстанның"),    # -стан is not an ablative
    ("астана", "астанада"),           # -на is a dative only after a possessive
    ("астана", "астанаға"),
    ("қарағанды", "қарағандыдағы"),   # locative-adjectival
    ("қор", "қорының"),
    ("облысы", "облысында"),
    ("шымкент", "шымкенттен"),        # voiceless assimilation
    ("мектеп", "мектептерінде"),
    ("бала", "балаларымен"),
    ("министрлігі", "министрлігімен"),
    ("түркістан", "түркістаннан"),
])
def test_inflected_and_base_forms_meet_at_one_stem(base: str, inflected: str) -> None:
    assert kk_stem(inflected) == kk_stem(base)


def test_stripping_follows_morphophonology() -> None:
    assert kk_stem("ұйымдарының") == "ұйым"
    assert kk_stem("конфедерациясымен") == "конфедерация"
    assert kk_stem("жастарға") == "жас"
    assert kk_stem("кітаптарымызды") == "кітап"
    # "-да" needs a vowel or voiced consonant before it: "палата" keeps its "-та".
    assert kk_stem("палата") == "палата"
    # the genitive after a voiceless consonant is "-тың", not "-ның"
    assert kk_stem("шымкенттің") == "шымкент"


def test_never_strips_below_the_minimum_stem() -> None:
    for word in ("ода", "үйде", "елге", "алма", "ана", "жас", "ұйым", "тағы"):
        assert len(kk_stem(word)) >= min(MIN_STEM, len(word)), word
    assert kk_stem("үйде") == "үйде"
    assert kk_stem("ұйым") == "ұйым"


def test_non_kazakh_words_are_left_alone() -> None:
    assert kk_stem("kostanai") == "kostanai"
    assert kk_stem("") == ""


def test_case_forms_follow_vowel_harmony_and_assimilation() -> None:
    assert kk_case_forms("шымкент") == ["шымкент", "шымкенттің", "шымкентті", "шымкентке", "шымкентте",
                                       "шымкенттен", "шымкентпен", "шымкенттегі"]
    forms = kk_case_forms("астана")
    assert {"астананың", "астанаға", "астанада", "астанадан", "астанамен", "астанадағы"} <= set(forms)
    assert set(kk_case_forms("облысы", possessive=True)) == {
        "облысы", "облысының", "облысын", "облысына", "облысында", "облысынан", "облысымен", "облысындағы"}
    assert kk_case_forms("") == []
