"""The trainable tone model, evaluation metrics and the labelled-data CSV loader."""
from __future__ import annotations

import io

import pytest

from analysis.text import (
    LabelledDataError,
    LabelledExample,
    ToneModel,
    ToneScorer,
    classification_report,
    evaluate,
    load_labelled_csv,
    train,
)
from analysis.text.tone_model import MIN_EXAMPLES_PER_LANGUAGE, example_window

POS_RU = ["{t} помог семьям", "{t} провёл отличную акцию", "спасибо {t} за поддержку", "{t} успешно открыл центр",
          "жители благодарны {t}", "{t} спас приют", "{t} получил награду", "{t} оказал помощь детям"]
NEG_RU = ["{t} обвинили в мошенничестве", "{t} сорвал сроки", "против {t} возбуждено дело", "{t} скрыл растрату",
          "на {t} поступила жалоба", "{t} уличили во лжи", "{t} нарушил закон", "{t} потерял доверие"]
NEU_RU = ["{t} провёл заседание", "{t} опубликовал отчёт", "{t} сменил адрес", "{t} объявил набор",
          "{t} встретился с акимом", "{t} проведёт собрание", "{t} зарегистрирован в 2010 году", "{t} выпустил буклет"]
NAMES = ["Фонд «Арман»", "Центр «Шапагат»", "Ассоциация «Болашак»", "Союз «Достык»"]


def examples() -> list[LabelledExample]:
    out = []
    for label, templates in ((1, POS_RU), (-1, NEG_RU), (0, NEU_RU)):
        for tpl in templates:
            for name in NAMES:
                text = tpl.format(t=name).capitalize() + "."
                start = text.lower().index(name.lower())
                out.append(LabelledExample(text, text[start:start + len(name)], label, language="ru"))
    return out


@pytest.fixture(scope="module")
def data() -> list[LabelledExample]:
    return examples()


@pytest.fixture(scope="module")
def model(data: list[LabelledExample]) -> ToneModel:
    return train([ex for i, ex in enumerate(data) if i % 4 != 0])


def test_train_evaluate_round_trip(model: ToneModel, data: list[LabelledExample]) -> None:
    held_out = [ex for i, ex in enumerate(data) if i % 4 == 0]
    assert len(data) >= MIN_EXAMPLES_PER_LANGUAGE and model.covers("ru") and not model.covers("kk")
    report = evaluate(model, held_out)
    assert report["n"] == len(held_out) == 24
    assert report["sources"] == {"model": 24}
    assert report["macro_f1"] >= 0.7, report
    restored = ToneModel.from_bytes(model.to_bytes())
    assert evaluate(restored, held_out)["confusion"] == report["confusion"]
    assert ToneScorer(model.to_bytes()).model is not None


def test_model_scores_mentions_with_source_model(model: ToneModel) -> None:
    scorer = ToneScorer(model)
    text = "Фонд «Жулдыз» успешно провёл отличную акцию и помог семьям."
    tone = scorer.score(text, 0, 13)
    assert tone.source == "model" and tone.label == "positive" and -1 <= tone.value <= 1
    # English is not covered by this model: VADER answers.
    assert scorer.score("The fund did a wonderful job.", 4, 8).source == "vader"


def test_evaluate_without_a_model_uses_the_lexicon(data: list[LabelledExample]) -> None:
    report = evaluate(None, data)
    assert report["sources"] == {"lexicon": len(data)}
    assert set(report["per_label"]) == {"negative", "neutral", "positive"}
    assert sum(map(sum, report["confusion"]["matrix"])) == len(data)


def test_training_needs_enough_and_varied_examples(data: list[LabelledExample]) -> None:
    with pytest.raises(ValueError, match="at least"):
        train(data[:5])
    with pytest.raises(ValueError, match="two different labels"):
        train([ex for ex in data if ex.label == 1])
    with pytest.raises(ValueError, match="does not occur"):
        example_window(LabelledExample("Текст без цели.", "КНОК", 1))


def test_from_bytes_rejects_other_blobs() -> None:
    with pytest.raises(ValueError):
        ToneModel.from_bytes(b"not a model")
    import pickle
    import zlib

    from analysis.text.tone_model import _MAGIC

    with pytest.raises(ValueError, match="unknown format"):
        ToneModel.from_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ValueError, match="this version"):
        ToneModel.from_bytes(_MAGIC + zlib.compress(pickle.dumps({"a": 1})))
    with pytest.raises(ValueError, match="stored tone model"):
        ToneModel.from_bytes(_MAGIC + b"garbage")


def test_classification_report_numbers() -> None:
    gold = [1, 1, 1, -1, -1, 0]
    pred = [1, 1, -1, -1, 0, 0]
    r = classification_report(gold, pred)
    assert r["n"] == 6 and r["accuracy"] == round(4 / 6, 4)
    assert r["per_label"]["positive"] == {"precision": 1.0, "recall": round(2 / 3, 4), "f1": 0.8, "support": 3}
    assert r["per_label"]["negative"]["f1"] == 0.5
    assert r["per_label"]["neutral"]["f1"] == round(2 / 3, 4)
    assert r["macro_f1"] == round((0.8 + 0.5 + 0.6667) / 3, 4)
    assert r["confusion"]["matrix"] == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    # macro-F1 averages over the labels present in the gold data only
    assert classification_report([1, -1], [1, 0])["macro_f1"] == 0.5
    with pytest.raises(ValueError):
        classification_report([1], [2])


CSV_OK = "\ufefftext,target,label\r\n\"Фонд «Арман» помог детям, спасибо.\",Фонд «Арман»,1\r\nВсё плохо.,,-1\r\n"


def test_csv_loader_reads_bom_crlf_and_empty_targets() -> None:
    rows = load_labelled_csv(CSV_OK.encode("utf-8"))
    assert [(r.target, r.label, r.start, r.end) for r in rows] == [("Фонд «Арман»", 1, 0, 12), ("", -1, None, None)]
    assert load_labelled_csv(io.StringIO(CSV_OK))[0].text.startswith("Фонд")


def test_csv_loader_reads_a_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "gold.csv"
    path.write_bytes(CSV_OK.encode("utf-8"))
    assert len(load_labelled_csv(path)) == 2


@pytest.mark.parametrize(("content", "message"), [
    ("text,label\nx,1\n", "missing column"),
    ("text,target,label\nФонд помог,,2\n", "row 1, field 'label'"),
    ("text,target,label\nФонд помог,,плюс\n", "row 1, field 'label'"),
    ("text,target,label\nФонд помог,,1\n,,0\n", "row 2, field 'text'"),
    ("text,target,label\nФонд помог,КНОК,1\n", "row 1, field 'target'"),
])
def test_csv_loader_names_the_bad_row_and_field(content: str, message: str) -> None:
    with pytest.raises(LabelledDataError, match=message):
        load_labelled_csv(content.encode("utf-8"))


def test_csv_loader_rejects_binary_and_non_utf8() -> None:
    with pytest.raises(LabelledDataError, match="UTF-8"):
        load_labelled_csv("text,target,label\nФонд,,1\n".encode("cp1251"))
    with pytest.raises(LabelledDataError):
        load_labelled_csv(b"PK\x03\x04\x00\x00binary")
