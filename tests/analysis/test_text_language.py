"""Language per sentence: the shortcuts (one search per script) decide as counting every letter
and word would, and the model's answers are cached by their exact input."""
from __future__ import annotations

import re

import pytest

from analysis.text import detect_language, normalise, sentence_languages, split_sentences
from analysis.text import language as lang
from analysis.text.language import KK_WORD_SHARE, MODEL_CACHE_SIZE, RU_FUNCTION_WORDS, _model, _model_language

_KK = "әғқңөұүһі"


def reference_language(text: str, min_size: int = 0) -> tuple[str | None, int]:
    """The rules of the module doc applied by counting every letter and word."""
    norm = normalise(text)
    words = norm.split()
    size = len(norm) - norm.count(" ")
    if not re.search(f"[{_KK}]", norm):
        cyr, latin = len(re.findall(f"[а-яё{_KK}]", norm)), len(re.findall("[a-z]", norm))
        if cyr == 0:
            return ("en" if latin else None), size
        if latin > cyr:
            return "en", size
        if len(RU_FUNCTION_WORDS & set(words)) >= 2:
            return "ru", size
    else:
        kk = sum(1 for w in words if any(ch in _KK for ch in w))
        cyr = sum(1 for w in words if re.search(f"[а-яё{_KK}]", w))
        latin = sum(1 for w in words if re.search("[a-z]", w) and not re.search(f"[а-яё{_KK}]", w))
        if latin > cyr:
            return "en", size
        if kk >= KK_WORD_SHARE * cyr:
            return "kk", size
    if size < min_size:
        return None, size
    return _model().classify(text[:lang.MODEL_CHARS])[0], size


TRICKY = (
    "Фонд «Қамқорлық» провёл акцию. The NGO's Qazaqstanда work 👍🏽 2024! ΣΟΦΊΑ σοφός. İstanbul'da "
    "қор ашылды.\nЖаңа жол — new road — новая дорога. Café naïve e\u0301te. 12 345. ӘҒҚ ҢӨҰ ҮҺІ. "
    "Қазақстан Kazakhstan Kazakh Republic 2024. Алматы қаласы 2024 жылы. Бул жерде жаксы адамдар турады. "
    "Ok. Мы в Алматы, and we like it a lot. In Almaty мы были с друзьями. x\ud800y ъ. қ"
)


@pytest.mark.parametrize("min_size", [0, lang.MIN_LETTERS])
def test_shortcuts_decide_as_counting_every_letter_and_word(min_size: int) -> None:
    chunks = [TRICKY[s.start:s.end] for s in split_sentences(TRICKY)]
    chunks += ["", "   ", "слово", "a", "қ", "Ы. Ы.", "Ақ Бота fund", "Ақ bota fund x", "қор 12 3 4 5 6",
               "Қазақ тілі мен орыс тілі", "Бул жерде қор жаксы адамдар турады деп айтты кала ауыл"]
    assert len(chunks) > 20
    for chunk in chunks:
        assert lang._classify(chunk, min_size=min_size) == reference_language(chunk, min_size), chunk


def test_sentence_languages_equal_the_rules_applied_sentence_by_sentence() -> None:
    text = ("Фонд провёл акцию в Алматы, и волонтёры раздали продукты пожилым людям. "
            "Қор Алматыда қайырымдылық шарасын өткізді. The foundation held a charity event. Да. "
            "Бүгін Астанада жиналыс болды. Қамқорлық фонды. Мен сені жақсы көремін, бірақ бұл жоба әлі "
            "аяқталмаған. Зачем это всё. Ok.")
    spans = split_sentences(text)
    got = sentence_languages(text)
    assert [(s.start, s.end) for s in got] == [(s.start, s.end) for s in spans]
    for s in got:
        chunk = text[s.start:s.end]
        if len(normalise(chunk).replace(" ", "")) >= lang.MIN_LETTERS:
            assert s.language == detect_language(chunk), chunk
    assert [s.language for s in got][:3] == ["ru", "kk", "en"]
    # "Да." and "Ok." are too short to judge: they follow the (Kazakh) majority
    assert got[3].language == got[-1].language == "kk"


def test_model_answers_are_cached_by_their_exact_input() -> None:
    sentence = "Бул жерде жаксы адамдар турады деп айтты"  # no Kazakh letter, no Russian function word
    _model_language.cache_clear()
    first = detect_language(sentence)
    info = _model_language.cache_info()
    assert (info.misses, info.hits, info.maxsize) == (1, 0, MODEL_CACHE_SIZE)
    again = detect_language(sentence)
    assert _model_language.cache_info().hits == 1
    assert first == again == _model().classify(sentence[:lang.MODEL_CHARS])[0]
    # a different input (here: case) is a different key, judged by the model afresh
    detect_language(sentence.upper())
    assert _model_language.cache_info().misses == 2


def test_cached_and_uncached_answers_agree_on_many_sentences() -> None:
    words = "бул жерде жаксы адамдар турады деп айтты кала ауыл мектеп улкен кишкентай жана ески".split()
    sentences = [" ".join(words[i:] + words[:i]).capitalize() for i in range(len(words))]
    _model_language.cache_clear()
    for _ in range(2):
        for s in sentences:
            assert detect_language(s) == _model().classify(s[:lang.MODEL_CHARS])[0]
    assert _model_language.cache_info().hits >= len(sentences)
