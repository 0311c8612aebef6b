"""Tone evaluation on public gold data: lexicon only (out of the box) and after training.

Data (never copied into the repository):
* RuSentNE-2023 ``nlp/rusentne2023/train_data.csv`` — TAB-separated ``sentence, entity,
  entity_tag, entity_pos_start_rel, entity_pos_end_rel, label`` (1/0/-1); ORGANIZATION rows are the
  closest match to NGO mentions;
* KazSAnDRA ``nlp/kazsandra/04_pc_valid.zip`` — ``custom_id, text, text_cleaned, label, domain``,
  polarity 0/1 mapped to -1/1 (whole-text tone, no target).

Each set is split (seeded) into train and validation parts; figures are on validation, per seed
and summarised (mean, min, max of macro-F1) over the seeds. The data
directory is ``--data`` or ``$SENIM_SHARED_DATA`` or ``../shared/data`` next to the repository.
Prints one JSON object.

    python benchmarks/tone_eval.py [--data DIR] [--seeds 13,14,15] [--valid 0.2]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.text import LabelledExample, evaluate, train  # noqa: E402 - after the sys.path line


def rusentne(path: Path) -> list[tuple[LabelledExample, str]]:
    """(example, entity tag) rows of the RuSentNE TSV; rows whose offsets do not slice the entity
    are located by search instead."""
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for row in reader:
            if len(row) < 6:
                continue
            sentence, entity, tag, start, end, label = row[:6]
            s, e = int(start), int(end)
            if sentence[s:e] != entity:
                i = sentence.find(entity)
                if i < 0:
                    continue
                s, e = i, i + len(entity)
            out.append((LabelledExample(sentence, entity, int(label), s, e, "ru"), tag))
    return out


def kazsandra(path: Path) -> list[LabelledExample]:
    """Whole-text Kazakh examples, polarity 0/1 → -1/1."""
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".csv"))
        text = zf.read(name).decode("utf-8-sig")
    rows = csv.DictReader(io.StringIO(text, newline=""))
    return [LabelledExample(r["text"], "", 1 if r["label"].strip() == "1" else -1, language="kk")
            for r in rows if (r.get("text") or "").strip()]


def split(items: list, seed: int, valid: float) -> tuple[list, list]:
    """Shuffle with ``seed`` and cut into (train, validation) with ``valid`` of the items last."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    cut = int(len(items) * (1 - valid))
    return [items[i] for i in order[:cut]], [items[i] for i in order[cut:]]


def brief(report: dict) -> dict:
    """The report without the ``sources`` count."""
    return {k: report[k] for k in ("n", "accuracy", "macro_f1", "per_label", "confusion")}


def run(ru_rows: list | None, kk_rows: list | None, seed: int, valid: float) -> dict:
    """Figures for one seeded split."""
    result: dict = {"seed": seed}
    if ru_rows is not None:
        t0 = time.perf_counter()
        tr, va = split(ru_rows, seed, valid)
        va_org = [ex for ex, tag in va if tag == "ORGANIZATION"]
        va_all = [ex for ex, _ in va]
        model = train([ex for ex, _ in tr])
        result["ru"] = {
            "train_n": len(tr),
            "lexicon": {"organization": brief(evaluate(None, va_org)), "all": brief(evaluate(None, va_all))},
            "trained": {"organization": brief(evaluate(model, va_org)), "all": brief(evaluate(model, va_all))},
            "seconds": round(time.perf_counter() - t0, 1),
        }
    if kk_rows is not None:
        t0 = time.perf_counter()
        tr_kk, va_kk = split(kk_rows, seed, valid)
        model = train(tr_kk)
        result["kk"] = {
            "train_n": len(tr_kk),
            "lexicon": brief(evaluate(None, va_kk)),
            "trained": brief(evaluate(model, va_kk)),
            "seconds": round(time.perf_counter() - t0, 1),
        }
    return result


def summary(runs: list[dict]) -> dict:
    """Macro-F1 per condition: mean, min and max over the seeds."""
    paths = {"ru_organization_lexicon": ("ru", "lexicon", "organization"),
             "ru_organization_trained": ("ru", "trained", "organization"),
             "ru_all_lexicon": ("ru", "lexicon", "all"), "ru_all_trained": ("ru", "trained", "all"),
             "kk_lexicon": ("kk", "lexicon"), "kk_trained": ("kk", "trained")}
    out = {}
    for name, path in paths.items():
        values = []
        for r in runs:
            node = r
            for key in path:
                node = node.get(key, {}) if isinstance(node, dict) else {}
            if "macro_f1" in node:
                values.append(node["macro_f1"])
        if values:
            out[name] = {"macro_f1_mean": round(sum(values) / len(values), 4), "min": min(values), "max": max(values)}
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the JSON object; returns the exit status."""
    default = os.environ.get("SENIM_SHARED_DATA") or str(ROOT.parent / "shared" / "data")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=default, help="shared data directory (default: %(default)s)")
    ap.add_argument("--seeds", default="13", help="comma-separated split seeds (default: %(default)s)")
    ap.add_argument("--valid", type=float, default=0.2, help="validation fraction")
    args = ap.parse_args(argv)
    data = Path(args.data)
    ru_path = data / "nlp" / "rusentne2023" / "train_data.csv"
    kk_path = data / "nlp" / "kazsandra" / "04_pc_valid.zip"
    ru_rows = rusentne(ru_path) if ru_path.exists() else None
    kk_rows = kazsandra(kk_path) if kk_path.exists() else None
    skipped = [str(p) for p, rows in ((ru_path, ru_rows), (kk_path, kk_rows)) if rows is None]
    result: dict = {"valid_fraction": args.valid, "skipped": skipped}
    runs = [run(ru_rows, kk_rows, int(seed), args.valid) for seed in args.seeds.split(",") if seed.strip()]
    result["summary"] = summary(runs)
    result["runs"] = runs
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
