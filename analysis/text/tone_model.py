"""The trainable tone model: TF-IDF word 1–2-grams + character 2–5-grams of the mention window
(the mention masked as one placeholder token), the words just left and right of the mention, the
lexicon's (or VADER's) score of the window and the window's language, into a class-balanced
logistic regression.

Training data are :class:`~.labelled.LabelledExample` objects — monitors' corrections and imported
gold labels. The model serialises to bytes (:meth:`ToneModel.to_bytes`); the caller stores them.
Unpickling runs code, so :meth:`ToneModel.from_bytes` must only be given bytes this project
produced and stored itself.
"""
from __future__ import annotations

import io
import pickle  # only ToneModel.to_bytes/from_bytes (trusted storage, see from_bytes)  # nosec B403
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from .labelled import LabelledExample, locate_target
from .language import detect_language
from .lexicon import score_words
from .sentences import split_sentences
from .vader import vader_compound
from .window import WINDOW_TOKENS, Window, make_window

__all__ = ["ToneModel", "train", "example_window", "MIN_EXAMPLES_PER_LANGUAGE", "MIN_TRAIN"]

#: The scorer uses the model for a language only if it saw at least this many examples of it.
MIN_EXAMPLES_PER_LANGUAGE = 30
#: Fewest examples :func:`train` accepts.
MIN_TRAIN = 10
FORMAT_VERSION = 1
_MAGIC = b"SENIM-TONE-MODEL/1\n"
_LANGS = ("kk", "ru", "en")
_NAMES = {-1: "negative", 0: "neutral", 1: "positive"}
_NEAR = 3


def example_window(example: LabelledExample, window_tokens: int = WINDOW_TOKENS) -> Window:
    """The window of a labelled example, built as the pipeline builds it for a mention: the
    sentence holding the target, clipped around it; the whole text for an empty target. Raises
    ``ValueError`` if the target does not occur in the text."""
    if not example.target:
        return make_window(example.text)
    span = (example.start, example.end)
    if span[0] is None or span[1] is None:
        found = locate_target(example.text, example.target)
        if found is None:
            raise ValueError(f"target {example.target!r} does not occur in the text")
        span = found
    start, end = int(span[0]), int(span[1])  # type: ignore[arg-type]
    for s in split_sentences(example.text):
        if s.start <= start < s.end:
            return make_window(example.text[s.start:s.end], start - s.start, min(end, s.end) - s.start,
                               window_tokens=window_tokens)
    return make_window(example.text, start, end, window_tokens=window_tokens)


def _near_text(window: Window) -> str:
    if window.target is None:
        return ""
    t = window.target
    left = window.words[max(0, t.start - _NEAR):t.start]
    right = window.words[t.stop:t.stop + _NEAR]
    return " ".join([f"l_{w}" for w in left] + [f"r_{w}" for w in right])


def _dense(window: Window, language: str | None) -> list[float]:
    if language in ("ru", "kk"):
        sc = score_words(window.words, language, skip=window.target, raw=window.raw)
        tone, pos, neg, negs = sc.tone, sc.positive, sc.negative, float(sc.negations > 0)
    elif language == "en":
        tone = vader_compound(window.masked)
        pos, neg, negs = max(tone, 0.0) * 3, max(-tone, 0.0) * 3, 0.0
    else:
        tone = pos = neg = negs = 0.0
    return [tone, min(pos, 6.0) / 3, min(neg, 6.0) / 3, negs] + [float(language == lang) for lang in _LANGS]


@dataclass
class ToneModel:
    """A fitted model. ``classes``: the labels it can predict; ``languages``: training examples
    per language; ``n_train``: examples trained on."""

    word_vec: TfidfVectorizer
    char_vec: TfidfVectorizer
    near_vec: TfidfVectorizer
    clf: LogisticRegression
    classes: tuple[int, ...]
    languages: dict[str, int]
    n_train: int
    window_tokens: int = WINDOW_TOKENS
    version: int = FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def covers(self, language: str | None) -> bool:
        """True if the model saw at least :data:`MIN_EXAMPLES_PER_LANGUAGE` examples of it."""
        return language is not None and self.languages.get(language, 0) >= MIN_EXAMPLES_PER_LANGUAGE

    def _features(self, windows: Sequence[Window], languages: Sequence[str | None]) -> sparse.csr_matrix:
        texts = [w.model_text() for w in windows]
        dense = sparse.csr_matrix(np.array([_dense(w, lang) for w, lang in zip(windows, languages, strict=True)]))
        return sparse.hstack([self.word_vec.transform(texts), self.char_vec.transform(texts),
                              self.near_vec.transform([_near_text(w) for w in windows]), dense], format="csr")

    def predict(self, windows: Sequence[Window], languages: Sequence[str | None]) -> list[tuple[float, str]]:
        """(tone, label) per window: tone = P(positive) − P(negative) in −1…1, label the most
        probable class's name. Raises ``ValueError`` if the sequences differ in length."""
        if len(windows) != len(languages):
            raise ValueError("windows and languages must have the same length")
        if not windows:
            return []
        proba = self.clf.predict_proba(self._features(windows, languages))
        idx = {int(c): i for i, c in enumerate(self.clf.classes_)}
        out = []
        for row in proba:
            tone = (row[idx[1]] if 1 in idx else 0.0) - (row[idx[-1]] if -1 in idx else 0.0)
            out.append((float(tone), _NAMES[int(self.clf.classes_[int(row.argmax())])]))
        return out

    def to_bytes(self) -> bytes:
        """Serialise: a format tag followed by the zlib-compressed pickle of the fitted objects
        (a model trained on ~6,600 sentences takes about 2 MB)."""
        buf = io.BytesIO()
        pickle.dump(self, buf, protocol=pickle.HIGHEST_PROTOCOL)
        return _MAGIC + zlib.compress(buf.getvalue(), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> ToneModel:
        """Load bytes written by :meth:`to_bytes` — trusted storage only. Raises ``ValueError``
        if they do not hold a :class:`ToneModel` of a known format version."""
        if not data.startswith(_MAGIC):
            raise ValueError("not a stored tone model (unknown format)")
        try:
            obj = pickle.loads(zlib.decompress(data[len(_MAGIC):]))  # noqa: S301 - our own stored model  # nosec B301
        except Exception as exc:  # noqa: BLE001 - any failure means a bad blob
            raise ValueError(f"not a stored tone model: {type(exc).__name__}") from None
        if not isinstance(obj, cls) or obj.version != FORMAT_VERSION:
            raise ValueError("not a stored tone model of this version")
        return obj


def train(examples: Iterable[LabelledExample], *, window_tokens: int = WINDOW_TOKENS, C: float = 1.0) -> ToneModel:
    """Fit a :class:`ToneModel` on labelled examples (languages detected where not given).

    Raises ``ValueError`` with fewer than :data:`MIN_TRAIN` examples, fewer than two distinct
    labels, or an example whose target is not in its text.
    """
    items = list(examples)
    if len(items) < MIN_TRAIN:
        raise ValueError(f"need at least {MIN_TRAIN} labelled examples, got {len(items)}")
    labels = [ex.label for ex in items]
    if len(set(labels)) < 2:
        raise ValueError("need examples of at least two different labels")
    windows = [example_window(ex, window_tokens) for ex in items]
    languages = [ex.language or detect_language(w.raw or ex.text) for ex, w in zip(items, windows, strict=True)]
    min_df = 1 if len(items) < 500 else 2
    model = ToneModel(
        word_vec=TfidfVectorizer(analyzer="word", token_pattern=r"\S+", ngram_range=(1, 2), min_df=min_df,
                                 sublinear_tf=True, lowercase=False, dtype=np.float32),
        char_vec=TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=min_df, sublinear_tf=True,
                                 lowercase=False, max_features=300_000, dtype=np.float32),
        near_vec=TfidfVectorizer(analyzer="word", token_pattern=r"\S+", min_df=1, lowercase=False,
                                 dtype=np.float32),
        clf=LogisticRegression(C=C, class_weight="balanced", max_iter=5000),
        classes=tuple(sorted(set(labels))),
        languages=dict(Counter(lang or "und" for lang in languages)),
        n_train=len(items),
        window_tokens=window_tokens,
    )
    texts = [w.model_text() for w in windows]
    model.word_vec.fit(texts)
    model.char_vec.fit(texts)
    near = [_near_text(w) for w in windows]
    model.near_vec.fit(near if any(near) else ["l_none"])
    model.clf.fit(model._features(windows, languages), np.array(labels))
    return model
