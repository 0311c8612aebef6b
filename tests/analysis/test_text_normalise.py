"""Normalisation keeps offsets; sentence splitting; language per sentence."""
from __future__ import annotations

from analysis.text import detect_language, normalise, sentence_languages, split_sentences, tokenise
from analysis.text.normalise import fold_kk, has_kk_letters


def test_normalise_keeps_length_and_folds_case_yo_and_punctuation() -> None:
    text = "Ёлка — «КНОК»: Nur-Sultan, 2024!"
    norm = normalise(text)
    assert len(norm) == len(text)
    assert norm.split() == ["елка", "кнок", "nur", "sultan", "2024"]


def test_normalise_keeps_length_when_lowercasing_changes_it() -> None:
    text = "İstanbul Қазақстан"
    assert len(normalise(text)) == len(text)
    assert normalise(text).split()[1] == "қазақстан"


def test_tokens_slice_the_original_text() -> None:
    text = "«Ақ Бота» қоры, Алматы.  The NGO's work"
    for tok in tokenise(text):
        assert normalise(text[tok.start:tok.end]) == tok.norm
    assert [t.norm for t in tokenise(text)][:3] == ["ақ", "бота", "қоры"]


def test_kazakh_letters_and_folding() -> None:
    assert has_kk_letters("Қазақстан") and not has_kk_letters("Казахстан")
    assert fold_kk("жақсы ұнады") == "жаксы унады"


def test_sentences_respect_abbreviations_initials_and_line_breaks() -> None:
    text = ("Встреча прошла в г. Алматы, т.е. в южной столице. Н. Назарбаев не пришёл! "
            "Карагандинская обл. тоже участвовала? Да.\nНовая строка без точки")
    got = [text[s.start:s.end] for s in split_sentences(text)]
    assert got == [
        "Встреча прошла в г. Алматы, т.е. в южной столице.",
        "Н. Назарбаев не пришёл!",
        "Карагандинская обл. тоже участвовала?",
        "Да.",
        "Новая строка без точки",
    ]


def test_split_sentences_of_empty_and_unpunctuated_text() -> None:
    assert split_sentences("") == []
    assert split_sentences("   ") == []
    [only] = split_sentences("  одно предложение без точки ")
    assert (only.start, only.end) == (2, 28)


def test_language_of_single_sentences() -> None:
    assert detect_language("Конфедерация неправительственных организаций провела встречу в Астане.") == "ru"
    assert detect_language("Қазақстанның үкіметтік емес ұйымдары кездесу өткізді.") == "kk"
    assert detect_language("The NGO held a meeting with donors in Kostanay.") == "en"
    assert detect_language("12 345 — 678") is None
    # Russian text quoting one Kazakh name stays Russian.
    assert detect_language("Фонд «Қамқорлық» провёл в городе большую благотворительную акцию для детей.") == "ru"


def test_language_per_sentence_in_a_mixed_text_and_short_sentences_follow_the_majority() -> None:
    text = ("Фонд провёл акцию в Алматы, и волонтёры раздали продукты пожилым людям. "
            "Қор Алматыда қайырымдылық шарасын өткізді. The foundation held a charity event. Да. "
            "Фонд помог семьям.")
    langs = [s.language for s in sentence_languages(text)]
    assert langs == ["ru", "kk", "en", "ru", "ru"]
