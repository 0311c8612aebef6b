"""Tone of a mention (or of a whole text), −1…1, and its label.

Which method scores a window:

1. the trained model (:mod:`.tone_model`) when one is given and it was trained on at least
   ``MIN_EXAMPLES_PER_LANGUAGE`` examples of the window's language — source ``"model"``;
   tone = P(positive) − P(negative), label = the most probable class;
2. otherwise English by VADER — source ``"vader"``; label thresholds ±:data:`VADER_THRESHOLD`
   (0.05, the VADER authors' convention);
3. otherwise Russian and Kazakh by the project's lexicon — source ``"lexicon"``; label thresholds
   ±:data:`LEXICON_THRESHOLD` (0.2: one weak word, weight ≤ 0.75, alone stays neutral).

Windows: see :mod:`.window`. A text whose language cannot be told gets tone 0, neutral.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .language import detect_language
from .lexicon import score_words
from .sentences import split_sentences
from .vader import vader_compound
from .window import WINDOW_TOKENS, Window, make_window

if TYPE_CHECKING:
    from .tone_model import ToneModel

__all__ = ["LABELS", "VADER_THRESHOLD", "LEXICON_THRESHOLD", "Tone", "ToneScorer", "label_for", "label_value"]

LABELS = ("negative", "neutral", "positive")
VADER_THRESHOLD = 0.05
LEXICON_THRESHOLD = 0.2


def label_for(tone: float, threshold: float) -> str:
    """``"positive"`` if tone ≥ threshold, ``"negative"`` if tone ≤ −threshold, else neutral."""
    if tone >= threshold:
        return "positive"
    if tone <= -threshold:
        return "negative"
    return "neutral"


def label_value(label: str) -> int:
    """-1, 0 or 1 for negative, neutral, positive. Raises ``ValueError`` for another label."""
    return LABELS.index(label) - 1


@dataclass(frozen=True, slots=True)
class Tone:
    """``value`` in −1…1, ``label`` negative | neutral | positive, ``source`` model | vader |
    lexicon, ``language`` the language the window was judged in."""

    value: float
    label: str
    source: str
    language: str | None


class ToneScorer:
    """Scores mention windows. ``model`` is a trained :class:`~.tone_model.ToneModel` (or its
    bytes) or ``None`` for the lexicon and VADER only."""

    def __init__(self, model: ToneModel | bytes | None = None, *, window_tokens: int = WINDOW_TOKENS) -> None:
        if isinstance(model, (bytes, bytearray)):
            from .tone_model import ToneModel

            model = ToneModel.from_bytes(bytes(model))
        self.model = model
        self.window_tokens = window_tokens

    def score(self, text: str, start: int | None = None, end: int | None = None,
              language: str | None = None) -> Tone:
        """Tone of the mention ``text[start:end]`` judged from its window in ``text`` (its
        sentence), or of the whole ``text`` when ``start``/``end`` are ``None``. ``language``
        (kk | ru | en) is detected from the window when not given. Raises ``ValueError`` for a
        span outside the text."""
        if start is None or end is None:
            return self.score_text(text, language)
        window = make_window(text, start, end, window_tokens=self.window_tokens)
        return self.score_windows([window], [language or detect_language(window.raw)])[0]

    def score_text(self, text: str, language: str | None = None) -> Tone:
        """Tone of a whole text without a target. English is scored sentence by sentence by VADER
        (mean compound); other languages over the text's first 400 words."""
        lang = language or detect_language(text)
        if lang == "en" and not (self.model is not None and self.model.covers("en")):
            scores = [vader_compound(text[s.start:s.end]) for s in split_sentences(text)]
            value = sum(scores) / len(scores) if scores else 0.0
            return Tone(value, label_for(value, VADER_THRESHOLD), "vader", lang)
        return self.score_windows([make_window(text)], [lang])[0]

    def score_windows(self, windows: Sequence[Window], languages: Sequence[str | None]) -> list[Tone]:
        """Tones of prepared windows (batching the model's predictions). Raises ``ValueError``
        when the two sequences differ in length."""
        if len(windows) != len(languages):
            raise ValueError("windows and languages must have the same length")
        out: list[Tone | None] = [None] * len(windows)
        model = self.model
        if model is not None:
            todo = [i for i, lang in enumerate(languages) if lang is not None and model.covers(lang)]
            if todo:
                preds = model.predict([windows[i] for i in todo], [languages[i] for i in todo])
                for i, (value, label) in zip(todo, preds, strict=True):
                    out[i] = Tone(value, label, "model", languages[i])
        for i, (window, lang) in enumerate(zip(windows, languages, strict=True)):
            if out[i] is None:
                out[i] = self._fallback(window, lang)
        return out  # type: ignore[return-value]

    @staticmethod
    def _fallback(window: Window, lang: str | None) -> Tone:
        if lang == "en":
            value = vader_compound(window.masked)
            return Tone(value, label_for(value, VADER_THRESHOLD), "vader", lang)
        if lang in ("ru", "kk"):
            value = score_words(window.words, lang, skip=window.target, raw=window.raw).tone
            return Tone(value, label_for(value, LEXICON_THRESHOLD), "lexicon", lang)
        return Tone(0.0, "neutral", "lexicon", lang)
