"""A text prepared once for matching: sentences with languages, tokens, and the two token streams
(surface forms and stems) that the Aho-Corasick automata scan.

A stream is ``" t0 t1 t2 \\n t3 t4 "``: tokens joined by single spaces, sentences separated by a
newline no key contains, so a match never spans two sentences, and every key (``" a b "``) starts
and ends on a word boundary.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from operator import add

from .language import document_language, sentence_languages
from .normalise import normalise
from .sentences import Sentence, split_sentences
from .stemming import stem_keys

__all__ = ["Document", "prepare", "build_stream"]


def build_stream(groups: Sequence[Sequence[str]]) -> tuple[str, list[int]]:
    """Join per-sentence word lists into a stream (see module doc) and return it with each
    word's start offset (words numbered across sentences). Empty groups are allowed."""
    starts: list[int] = []
    pieces: list[str] = []
    base = 1
    for words in groups:
        if not words:
            continue
        cum = accumulate(map(len, words), initial=base)
        starts.extend(map(add, cum, range(len(words))))
        piece = " ".join(words)
        pieces.append(piece)
        base += len(piece) + 3
    if not pieces:
        return " ", []
    return " " + " \n ".join(pieces) + " ", starts


_TOKEN = re.compile(r"\S+")


@dataclass
class Document:
    """A prepared text. ``norm`` is ``normalise(text)`` (same length); ``words[i]`` is normalised
    token ``i`` and ``token_sentence[i]`` the index into ``sentences`` of its sentence;
    ``surface``/``surface_starts`` is the stream of normalised tokens. Token offsets
    (:meth:`span`) and the stem stream (:meth:`stem_stream`) are computed on first use."""

    text: str
    norm: str
    sentences: list[Sentence]
    words: list[str]
    token_sentence: list[int]
    sentence_first: list[int]
    surface: str
    surface_starts: list[int]
    language: str | None
    _spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    _stems: tuple[int, str, list[int]] | None = field(default=None, repr=False)

    def span(self, i: int) -> tuple[int, int]:
        """Character offsets ``(start, end)`` of token ``i`` in ``text``. Raises ``IndexError``
        for a token index out of range."""
        si = self.token_sentence[i]
        spans = self._spans.get(si)
        if spans is None:
            s = self.sentences[si]
            spans = self._spans[si] = [m.span() for m in _TOKEN.finditer(self.norm, s.start, s.end)]
        return spans[i - self.sentence_first[si]]

    def stem_stream(self, prefixes: frozenset[str] | None = None) -> tuple[str, list[int]]:
        """The stream of token stems (mode chosen per sentence language) and their offsets.
        ``prefixes``: see :func:`~.stemming.stem_keys` (the stream is cached per prefix set)."""
        key = id(prefixes)
        if self._stems is None or self._stems[0] != key:
            groups = []
            for si, s in enumerate(self.sentences):
                a = self.sentence_first[si]
                b = self.sentence_first[si + 1] if si + 1 < len(self.sentences) else len(self.words)
                mode = "kk" if s.language == "kk" else "ru"
                groups.append(stem_keys(self.words[a:b], mode, prefixes) if b > a else [])
            self._stems = (key, *build_stream(groups))
        return self._stems[1], self._stems[2]

    def token_span(self, starts: list[int], key_start: int, key_end: int) -> tuple[int, int]:
        """First and last token index covered by a key found at stream offsets
        ``[key_start, key_end]`` (inclusive, key includes its boundary spaces)."""
        return bisect_right(starts, key_start + 1) - 1, bisect_right(starts, key_end - 1) - 1


def prepare(text: str, *, sentences: Sequence[Sentence] | None = None) -> Document:
    """Split, detect languages, normalise and tokenise ``text`` for mention matching.

    ``sentences`` may pass spans that already carry languages. Raises nothing; empty text gives a
    document without tokens.
    """
    norm = normalise(text)
    spans = split_sentences(text) if sentences is None else list(sentences)
    groups = [norm[s.start:s.end].split() for s in spans]
    if sentences is None:
        spans = sentence_languages(text, spans, normalised=norm, words=groups)
    words: list[str] = []
    token_sentence: list[int] = []
    first: list[int] = []
    for si, chunk in enumerate(groups):
        first.append(len(words))
        words.extend(chunk)
        token_sentence.extend([si] * len(chunk))
    surface, starts = build_stream(groups)
    return Document(text, norm, spans, words, token_sentence, first, surface, starts, document_language(spans))
