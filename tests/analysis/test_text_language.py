"""Language per sentence: the one-pass letter and word counts equal a plain per-sentence count,
and the model's answers are cached by their exact input."""
from __future__ import annotations

import re

import pytest

from analysis.text import detect_language, normalise, sentence_languages, split_sentences
from analysis.text import language as lang
from analysis.text.language import MODEL_CACHE_SIZE, _model, _model_language, _script_counts

_KK = "әғқңөұүһі"


def reference_counts(norm: str) -> tuple[int, ...]:
    """The counts of one chunk as the rules define them, one regular expression at a time."""
    words = norm.split()
    kk_words = [w for w in words if any(ch in _KK for ch in w)]
    cyr_words = [w for w in words if re.search(f"[а-яё{_KK}]", w)]
    latin_words = [w for w in words if re.search("[a-z]", w) and w not in cyr_words]
    return (len(re.findall(f"[а-яё{_KK}]", norm)), len(re.findall("[a-z]", norm)),
            len(re.findall(f"[{_KK}]", norm)), len(norm) - norm.count(" "),
            len(cyr_words), len(latin_words), len(kk_words))


TRICKY = (
    "Фонд «Қамқорлық» провёл акцию. The NGO's Qazaqstanда work 👍🏽 2024! ΣΟΦΊΑ σοφός. İstanbul'da "
    "қор ашылды.\nЖаңа жол — new road — новая дорога. Café naïve e\u0301te. 12 345. ӘҒҚ ҢӨҰ ҮҺІ."
)


@pytest.mark.parametrize("text", [TRICKY, "", "   ", "слово", "a", "Ы. Ы. Ы.", "x\ud800y ъ. қ"])
def test_one_pass_counts_equal_a_count_per_sentence(text: str) -> None:
    norm = normalise(text)
    spans = [(s.start, s.end) for s in split_sentences(text)]
    assert _script_counts(norm, spans) == [reference_counts(norm[a:b]) for a, b in spans]


def test_counts_of_spans_that_cut_words_overlap_or_leave_gaps() -> None:
    norm = normalise(TRICKY)
    for spans in ([(0, 7), (7, 30), (45, 60)], [(3, 40), (20, 50)], [(50, 80), (0, 10)], [(5, 5)],
                  [(0, len(norm))], [(len(norm) - 3, len(norm) + 10)]):
        assert _script_counts(norm, spans) == [reference_counts(norm[a:b]) for a, b in spans], spans


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
