"""Tone signs in three languages, negation, masking of the mention, thresholds."""
from __future__ import annotations

import pytest

from analysis.text import LEXICON_THRESHOLD, VADER_THRESHOLD, ToneScorer
from analysis.text.lexicon import load_lexicon, score_words
from analysis.text.tone import label_for, label_value
from analysis.text.window import PLACEHOLDER, TARGET_TOKEN, make_window


@pytest.fixture(scope="module")
def scorer() -> ToneScorer:
    return ToneScorer()


def tone_of(scorer: ToneScorer, text: str, target: str, language: str | None = None) -> tuple[float, str, str]:
    start = text.index(target)
    t = scorer.score(text, start, start + len(target), language)
    return t.value, t.label, t.source


@pytest.mark.parametrize(("text", "target", "label"), [
    ("Фонд оказал большую помощь пострадавшим семьям.", "Фонд", "positive"),
    ("Волонтёры фонда успешно провели акцию, жители благодарны.", "фонда", "positive"),
    ("Руководство фонда обвинили в мошенничестве и коррупции.", "фонда", "negative"),
    ("Фонд не помог пострадавшим семьям.", "Фонд", "negative"),
    ("Фонд не нарушал закон.", "Фонд", "positive"),
    ("Фонд провёл заседание в среду.", "Фонд", "neutral"),
    ("На работу фонда поступила жалоба, выплаты задерживаются.", "фонда", "negative"),
])
def test_russian_lexicon_signs(scorer: ToneScorer, text: str, target: str, label: str) -> None:
    value, got, source = tone_of(scorer, text, target)
    assert (got, source) == (label, "lexicon"), value


@pytest.mark.parametrize(("text", "target", "label"), [
    ("Қор отбасыларға көп көмек көрсетті, рахмет!", "Қор", "positive"),
    ("Қордың жетістігі туралы жақсы жаңалық.", "Қордың", "positive"),
    ("Қор отбасыларға көмектескен жоқ.", "Қор", "negative"),
    ("Қор көмектеспеді.", "Қор", "negative"),
    ("Қорға қатысты сыбайлас жемқорлық фактілері анықталды.", "Қорға", "negative"),
    ("Қордың жұмысы жақсы емес.", "Қордың", "negative"),
    ("Қор жиналыс өткізді.", "Қор", "neutral"),
    ("Қорға шағым түсті, алаяқтық бойынша тексеру басталды.", "Қорға", "negative"),
])
def test_kazakh_lexicon_signs(scorer: ToneScorer, text: str, target: str, label: str) -> None:
    value, got, source = tone_of(scorer, text, target)
    assert (got, source) == (label, "lexicon"), value


@pytest.mark.parametrize(("text", "label"), [
    ("The foundation did a wonderful job helping flood victims.", "positive"),
    ("The foundation did not help anyone and wasted the money.", "negative"),
    ("The foundation held its annual meeting on Tuesday.", "neutral"),
])
def test_english_by_vader(scorer: ToneScorer, text: str, label: str) -> None:
    value, got, source = tone_of(scorer, text, "foundation")
    assert (got, source) == (label, "vader"), value


def test_the_mention_itself_does_not_carry_tone(scorer: ToneScorer) -> None:
    text = "Фонд помощи детям провёл заседание."
    assert tone_of(scorer, text, "Фонд помощи детям")[1] == "neutral"
    assert tone_of(scorer, "Wonderful Help Foundation met on Monday.", "Wonderful Help Foundation")[1] == "neutral"
    window = make_window(text, 0, 17)
    assert window.masked.startswith(PLACEHOLDER) and window.model_text().startswith(TARGET_TOKEN)


def test_window_is_clipped_around_the_mention() -> None:
    words = " ".join(f"слово{i}" for i in range(40))
    text = f"{words} КНОК {words}"
    start = text.index("КНОК")
    w = make_window(text, start, start + 4, window_tokens=5)
    assert w.words == [f"слово{i}" for i in range(35, 40)] + ["кнок"] + [f"слово{i}" for i in range(5)]
    assert w.target == range(5, 6)
    with pytest.raises(ValueError):
        make_window(text, 0, 10_000)
    with pytest.raises(ValueError):
        make_window("a , b", 1, 3)


def test_negation_intensifiers_and_contrast_change_the_score() -> None:
    plain = score_words(["фонд", "помог"], "ru").tone
    negated = score_words(["фонд", "не", "помог"], "ru").tone
    stronger = score_words(["очень", "хороший", "фонд"], "ru").tone
    assert plain > 0 > negated
    assert stronger > score_words(["хороший", "фонд"], "ru").tone
    mixed = score_words(["фонд", "помог", "но", "скандал"], "ru")
    assert mixed.tone < 0 and mixed.hits == 2
    assert score_words(["көмексіз", "қалды"], "kk").tone < 0  # privative -сыз negates
    assert score_words(["жаксы", "унады"], "kk").tone > 0  # Kazakh typed without its letters
    assert score_words(["👍"], "kk", raw="👍").tone > 0


def test_lexicons_are_substantial_and_unknown_languages_are_refused() -> None:
    for lang in ("ru", "kk"):
        lex = load_lexicon(lang)
        assert len(lex.exact) + len(lex.prefixes) >= 200
    with pytest.raises(ValueError):
        load_lexicon("de")


def test_thresholds_and_labels() -> None:
    assert (VADER_THRESHOLD, LEXICON_THRESHOLD) == (0.05, 0.2)
    assert label_for(0.2, LEXICON_THRESHOLD) == "positive"
    assert label_for(0.19, LEXICON_THRESHOLD) == "neutral"
    assert label_for(-0.05, VADER_THRESHOLD) == "negative"
    assert [label_value(x) for x in ("negative", "neutral", "positive")] == [-1, 0, 1]


def test_whole_text_and_unknown_language(scorer: ToneScorer) -> None:
    assert scorer.score("Great work. Terrible management. Wonderful people!").source == "vader"
    assert scorer.score("Фонд молодец, спасибо за помощь!").label == "positive"
    unknown = scorer.score("12345 !!!")
    assert (unknown.value, unknown.label) == (0.0, "neutral")
