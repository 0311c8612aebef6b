"""Smoke checks on the shared public gold data (skipped when ../shared/data is absent).

The full figures come from ``benchmarks/tone_eval.py``; these only check that the readers work and
that the out-of-the-box lexicon beats trivial baselines on a small seeded sample.
"""
from __future__ import annotations

import importlib.util
import os
import random
from pathlib import Path
from types import ModuleType

import pytest

from analysis.text import evaluate

ROOT = Path(__file__).resolve().parents[2]


def shared_data() -> Path:
    return Path(os.environ.get("SENIM_SHARED_DATA") or ROOT.parent / "shared" / "data")


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tone_eval_bench", ROOT / "benchmarks" / "tone_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


def test_rusentne_reader_and_lexicon_beats_the_majority_class(bench: ModuleType) -> None:
    rows = bench.rusentne(need(shared_data() / "nlp" / "rusentne2023" / "train_data.csv"))
    assert len(rows) > 6000
    for ex, _ in rows[:200]:
        assert ex.text[ex.start:ex.end] == ex.target
    org = [ex for ex, tag in rows if tag == "ORGANIZATION"]
    sample = random.Random(1).sample(org, 300)
    report = evaluate(None, sample)
    # Always answering "neutral" scores macro-F1 ≈ 0.28 here.
    assert report["macro_f1"] > 0.35, report


def test_kazsandra_reader_and_lexicon_beats_constant_answers(bench: ModuleType) -> None:
    rows = bench.kazsandra(need(shared_data() / "nlp" / "kazsandra" / "04_pc_valid.zip"))
    assert len(rows) > 15000 and {ex.label for ex in rows} == {-1, 1}
    sample = random.Random(1).sample(rows, 400)
    report = evaluate(None, sample)
    # Always answering "positive" scores macro-F1 ≈ 0.45 here.
    assert report["macro_f1"] > 0.5, report
