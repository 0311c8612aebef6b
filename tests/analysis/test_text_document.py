"""Token streams: keys found in a stream map back to the tokens they cover, and the stem memo
gives the same stems as stemming afresh."""
from __future__ import annotations

import re

import pytest

from analysis.text import document, prepare
from analysis.text.document import build_stream, word_counts
from analysis.text.stemming import prefix_of, stem_keys

TEXT = ("Фонд «Болашақ» помог семьям в Астане. !!! Қор Алматыда шара өткізді. The Fund for Help "
        "did well. 42 — 7. Сотрудники фонда поддержки детей не пришли")


def reference_starts(stream: str) -> list[int]:
    """Offsets of the words of a stream, found by a regular expression."""
    return [m.start() for m in re.finditer(r"[^ \n]+", stream)]


def test_word_counts_equal_counting_word_starts() -> None:
    stream = build_stream([["a", "bb"], [], ["ccc"], ["d", "e", "f"]])
    assert stream == " a bb \n ccc \n d e f "
    starts = reference_starts(stream)
    positions = [p for p, ch in enumerate(stream) if ch != "\n"]
    got = word_counts(stream, reversed(positions))
    assert got == {p: sum(1 for s in starts if s <= p) for p in positions}
    assert build_stream([]) == build_stream([[], []]) == " " and word_counts(" ", [0]) == {0: 0}


def test_every_token_run_maps_back_to_its_tokens() -> None:
    doc = prepare(TEXT)
    assert len(doc.sentences) >= 5
    starts = reference_starts(doc.surface)
    ends = [s + len(w) for s, w in zip(starts, doc.words, strict=True)]
    keys, expected = [], []
    for first in range(len(doc.words)):
        for last in range(first, min(first + 4, len(doc.words))):
            if doc.token_sentence[first] == doc.token_sentence[last]:
                keys.append((starts[first] - 1, ends[last]))  # " w_first … w_last " incl. both spaces
                expected.append((first, last))
    assert doc.token_spans(doc.surface, keys) == expected


def test_stem_stream_with_and_without_the_memo() -> None:
    prefixes = frozenset({"фон", "под", "дет", "қор", "fun", "hel", "сем"})
    fresh, memoised = prepare(TEXT), prepare(TEXT)
    memo: dict[str, dict[str, str]] = {"ru": {}, "kk": {}}
    assert fresh.stem_stream(prefixes) == memoised.stem_stream(prefixes, memo)
    assert " фонд поддержка ребенок " in fresh.stem_stream(prefixes)
    assert memo["ru"]["семьям"] == stem_keys(["семьям"], "ru")[0]
    assert memo["ru"]["помог"] == "помог"  # prefix not in the set: passed through
    again = prepare(TEXT)
    assert again.stem_stream(prefixes, memo) == fresh.stem_stream(prefixes)


def test_a_stem_with_white_space_does_not_shift_token_indices(monkeypatch: pytest.MonkeyPatch) -> None:
    real = document.stem_keys
    monkeypatch.setattr(document, "stem_keys",
                        lambda words, *a, **k: [w.replace("фонд", "фо нд") for w in real(words, *a, **k)])
    doc = prepare(TEXT)
    # "фонда" must be stemmed whatever the stem cache holds: its prefix is in the set (a word whose
    # prefix is not is passed through unless an earlier run cached its stem; either is right there).
    stream = doc.stem_stream(frozenset({prefix_of("фонда")}))
    assert stream.count(" ") - stream.count("\n") == len(doc.words) + 1
    assert "фо\u00a0нд" in stream
    key = stream.rindex(" фо\u00a0нд ")  # the stem of "фонда", after the first sentence's "Фонд"
    assert doc.token_spans(stream, [(key, key + len(" фо\u00a0нд"))]) == [(doc.words.index("фонда"),) * 2]
