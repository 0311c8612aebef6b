"""Rule-based sentence splitting (no punkt data needed).

A boundary is a run of ``. ! ? …`` (optionally followed by closing quotes or brackets) and then
whitespace, or a line break. A full stop is *not* a boundary when the word before it is a known
abbreviation (``г.``, ``т.е.``, ``обл.``, ``ж.``, ``Mr.`` …) or a single letter (initials such as
``Н. Назарбаев``), or when the next word starts with a lower-case letter.
"""
from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Sentence", "split_sentences", "ABBREVIATIONS"]

#: Lower-case abbreviations (without their final dot) after which a full stop does not end a
#: sentence. Russian, Kazakh and English news usage.
ABBREVIATIONS = frozenset(
    """г гг т е к п д др пр им ул обл р н ст см стр млн млрд тыс руб тг долл ред прим рис табл
    изд т.е т.к т.д т.п т.н и.о вр.и.о проф акад доц канд зам нач пос с ж жж б.з.д ғ шақ мың
    сағ мин сек кв км м.б mr mrs ms dr prof inc ltd co corp jr sr st vs etc no fig jan feb mar
    apr jun jul aug sep sept oct nov dec янв фев февр мар апр авг сен сент окт нояб дек""".split()
)
#: ``[.!?…]+[\"'»”’)\]]*\s+|\n\s*`` written to start with one character class, which lets the
#: regular-expression engine skip to candidates (about four times faster; same matches).
_CANDIDATE = re.compile(r"[.!?…\n](?:(?<=\n)\s*|(?<!\n)[.!?…]*[\"'»”’)\]]*\s+)")


class Sentence(NamedTuple):
    """A sentence as a span of the original text (``end`` exclusive) and its language
    (``"kk"``, ``"ru"``, ``"en"`` or ``None`` when undetermined). Immutable; a named tuple
    because an article has dozens and a tuple is built several times faster than a frozen
    dataclass."""

    start: int
    end: int
    language: str | None = None

    def text_of(self, text: str) -> str:
        """The sentence's text, sliced from the document it was split from."""
        return text[self.start:self.end]


def _is_boundary(text: str, punct_start: int, punct: str, next_pos: int) -> bool:
    if punct[0] == "\n":
        return True
    if next_pos < len(text) and text[next_pos].islower():
        return False
    if punct[0] != "." or punct.startswith(".."):
        return True
    lo = max(0, punct_start - 24)
    space = max(text.rfind(" ", lo, punct_start), text.rfind("\n", lo, punct_start))
    word = text[space + 1:punct_start].lower().lstrip("(«\"'")
    last = word.rsplit(".", 1)[-1]
    if not word or word in ABBREVIATIONS or last in ABBREVIATIONS:
        return not word
    return not (len(last) == 1 and last.isalpha())


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences; returns spans with surrounding whitespace trimmed.

    Spans are in text order, non-overlapping, and never empty; text without any boundary gives
    one sentence. Raises nothing.
    """
    spans: list[Sentence] = []
    begin = 0
    for m in _CANDIDATE.finditer(text):
        if not _is_boundary(text, m.start(), m.group(), m.end()):
            continue
        _append(spans, text, begin, m.end())
        begin = m.end()
    _append(spans, text, begin, len(text))
    return spans


def _append(spans: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Sentence(start, end))
