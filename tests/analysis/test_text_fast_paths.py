"""The fast paths of the text pipeline give exactly what the plain implementations give."""
from __future__ import annotations

import random

import pytest

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


def _mixed_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = ("жители жалуются на задержки выплат и нехватку специалистов в сельской местности "
             "тұрғындар ауылдық жерлерде мамандардың жетіспеушілігіне шағымданады мен сени жаксы коремин "
             "бул жерде кызмет жок ауыл мектеп КАЗАХСТАН Алматы the project 2024 😀 — «»").split()
    return ["".join(rng.choice([" ", " ", ", "]) + rng.choice(words) for _ in range(rng.randint(0, 25)))[:100]
            for _ in range(n)]


def test_fast_language_classifier_decides_as_py3langid() -> None:
    from analysis.text.langid_fast import FastClassifier
    from analysis.text.language import _model

    model = _model()
    fast = FastClassifier(model)
    assert fast.fast
    for text in _mixed_texts(3000, 5) + ["", " ", "x", "\ud800", "ПРИВЕТ МИР"]:
        assert fast.language(text) == model.classify(text)[0], text
        assert fast._classify(text) == tuple(model.classify(text))


def test_fast_language_classifier_defers_to_py3langid_outside_two_languages() -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from analysis.text.langid_fast import FastClassifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(["kk", "ru", "en"])
    fast = FastClassifier(ident)
    assert not fast.fast
    assert fast.language("The project started in Almaty") == ident.classify("The project started in Almaty")[0]


def test_fast_language_classifier_survives_a_full_state_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.text import langid_fast
    from analysis.text.language import _model

    model = _model()
    monkeypatch.setattr(langid_fast, "TABLE_STATES", 40)  # cleared often; long texts walk py3langid's array
    fast = langid_fast.FastClassifier(model)
    assert fast.fast
    texts = _mixed_texts(300, 9)
    for text in texts + [" ".join(texts[:20])]:
        assert fast.language(text) == model.classify(text)[0]
        assert fast._classify(text) == tuple(model.classify(text))


def _reference_shingles(words: list[str]) -> frozenset[int]:
    from zlib import crc32

    h = [crc32(w.encode("utf-8")) for w in words]
    if not h:
        return frozenset()
    if len(h) < 3:
        h = (h + [0, 0])[:3]
    return frozenset(((a * 0x9E3779B1) ^ (b * 0x85EBCA77) ^ (c * 0xC2B2AE3D)) >> 11 & 0xFFFFFFFF
                     for a, b, c in zip(h, h[1:], h[2:]))


def test_shingles_from_the_joined_text_equal_the_formula() -> None:
    from analysis.text.dedup import SAMPLE_MIN, fingerprint, shingles

    rng = random.Random(11)
    pool = ["қазақстан", "фонд", "the", "2024", "ёлка", "a", "", "two words", "😀", "ü"]
    lists = [[rng.choice(pool) for _ in range(rng.randint(0, 600))] for _ in range(200)]
    lists += [[], ["one"], ["one", "two"], [""], ["", ""], ["a b", ""], ["a b", "", ""]]
    for words in lists:
        ref = _reference_shingles(words)
        assert shingles(words) == ref
        fp = fingerprint(1, "", words=words)
        assert fp.shingles == ref
        assert fp.sample == (ref if len(ref) < SAMPLE_MIN else frozenset(s for s in ref if not s & 3))


def test_sentence_candidates_match_the_plain_pattern() -> None:
    import re

    from analysis.text.sentences import _CANDIDATE

    plain = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+|\n\s*")
    rng = random.Random(5)
    pool = ".!?…\n \t\"'»”’)]aA1 Бб\u00a0\u2028\r\x0b\x1c.."
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 60)))
        assert [m.span() for m in plain.finditer(text)] == [m.span() for m in _CANDIDATE.finditer(text)], text


def test_tone_windows_from_the_article_normalisation_equal_those_from_the_sentence() -> None:
    from analysis.text import AliasIndex, ToneScorer, find_mentions, prepare
    from analysis.text.pipeline import _with_tones
    from tests.analysis.test_text_mentions import CNOK

    index = AliasIndex.build(CNOK)
    scorer = ToneScorer()
    texts = ["КНОК провела прекрасную акцию ΟΔΟΣ ΣΑΣ. Эксперты раскритиковали КНОК за провал.",
             "İstanbul: CNOK did a wonderful job! ΣΑΣ. Residents accused CNOK of fraud.",
             "Жители благодарят КНОК. " * 10 + "ΣΙΣ КНОК не помогла."]
    for text in texts:
        doc = prepare(text)
        mentions = find_mentions(doc, index)
        assert mentions
        assert _with_tones(mentions, scorer, {"text": doc.norm}) == _with_tones(mentions, scorer)


def test_kazakh_word_count_by_pattern_equals_the_count_by_word() -> None:
    from analysis.text.language import _KK, _word_scripts

    rng = random.Random(8)
    pool = list("абвқәіүұөңғһ ") + ["  ", "ё", "қазақ", "и"]
    for _ in range(5000):
        norm = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        words = norm.split()
        assert _word_scripts(words, norm) == (len(words), 0, sum(1 for w in words if not _KK.isdisjoint(w)))


def test_vader_with_direct_punctuation_look_ups_scores_as_nltk() -> None:
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    from analysis.text import vader

    analyzer = vader._vader()
    assert vader._polarity.__func__ is not SentimentIntensityAnalyzer.polarity_scores  # the fast path is on
    rng = random.Random(3)
    marks = list("!?.,;:-'\"()[]…«»") + ["!!", "?!", ":)", ":(", ":D", "<3", "--", "...", "!?!"]
    words = ("good bad not very kind of but GREAT terrible the Org didn't can't fraud amazing love hate never "
             "wonderful help no").split()
    for _ in range(3000):
        tokens = []
        for _ in range(rng.randint(0, 25)):
            w = rng.choice(words)
            w = (rng.choice(marks) if rng.random() < 0.3 else "") + w + (rng.choice(marks) if rng.random() < 0.3 else "")
            tokens.append(rng.choice(marks) if rng.random() < 0.1 else w)
        text = " ".join(tokens)
        assert vader._polarity(text) == analyzer.polarity_scores(text), text


def test_fast_language_classifier_is_safe_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from analysis.text import langid_fast
    from analysis.text.language import _model

    model = _model()
    monkeypatch.setattr(langid_fast, "TABLE_STATES", 300)  # states are added and cleared while others walk
    fast = langid_fast.FastClassifier(model)
    texts = _mixed_texts(2000, 13)
    expected = [model.classify(t)[0] for t in texts]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(fast.language, texts))
    assert got == expected


def test_shingle_arrays_count_what_the_sets_intersect() -> None:
    import numpy as np

    from analysis.text.dedup import common_count, cosine, fingerprint, shingle_array

    rng = random.Random(13)
    vocab = [f"w{i}" for i in range(300)]
    fps = [fingerprint(i, " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 700)))) for i in range(60)]
    for fp in fps:
        arr = shingle_array(fp)
        assert arr.dtype == np.uint32 and arr.tolist() == sorted(fp.shingles)
    for a, b in zip(fps, fps[1:] + fps[:1], strict=True):
        n = common_count(shingle_array(a), shingle_array(b))
        assert n == len(a.shingles & b.shingles) == common_count(shingle_array(b), shingle_array(a))
        if a.shingles and b.shingles:
            assert n / (len(a.shingles) * len(b.shingles)) ** 0.5 == cosine(a.shingles, b.shingles)


def test_a_fingerprint_builds_its_shingle_set_only_when_read() -> None:
    from dataclasses import replace

    from analysis.text.dedup import Fingerprint, fingerprint

    text = " ".join(f"слово{i}" for i in range(400))
    fp = fingerprint(1, text, group_id=None)
    assert fp.__dict__["_shingle_set"] is None  # a long text: only the array so far
    moved = fp.relabelled(7, 3)
    assert moved.__dict__["_shingle_set"] is None and (moved.article_id, moved.group, moved.sample) == (7, 3, fp.sample)
    assert moved.shingles == fp.shingles and len(fp.shingles) == 398
    assert moved == replace(fp, article_id=7, group_id=3)
    plain = Fingerprint(1, None, fp.content_hash, None, set(fp.shingles))
    assert plain == fp and hash(plain) == hash(fp) and isinstance(plain.shingles, frozenset)


def test_the_index_on_arrays_finds_the_most_similar_set_as_cosine_measures_it() -> None:
    from datetime import date, timedelta

    from analysis.text import DuplicateIndex
    from analysis.text.dedup import Fingerprint, cosine, fingerprint

    rng = random.Random(17)
    vocab = [f"w{i}" for i in range(1500)]
    texts: list[str] = []
    for _ in range(400):
        if texts and rng.random() < 0.3:  # an edited copy of an earlier text, or a cut one
            words = rng.choice(texts).split()
            for j in rng.sample(range(len(words)), len(words) // rng.randint(3, 12)):
                words[j] = rng.choice(vocab)
            texts.append(" ".join(words[: rng.randint(len(words) // 2, len(words))]))
        else:
            texts.append(" ".join(rng.choice(vocab) for _ in range(rng.choice((20, 150, 400, 900)))))
    arrays, sets = DuplicateIndex(), DuplicateIndex()
    fps: list[Fingerprint] = []
    found = 0
    for i, text in enumerate(texts):
        day = date(2026, 1, 1) + timedelta(days=i // 20)
        if i % 20 == 0:
            assert arrays.prune(day - timedelta(days=7)) == sets.prune(day - timedelta(days=7))
        fp = fingerprint(i, text, published=day)
        hand = Fingerprint(i, None, fp.content_hash, day, frozenset(fp.shingles), None, fp.sample)
        got = arrays.add(fp)
        assert got == sets.add(hand)
        live = [c for c in fps if c.published >= day - timedelta(days=7)]  # not pruned yet
        best = max((cosine(fp.shingles, c.shingles) for c in live), default=0.0)
        if got is not None and got.reason == "shingles":
            found += 1
            assert got.similarity == round(cosine(fp.shingles, fps[got.article_id].shingles), 4)
            assert got.similarity == round(best, 4)
        elif got is None:
            assert best < 0.5
        fps.append(fp)
    assert arrays.groups() == sets.groups() and found > 50


def test_flat_streams_equal_the_per_sentence_joins() -> None:
    from analysis.text.document import build_stream, flat_stream

    rng = random.Random(19)
    for _ in range(3000):
        groups = [[rng.choice(["a", "бб", "ccc", "\u00a0x"]) for _ in range(rng.choice((0, 0, 1, 2, 5)))]
                  for _ in range(rng.randint(0, 8))]
        tokens = [t for g in groups for t in g]
        first = [sum(map(len, groups[:k])) for k in range(len(groups))]
        assert flat_stream(tokens, first) == build_stream(groups)


def test_stem_streams_by_runs_of_one_mode_equal_stems_per_sentence() -> None:
    from analysis.text.document import build_stream, prepare
    from analysis.text.stemming import stem_keys

    rng = random.Random(23)
    pool = ["Фонд поддержки детей помог семьям.", "Қор балаларға көмек көрсетті.", "The fund helped families.",
            "Ұйым өкілдері жоспарлар туралы айтты.", "Балалар қорының өкілдері.", "!!!", "Жители жалуются."]
    prefixes = frozenset({"фон", "под", "дет", "қор", "бал", "fun", "ұйы", "жал"})
    memo: dict[str, dict[str, str]] = {"ru": {}, "kk": {}}
    for _ in range(300):
        doc = prepare(" ".join(rng.choice(pool) for _ in range(rng.randint(0, 9))))
        bounds = [*doc.sentence_first, len(doc.words)]
        per_sentence = [stem_keys(doc.words[bounds[k]:bounds[k + 1]], "kk" if s.language == "kk" else "ru", prefixes)
                        for k, s in enumerate(doc.sentences)]
        assert doc.stem_stream(prefixes, memo) == build_stream(per_sentence)
        assert doc.surface == build_stream([doc.words[bounds[k]:bounds[k + 1]] for k in range(len(doc.sentences))])


def test_the_character_walk_emits_the_byte_walk_features(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.text import langid_fast
    from analysis.text.language import _model

    model = _model()
    texts = _mixed_texts(2000, 29) + ["", "x", "\ud800 и \udc00", "😀 ёлка Ё", "ПРИВЕТ МИР", "ﬁ café"]
    for states, steps in ((langid_fast.TABLE_STATES, langid_fast.CHAR_STEPS), (300, 50)):
        monkeypatch.setattr(langid_fast, "TABLE_STATES", states)  # small: tables cleared while walking
        monkeypatch.setattr(langid_fast, "CHAR_STEPS", steps)
        fast = langid_fast.FastClassifier(model)
        assert fast.fast
        for text in texts:
            data = model._encode(text)
            with fast._lock:
                assert fast._walk_chars(data.decode("utf-8", "surrogatepass"), data) == fast._walk(data)
            assert fast._features(data) == fast._walk(data)
            assert fast.language(text) == model.classify(text)[0]


def test_mentions_built_directly_equal_the_dataclass_built_ones() -> None:
    from dataclasses import fields, replace

    from analysis.text import AliasIndex, AliasRecord, Gazetteer, find_mentions
    from analysis.text.mentions import Mention

    index = AliasIndex.build([AliasRecord(1, "Фонд поддержки детей", "name", "ru"), AliasRecord(1, "ФПД", "abbreviation")])
    gazetteer = Gazetteer.build([{"code": "KZ-75", "name_en": "Almaty", "name_ru": "город Алматы",
                                  "name_kk": "Алматы қаласы", "variants": ["Алматы"]}])
    found = find_mentions("ФПД помог детям в Алматы. Фонда поддержки детей в Алматы не было.", index, gazetteer)
    assert len(found) == 4
    for m in found:
        plain = Mention(**{f.name: getattr(m, f.name) for f in fields(Mention)})
        assert m == plain and repr(m) == repr(plain) and hash(m) == hash(plain)
        assert list(vars(m)) == [f.name for f in fields(Mention)]
        toned = m.with_tone(-0.5, "negative", "lexicon")
        assert toned == replace(m, tone=-0.5, label="negative", tone_source="lexicon") and m.tone is None
