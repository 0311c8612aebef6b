"""English tone by NLTK's VADER with the lexicon file the ``vaderSentiment`` package ships.

NLTK 3.10 only accepts a lexicon path relative to ``nltk.data.path``, so the package's directory is
appended to that path and ``lexicon_file="vader_lexicon.txt"`` is resolved there. Nothing is
downloaded. VADER's cost grows with the square of the text length, so callers pass a sentence or a
mention window; :func:`vader_compound` clips anything longer than :data:`MAX_CHARS`.
"""
from __future__ import annotations

import pathlib
import threading
from typing import Any

__all__ = ["vader_compound", "MAX_CHARS"]

MAX_CHARS = 1500
_lock = threading.Lock()
_analyzer: Any = None


def _vader() -> Any:
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                import nltk
                import vaderSentiment

                folder = str(pathlib.Path(vaderSentiment.__file__).parent)
                if folder not in nltk.data.path:
                    nltk.data.path.append(folder)
                from nltk.sentiment.vader import SentimentIntensityAnalyzer

                _analyzer = SentimentIntensityAnalyzer(lexicon_file="vader_lexicon.txt")
    return _analyzer


def vader_compound(text: str) -> float:
    """VADER's compound score (−1…1) of ``text`` (clipped to its first :data:`MAX_CHARS`
    characters). Raises ``LookupError`` only if the vaderSentiment package lacks its lexicon."""
    if not text.strip():
        return 0.0
    return float(_vader().polarity_scores(text[:MAX_CHARS])["compound"])
