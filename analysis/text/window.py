"""The text around a mention that its tone is judged from.

A window is the mention's sentence clipped to :data:`WINDOW_TOKENS` tokens either side of the
mention. The mention itself is masked: for VADER it becomes a neutral placeholder word in the
original text, for the lexicon it is skipped, and for the model it becomes the token
:data:`TARGET_TOKEN` — so an NGO called "Fund for Help" is not praised by its own name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .normalise import normalise

__all__ = ["WINDOW_TOKENS", "TARGET_TOKEN", "PLACEHOLDER", "Window", "make_window"]

WINDOW_TOKENS = 12
#: Longest text (in tokens) scored when there is no target (tone of a whole text).
MAX_TOKENS = 400
TARGET_TOKEN = "qtargetq"
PLACEHOLDER = "Org"
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Window:
    """``raw``: the window's original text; ``masked``: the same with the mention replaced by
    :data:`PLACEHOLDER`; ``words``: normalised tokens of the window; ``target``: the range of
    ``words`` indices covered by the mention (``None`` when judging a whole text)."""

    raw: str
    masked: str
    words: list[str]
    target: range | None

    def model_text(self) -> str:
        """The words with the mention replaced by :data:`TARGET_TOKEN` (the model's input)."""
        if self.target is None:
            return " ".join(self.words)
        t = self.target
        return " ".join([*self.words[:t.start], TARGET_TOKEN, *self.words[t.stop:]])


def make_window(text: str, start: int | None = None, end: int | None = None, *,
                window_tokens: int = WINDOW_TOKENS, normalised: str | None = None) -> Window:
    """Build the window of the mention ``text[start:end]`` (``text`` is its sentence or any text
    containing it); with ``start``/``end`` ``None`` the whole text (first :data:`MAX_TOKENS`
    tokens). ``normalised`` may pass ``normalise(text)`` when the caller has it. Raises
    ``ValueError`` if the span is outside the text or covers no token."""
    norm = normalise(text) if normalised is None or len(normalised) != len(text) else normalised
    spans = [m.span() for m in _TOKEN.finditer(norm)]  # tokens as (start, end), no Token objects
    if start is None or end is None:
        spans = spans[:MAX_TOKENS]
        raw = text[spans[0][0]:spans[-1][1]] if spans else ""
        return Window(raw, raw, [norm[a:b] for a, b in spans], None)
    if not 0 <= start < end <= len(text):
        raise ValueError(f"mention span {start}:{end} is outside a text of {len(text)} characters")
    inside = [i for i, (a, b) in enumerate(spans) if a < end and b > start]
    if not inside:
        raise ValueError(f"mention span {start}:{end} covers no word")
    first, last = inside[0], inside[-1]
    lo, hi = max(0, first - window_tokens), min(len(spans) - 1, last + window_tokens)
    a, b = spans[lo][0], spans[hi][1]
    raw = text[a:b]
    m_start, m_end = min(start, spans[first][0]), max(end, spans[last][1])
    masked = text[a:m_start] + PLACEHOLDER + text[m_end:b]
    return Window(raw, masked, [norm[x:y] for x, y in spans[lo:hi + 1]], range(first - lo, last - lo + 1))
