"""Evaluation of tone scoring against labelled examples: accuracy, macro-F1, per-label precision
and recall, confusion matrix.

``macro_f1`` averages F1 over the labels present in the gold data (DESIGN.md §3); a label never
predicted has precision 0.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from .labelled import LabelledExample
from .language import detect_language
from .tone import ToneScorer, label_value
from .tone_model import ToneModel, example_window

__all__ = ["evaluate", "classification_report"]

_NAMES = {-1: "negative", 0: "neutral", 1: "positive"}


def classification_report(gold: Sequence[int], predicted: Sequence[int]) -> dict[str, Any]:
    """Metrics of ``predicted`` against ``gold`` labels (-1/0/1): ``n``, ``accuracy``,
    ``macro_f1``, ``per_label`` (by name: precision, recall, f1, support), ``confusion``
    (``labels`` and ``matrix`` with gold rows and predicted columns). Raises ``ValueError`` when
    the lengths differ or a label is not -1/0/1."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted must have the same length")
    if any(x not in _NAMES for x in (*gold, *predicted)):
        raise ValueError("labels must be -1, 0 or 1")
    labels = [-1, 0, 1]
    matrix = [[0, 0, 0] for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[g + 1][p + 1] += 1
    per_label: dict[str, dict[str, float]] = {}
    present = sorted(set(gold))
    for lab in labels:
        tp = matrix[lab + 1][lab + 1]
        pred_n = sum(row[lab + 1] for row in matrix)
        gold_n = sum(matrix[lab + 1])
        precision = tp / pred_n if pred_n else 0.0
        recall = tp / gold_n if gold_n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[_NAMES[lab]] = {"precision": round(precision, 4), "recall": round(recall, 4),
                                  "f1": round(f1, 4), "support": gold_n}
    n = len(gold)
    macro = sum(per_label[_NAMES[lab]]["f1"] for lab in present) / len(present) if present else 0.0
    return {
        "n": n,
        "accuracy": round(sum(g == p for g, p in zip(gold, predicted, strict=True)) / n, 4) if n else 0.0,
        "macro_f1": round(macro, 4),
        "per_label": per_label,
        "confusion": {"labels": labels, "matrix": matrix},
    }


def evaluate(model: ToneModel | bytes | None, examples: Iterable[LabelledExample]) -> dict[str, Any]:
    """Score ``examples`` with ``model`` (``None``: lexicon and VADER only) and compare with their
    labels. Returns :func:`classification_report` plus ``sources`` (how many windows each method
    scored). Raises ``ValueError`` for an example whose target is not in its text."""
    items = list(examples)
    scorer = ToneScorer(model)
    window_tokens = scorer.model.window_tokens if scorer.model is not None else scorer.window_tokens
    windows = [example_window(ex, window_tokens) for ex in items]
    languages = [ex.language or detect_language(w.raw or ex.text) for ex, w in zip(items, windows, strict=True)]
    tones = scorer.score_windows(windows, languages)
    report = classification_report([ex.label for ex in items], [label_value(t.label) for t in tones])
    report["sources"] = dict(Counter(t.source for t in tones))
    return report
