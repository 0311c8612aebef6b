"""``senim tone train`` and ``senim tone evaluate``."""
from __future__ import annotations

import json

from models import Setting, ToneExample, db

POS = ["Фонд «Береке» помог семьям, и жители благодарят Фонд «Береке» за отличную работу.",
       "Благодаря организации «Шапагат» дети получили прекрасные подарки.",
       "Волонтёры ассоциации «Нур» успешно провели яркий праздник."]
NEG = ["Фонд «Береке» обвиняют в мошенничестве и провале проекта.",
       "Организация «Шапагат» сорвала сроки, жители возмущены.",
       "Ассоциацию «Нур» критикуют за коррупцию и нарушения."]
NEU = ["Фонд «Береке» провёл заседание в среду.", "Организация «Шапагат» сообщила о новом адресе офиса.",
       "Ассоциация «Нур» опубликовала отчёт за год."]
TARGETS = ["Фонд «Береке»", "«Шапагат»", "«Нур»"]


def _csv(path, n=5):
    rows = ["text,target,label"]
    for k in range(n):
        for texts, label in ((POS, 1), (NEG, -1), (NEU, 0)):
            for text, target in zip(texts, TARGETS):
                t = f"{text} Выпуск {k}."
                rows.append(f"\"{t}\",\"{target if target in t else ''}\",{label}")
    path.write_text("\n".join(rows), encoding="utf-8")
    return path


def test_evaluate_prints_one_json_object(runner, db, tmp_path):
    result = runner.invoke(args=["tone", "evaluate", "--data", str(_csv(tmp_path / "gold.csv", 1))])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 9 and 0 <= report["accuracy"] <= 1 and 0 <= report["macro_f1"] <= 1
    assert report["model"] == "lexicon"


def test_train_stores_model_then_evaluate_uses_it(runner, db, tmp_path):
    result = runner.invoke(args=["tone", "train", "--data", str(_csv(tmp_path / "gold.csv"))])
    assert result.exit_code == 0, result.output
    assert db.session.get(Setting, "tone_model") is not None
    assert db.session.query(ToneExample).count() == 45
    report = json.loads(runner.invoke(args=["tone", "evaluate", "--data", str(tmp_path / "gold.csv")]).output)
    assert report["model"] == "trained" and report["n"] == 45


def test_bad_files_exit_nonzero(runner, db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("text,target,label\nхорошо,,7\n", encoding="utf-8")
    for args in (["tone", "evaluate", "--data", str(bad)], ["tone", "evaluate", "--data", str(tmp_path / "no.csv")],
                 ["tone", "train", "--data", str(bad)]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and len(result.output.strip().splitlines()) == 1, result.output
    few = tmp_path / "few.csv"
    few.write_text("text,target,label\nхорошо,,1\nплохо,,-1\n", encoding="utf-8")
    result = runner.invoke(args=["tone", "train", "--data", str(few)])
    assert result.exit_code != 0 and "Cannot train" in result.output
