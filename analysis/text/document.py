"""A text prepared once for matching: sentences with languages, tokens, and the two token streams
(surface forms and stems) that the Aho-Corasick automata scan.

A stream is ``" t0 t1 t2 \\n t3 t4 "``: tokens joined by single spaces, sentences separated by a
newline no key contains, so a match never spans two sentences, and every key (``" a b "``) starts
and ends on a word boundary.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .language import document_language, sentence_languages
from .normalise import normalise
from .sentences import Sentence, split_sentences
from .stemming import stem_keys

__all__ = ["Document", "prepare", "build_stream", "flat_stream"]


def build_stream(groups: Iterable[Sequence[str]]) -> str:
    """Join per-sentence word lists into a stream (see module doc). Empty groups are allowed
    (they leave no trace)."""
    pieces = [" ".join(words) for words in groups if words]
    return " " + " \n ".join(pieces) + " " if pieces else " "


def flat_stream(tokens: Sequence[str], first: Sequence[int]) -> str:
    """The stream of ``tokens`` (all sentences' tokens in order) where sentence ``k`` starts at
    token ``first[k]`` (ascending): ``build_stream`` of the per-sentence lists, made by one join
    with the sentence separators put in the list instead of a join per sentence."""
    n = len(tokens)
    if not n:
        return " "
    out = list(tokens)
    prev = n
    for b in reversed(first):
        if 0 < b < prev:  # a sentence with tokens starts here, after one with tokens
            out.insert(b, "\n")
            prev = b
    return " " + " ".join(out) + " "


def word_counts(stream: str, positions: Iterable[int]) -> dict[int, int]:
    """For each offset ``p`` of ``stream`` (not of a newline), the number of words starting in
    ``stream[:p + 1]``.

    Every word follows exactly one space and every newline one space that no word follows, so this
    is the number of spaces minus newlines before ``p``: counted in one pass for all positions."""
    out: dict[int, int] = {}
    prev = words = 0
    for p in sorted(set(positions)):
        words += stream.count(" ", prev, p) - stream.count("\n", prev, p)
        out[p] = words
        prev = p
    return out


_TOKEN = re.compile(r"\S+")


@dataclass
class Document:
    """A prepared text. ``norm`` is ``normalise(text)`` (same length); ``words[i]`` is normalised
    token ``i`` and ``token_sentence[i]`` the index into ``sentences`` of its sentence;
    ``surface`` is the stream of normalised tokens. Token offsets
    (:meth:`span`) and the stem stream (:meth:`stem_stream`) are computed on first use."""

    text: str
    norm: str
    sentences: list[Sentence]
    words: list[str]
    token_sentence: list[int]
    sentence_first: list[int]
    surface: str
    language: str | None
    _spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    _stems: tuple[int, str] | None = field(default=None, repr=False)

    def span(self, i: int) -> tuple[int, int]:
        """Character offsets ``(start, end)`` of token ``i`` in ``text``. Raises ``IndexError``
        for a token index out of range."""
        si = self.token_sentence[i]
        spans = self._spans.get(si)
        if spans is None:
            s = self.sentences[si]
            spans = self._spans[si] = [m.span() for m in _TOKEN.finditer(self.norm, s.start, s.end)]
        return spans[i - self.sentence_first[si]]

    def stem_stream(self, prefixes: frozenset[str] | None = None,
                    memo: dict[str, dict[str, str]] | None = None) -> str:
        """The stream of token stems (mode chosen per sentence language). ``prefixes``: see
        :func:`~.stemming.stem_keys` (the stream is cached per prefix set); ``memo``: per mode,
        the word → key memo that goes with ``prefixes`` (see there). A stem containing white space
        (none of the stemmers makes one) has it replaced by U+00A0, so token counts stay exact."""
        key = id(prefixes)
        if self._stems is None or self._stems[0] != key:
            modes = ["kk" if s.language == "kk" else "ru" for s in self.sentences]
            first, words = self.sentence_first, self.words
            stems: list[str] = []
            i, n = 0, len(modes)
            while i < n:  # one call per run of sentences in the same mode
                mode, j = modes[i], i + 1
                while j < n and modes[j] == mode:
                    j += 1
                run = words if i == 0 and j == n else words[first[i]:first[j] if j < n else len(words)]
                stems += stem_keys(run, mode, prefixes, None if memo is None else memo[mode])
                i = j
            stream = flat_stream(stems, first)
            if stream.count(" ") - stream.count("\n") != len(words) + 1:
                stream = flat_stream([re.sub(r"\s", "\u00a0", stem) for stem in stems], first)
            self._stems = (key, stream)
        return self._stems[1]

    def token_spans(self, stream: str, keys: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """First and last token index covered by each key found at stream offsets
        ``[key_start, key_end]`` (inclusive: a key includes its boundary spaces)."""
        counts = word_counts(stream, [p for start, end in keys for p in (start + 1, end)])
        return [(counts[start + 1] - 1, counts[end] - 1) for start, end in keys]


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
    return Document(text, norm, spans, words, token_sentence, first, flat_stream(words, first), document_language(spans))
