"""English tone by NLTK's VADER with the lexicon file the ``vaderSentiment`` package ships.

NLTK 3.10 only accepts a lexicon path relative to ``nltk.data.path``, so the package's directory is
appended to that path and ``lexicon_file="vader_lexicon.txt"`` is resolved there. Nothing is
downloaded. VADER's cost grows with the square of the text length, so callers pass a sentence or a
mention window; :func:`vader_compound` clips anything longer than :data:`MAX_CHARS`.

NLTK's ``SentiText`` builds, for every text, a dictionary of every word joined to every
punctuation mark before and after it (``",cat"`` → ``cat``, ``"cat!!"`` → ``cat``) only to look
its tokens up. :class:`_FastSentiText` answers the same look-ups directly: a word never contains
ASCII punctuation once NLTK has removed it, so a token can only be a word plus its whole leading
or trailing punctuation run, and that run must be one of NLTK's marks. The analyzer runs NLTK's own
``polarity_scores`` code with that class; a self-check on sample texts at load falls back to
NLTK's class if the two ever disagree.
"""
from __future__ import annotations

import pathlib
import re
import string
import threading
import types
from typing import Any

__all__ = ["vader_compound", "MAX_CHARS"]

MAX_CHARS = 1500
_lock = threading.Lock()
_analyzer: Any = None
_polarity: Any = None
_SELF_CHECK = ("The Org did a wonderful job helping families in Almaty!!", "Not good... at all?!", "GREAT work, :) ok",
               "don't trust Org, it's a fraud!!!", "\"Amazing\" -- said nobody.", "kind of bad, but very GOOD!?",
               "!!!", "a", "Org's staff were rude; residents complained.", "no, not bad at all :(")
_DELETE_PUNCTUATION = str.maketrans("", "", string.punctuation)


def _fast_senti_text(base: type) -> type:
    """A subclass of NLTK's ``SentiText`` with the look-ups described in the module doc."""
    marks = frozenset(_vader_constants().PUNC_LIST)
    if not set("".join(marks)) <= set(string.punctuation):
        raise ValueError("NLTK's punctuation marks changed")

    class FastSentiText(base):  # type: ignore[misc, valid-type]
        def _words_and_emoticons(self) -> list[str]:
            words_only = {w for w in self.text.translate(_DELETE_PUNCTUATION).split() if len(w) > 1}
            wes = [we for we in self.text.split() if len(we) > 1]
            for i, we in enumerate(wes):
                word = we.rstrip(string.punctuation)
                if len(word) < len(we) and we[len(word):] in marks and word in words_only:
                    wes[i] = word
                    continue
                word = we.lstrip(string.punctuation)
                if len(word) < len(we) and we[:len(we) - len(word)] in marks and word in words_only:
                    wes[i] = word
            return wes

    return FastSentiText


def _vader_constants() -> Any:
    from nltk.sentiment.vader import VaderConstants

    return VaderConstants


def _polarity_scores(analyzer: Any) -> Any:
    """NLTK's ``polarity_scores`` function run with :func:`_fast_senti_text`'s class, or NLTK's
    bound method when the self-check disagrees or NLTK's internals differ."""
    try:
        from nltk.sentiment import vader as module

        if module.SentimentIntensityAnalyzer.polarity_scores.__code__.co_freevars:
            raise ValueError("unexpected closure")
        pattern = getattr(_vader_constants().REGEX_REMOVE_PUNCTUATION, "pattern", None)
        if pattern != f"[{re.escape(string.punctuation)}]":
            raise ValueError("NLTK's punctuation pattern changed")
        original = module.SentimentIntensityAnalyzer.polarity_scores
        scope = dict(vars(module), SentiText=_fast_senti_text(module.SentiText))
        fast = types.FunctionType(original.__code__, scope, original.__name__, original.__defaults__)
        if all(fast(analyzer, t) == analyzer.polarity_scores(t) for t in _SELF_CHECK):
            return types.MethodType(fast, analyzer)
    except (AttributeError, ImportError, TypeError, ValueError):
        pass
    return analyzer.polarity_scores


def _vader() -> Any:
    global _analyzer, _polarity
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                import nltk
                import vaderSentiment

                folder = str(pathlib.Path(vaderSentiment.__file__).parent)
                if folder not in nltk.data.path:
                    nltk.data.path.append(folder)
                from nltk.sentiment.vader import SentimentIntensityAnalyzer

                analyzer = SentimentIntensityAnalyzer(lexicon_file="vader_lexicon.txt")
                _polarity = _polarity_scores(analyzer)
                _analyzer = analyzer
    return _analyzer


def vader_compound(text: str) -> float:
    """VADER's compound score (−1…1) of ``text`` (clipped to its first :data:`MAX_CHARS`
    characters). Raises ``LookupError`` only if the vaderSentiment package lacks its lexicon."""
    if not text.strip():
        return 0.0
    analyzer = _vader()
    polarity = _polarity if _polarity is not None and getattr(_polarity, "__self__", None) is analyzer \
        else analyzer.polarity_scores
    return float(polarity(text[:MAX_CHARS])["compound"])
