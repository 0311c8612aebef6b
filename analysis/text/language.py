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

import re
import threading
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from .langid_fast import FastClassifier
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
_fast: FastClassifier | None = None


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


def _classifier() -> FastClassifier:
    """py3langid's ``classify`` of :func:`_model` by :class:`~.langid_fast.FastClassifier`."""
    global _fast
    model = _model()
    fast = _fast
    if fast is None or fast.identifier is not model:
        with _lock:
            fast = _fast = FastClassifier(model)
    return fast


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


_KK_LETTER = re.compile("[әғқңөұүһі]")
_CYR_LETTER = re.compile("[а-яёәғқңөұүһі]")
_LATIN_LETTER = re.compile("[a-z]")
_NOT_CYRILLIC = re.compile("[^ а-яёәғқңөұүһі]")
#: From a Kazakh letter to the end of its word: one match per word that has one.
_KK_WORD = re.compile(r"[әғқңөұүһі]\S*")
#: Distinct model inputs whose language is remembered (bounded LRU; syndicated copies and
#: boilerplate repeat sentences verbatim).
MODEL_CACHE_SIZE = 65_536


@lru_cache(maxsize=MODEL_CACHE_SIZE)
def _model_language(chunk: str) -> str:
    """py3langid's kk/ru decision for one model input (at most :data:`MODEL_CHARS` characters
    of original text); deterministic, so cached."""
    return _classifier().language(chunk)


def _word_scripts(words: list[str], norm: str) -> tuple[int, int, int]:
    """(words with a Cyrillic letter, words with Latin but no Cyrillic letters, words with a
    Kazakh letter) of a chunk's normalised ``words`` (``norm``: the chunk)."""
    if _NOT_CYRILLIC.search(norm) is None:  # Cyrillic words only: count the Kazakh ones
        return len(words), 0, len(_KK_WORD.findall(norm))
    cyr = latin = kk = 0
    for word in words:
        if not _KK.isdisjoint(word):
            cyr += 1
            kk += 1
        elif _CYR_LETTER.search(word):
            cyr += 1
        elif _LATIN_LETTER.search(word):
            latin += 1
    return cyr, latin, kk


def _classify(text: str, norm: str | None = None, *, min_size: int = 0,
              words: list[str] | None = None) -> tuple[str | None, int]:
    """(language or None, number of word characters) of one chunk of text; ``norm`` is its
    normalised form and ``words`` ``norm.split()`` when the caller has them. Chunks smaller than
    ``min_size`` are not given to the model (their language comes back ``None``). Letters are
    only counted when a sentence mixes Latin and Cyrillic; otherwise a search per script decides."""
    norm = normalise(text) if norm is None else norm
    words = norm.split() if words is None else words
    size = len(norm) - norm.count(" ")
    if _KK_LETTER.search(norm) is None:  # no Kazakh letter: compare letters
        has_latin = _LATIN_LETTER.search(norm) is not None
        if _CYR_LETTER.search(norm) is None:
            return ("en" if has_latin else None), size
        if has_latin and len(_LATIN_LETTER.findall(norm)) > len(_CYR_LETTER.findall(norm)):
            return "en", size
        if len(RU_FUNCTION_WORDS.intersection(words)) >= 2:
            return "ru", size
    else:  # compare words
        cyr, latin, kk = _word_scripts(words, norm)
        if latin > cyr:
            return "en", size
        if kk >= KK_WORD_SHARE * cyr:
            return "kk", size
    if size < min_size:
        return None, size
    return _model_language(text[:MODEL_CHARS]), size


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
    The model's answers are cached by their input (:data:`MODEL_CACHE_SIZE`), so a repeated
    sentence costs a look-up.
    """
    spans = split_sentences(text) if sentences is None else list(sentences)
    langs: list[str | None] = []
    weights: Counter[str] = Counter()
    for i, s in enumerate(spans):
        lang, letters = _classify(text[s.start:s.end], None if normalised is None else normalised[s.start:s.end],
                                  min_size=MIN_LETTERS, words=None if words is None else words[i])
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
