"""Language per sentence (kk / ru / en) and per document.

Rules first, model second: a sentence whose Cyrillic words contain Kazakh-specific letters
(ә ғ қ ң ө ұ ү һ і) in at least :data:`KK_WORD_SHARE` of them is Kazakh; a sentence with Latin but
no Cyrillic letters is English (Latin-script Kazakh is out of scope: py3langid misreads it too);
a Cyrillic sentence with no Kazakh letter and two Russian function words is Russian; any other
Cyrillic sentence goes to py3langid restricted to kk and ru, loaded once per process
from the model file the package ships (no download). Very short sentences take the document's
majority language.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .normalise import normalise
from .sentences import Sentence, split_sentences

__all__ = ["LANGUAGES", "KK_WORD_SHARE", "MODEL_CACHE_SIZE", "detect_language", "sentence_languages",
           "document_language"]

LANGUAGES = ("kk", "ru", "en")
#: Share of Cyrillic words with a Kazakh-specific letter above which a sentence is Kazakh
#: without asking the model (Russian text quoting one Kazakh name stays below it).
KK_WORD_SHARE = 0.2
#: Sentences with fewer word characters than this take the document's majority language.
MIN_LETTERS = 12

_lock = threading.Lock()
_identifier: Any = None


def _model() -> Any:
    """The py3langid identifier restricted to kk/ru, created on first use (about 0.6 s)."""
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                ident.set_languages(["kk", "ru"])
                _identifier = ident
    return _identifier


#: Characters of a sentence the model reads (its cost grows with length;
#: on RuSentNE and KazSAnDRA sentences 100 characters decide as well as the whole text).
MODEL_CHARS = 100
_KK = frozenset("әғқңөұүһі")
#: Russian function words that Kazakh, even typed without its own letters, does not use: a
#: Cyrillic sentence with no Kazakh letter and two different ones of these is Russian without asking
#: the model
#: (true of 83 % of RuSentNE sentences and 1 % of KazSAnDRA's letterless, often code-mixed texts).
RU_FUNCTION_WORDS = frozenset(
    "и в во на что с со по для из от к ко об это как за при также или но же бы был была были было "
    "только уже его ее их он она они мы вы".split()
)


#: Script class of each code point below U+0500 (0 other, 1 Latin a–z, 2 Cyrillic а–я ё,
#: 3 Kazakh-specific Cyrillic); higher code points are "other".
_SCRIPT = np.zeros(0x500, dtype=np.uint8)
_SCRIPT[ord("a"):ord("z") + 1] = 1
_SCRIPT[ord("а"):ord("я") + 1] = 2
_SCRIPT[ord("ё")] = 2
_SCRIPT[[ord(ch) for ch in _KK]] = 3
#: Distinct model inputs whose language is remembered (bounded LRU; syndicated copies and
#: boilerplate repeat sentences verbatim).
MODEL_CACHE_SIZE = 65_536


@lru_cache(maxsize=MODEL_CACHE_SIZE)
def _model_language(chunk: str) -> str:
    """py3langid's kk/ru decision for one model input (at most :data:`MODEL_CHARS` characters
    of original text); deterministic, so cached."""
    return str(_model().classify(chunk)[0])


def _script_counts(norm: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, ...]]:
    """Per ``(start, end)`` span of the normalised text: Cyrillic letters (incl. Kazakh ones),
    Latin letters, Kazakh-specific letters, non-space characters, and words (space-separated,
    within the span) with a Cyrillic letter, with Latin but no Cyrillic letters, with a Kazakh
    letter. One numpy pass over the text instead of regular expressions and loops per sentence;
    overlapping or unordered spans are counted one by one."""
    if not spans:
        return []
    n = len(norm)
    starts = np.fromiter((min(max(a, 0), n) for a, _ in spans), dtype=np.intp, count=len(spans))
    ends = np.fromiter((min(max(b, 0), n) for _, b in spans), dtype=np.intp, count=len(spans))
    if len(spans) > 1 and (starts[1:] < ends[:-1]).any():
        return [_script_counts(norm[a:b], [(0, b - a)])[0] for a, b in spans]
    cp = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cls = np.take(_SCRIPT, cp, mode="clip")  # code points past the table are "other"
    filled = cp != 32
    chars = np.zeros((4, n + 1), dtype=np.int32)
    np.cumsum(np.stack([cls >= 2, cls == 1, cls == 3, filled]), axis=1, out=chars[:, 1:])
    # words: runs of non-space characters, also cut where a span starts or ends
    head, tail = filled.copy(), filled.copy()
    head[1:] &= ~filled[:-1]
    tail[:-1] &= ~filled[1:]
    edges = np.concatenate([starts, ends])
    edges = edges[(edges > 0) & (edges < n)]
    head[edges] = filled[edges]
    tail[edges - 1] = filled[edges - 1]
    word_at, word_end = np.flatnonzero(head), np.flatnonzero(tail) + 1
    has = (chars[:3, word_end] - chars[:3, word_at]) > 0  # per word: a Cyrillic, Latin, Kazakh letter
    has[1] &= ~has[0]
    words = np.zeros((3, len(word_at) + 1), dtype=np.int32)
    np.cumsum(has, axis=1, out=words[:, 1:])
    w0, w1 = np.searchsorted(word_at, starts), np.searchsorted(word_at, ends)
    rows = np.concatenate([chars[:, ends] - chars[:, starts], words[:, w1] - words[:, w0]])
    return list(zip(*rows.tolist(), strict=True))


def _decide(text: str, words: list[str], counts: tuple[int, ...], min_size: int) -> str | None:
    """Language of one chunk from its original ``text``, normalised ``words`` and
    :func:`_script_counts`; chunks smaller than ``min_size`` are not given to the model
    (``None``)."""
    cyr, latin, kk_letters, size, cyr_words, latin_words, kk_words = counts
    if not kk_letters:  # no Kazakh letter at all: compare letters
        if cyr == 0:
            return "en" if latin else None
        if latin > cyr:
            return "en"
        if len(RU_FUNCTION_WORDS.intersection(words)) >= 2:
            return "ru"
    else:  # compare words
        if latin_words > cyr_words:
            return "en"
        if kk_words >= KK_WORD_SHARE * cyr_words:
            return "kk"
    if size < min_size:
        return None
    return _model_language(text[:MODEL_CHARS])


def _classify(text: str, norm: str | None = None, *, min_size: int = 0,
              words: list[str] | None = None) -> tuple[str | None, int]:
    """(language or None, number of word characters) of one chunk of text; ``norm`` is its
    normalised form and ``words`` ``norm.split()`` when the caller has them. Chunks smaller than
    ``min_size`` are not given to the model (their language comes back ``None``)."""
    norm = normalise(text) if norm is None else norm
    counts = _script_counts(norm, [(0, len(norm))])[0]
    return _decide(text, norm.split() if words is None else words, counts, min_size), counts[3]


def detect_language(text: str) -> str | None:
    """Language of one sentence or short text: ``"kk"``, ``"ru"``, ``"en"``, or ``None`` when it
    has no Latin or Cyrillic words. Words are judged by script (a word with a Kazakh letter is
    Kazakh-Cyrillic); the model reads the first :data:`MODEL_CHARS` characters. Raises nothing."""
    return _classify(text)[0]


def sentence_languages(text: str, sentences: Sequence[Sentence] | None = None, *,
                       normalised: str | None = None, words: Sequence[list[str]] | None = None) -> list[Sentence]:
    """Return the sentences of ``text`` (split here unless given) with ``language`` set.
    ``normalised`` may pass ``normalise(text)`` and ``words`` each sentence's normalised words
    when the caller already has them.

    Short sentences (< :data:`MIN_LETTERS` word characters) and those without letters take the
    majority language of the others (weighted by size); ``None`` only if no sentence has a language.
    Letters are counted for all sentences in one pass; the model's answers are cached by their
    input (:data:`MODEL_CACHE_SIZE`), so a repeated sentence costs a look-up.
    """
    spans = split_sentences(text) if sentences is None else list(sentences)
    norm = normalise(text) if normalised is None else normalised
    counts = _script_counts(norm, [(s.start, s.end) for s in spans])
    langs: list[str | None] = []
    weights: Counter[str] = Counter()
    for i, s in enumerate(spans):
        chunk_words = norm[s.start:s.end].split() if words is None else words[i]
        letters = counts[i][3]
        lang = _decide(text[s.start:s.end], chunk_words, counts[i], MIN_LETTERS)
        langs.append(lang if letters >= MIN_LETTERS else None)
        if lang is not None:
            weights[lang] += letters
    if not weights and spans:  # only short sentences: let the model judge the whole text
        whole = detect_language(text[spans[0].start:spans[-1].end])
        return [Sentence(s.start, s.end, lang or whole) for s, lang in zip(spans, langs, strict=True)]
    majority = weights.most_common(1)[0][0] if weights else None
    return [Sentence(s.start, s.end, lang or majority) for s, lang in zip(spans, langs, strict=True)]


def document_language(sentences: Sequence[Sentence]) -> str | None:
    """Majority language of a document's sentences, weighted by sentence length in characters.
    ``None`` when no sentence has a language."""
    weights: Counter[str] = Counter()
    for s in sentences:
        if s.language:
            weights[s.language] += s.end - s.start
    return weights.most_common(1)[0][0] if weights else None
