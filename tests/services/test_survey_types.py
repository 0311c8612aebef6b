"""Question types: strict JSON values, form strings, session and Answer-column round trips."""
from __future__ import annotations

import math

import pytest

from surveyapp.services.surveys.types import MISSING, TEXT_MAX, AnswerError, question_type

OPTIONS = [{"value": "a", "label": {"en": "A"}}, {"value": "b", "label": {"en": "B"}}, {"value": "c", "label": {}}]


@pytest.mark.parametrize("value", [1, 3, 5, None])
def test_scale5_accepts_points_and_dont_know(value):
    assert question_type("scale5").from_json(value, []) == value


@pytest.mark.parametrize("value", [0, 6, "5", 5.5, 5.0, math.inf, True, False, [5], {"v": 5}, -1])
def test_scale5_rejects_everything_else(value):
    with pytest.raises(AnswerError):
        question_type("scale5").from_json(value, [])


@pytest.mark.parametrize("value,ok", [(0, True), (10, True), (11, False), (-1, False), (None, False), (7.0, False),
                                      ("7", False), (True, False)])
def test_scale10_range(value, ok):
    kind = question_type("scale10")
    if ok:
        assert kind.from_json(value, []) == value
    else:
        with pytest.raises(AnswerError):
            kind.from_json(value, [])


@pytest.mark.parametrize("value,ok", [(True, True), (False, True), (1, False), ("yes", False), (None, False)])
def test_yesno_takes_only_booleans(value, ok):
    kind = question_type("yesno")
    if ok:
        assert kind.from_json(value, []) is value
    else:
        with pytest.raises(AnswerError):
            kind.from_json(value, [])


def test_single_and_multi_options():
    single, multi = question_type("single"), question_type("multi")
    assert single.from_json("b", OPTIONS) == "b"
    for bad in ("z", 1, ["a"], None):
        with pytest.raises(AnswerError):
            single.from_json(bad, OPTIONS)
    assert multi.from_json(["c", "a"], OPTIONS) == ["a", "c"]  # option order
    assert multi.from_json([], OPTIONS) == []
    for bad in (["a", "a"], ["z"], "a", [1], None):
        with pytest.raises(AnswerError):
            multi.from_json(bad, OPTIONS)


def test_text_is_trimmed_capped_and_verbatim():
    kind = question_type("text")
    hostile = "<script>alert(1)</script> {{7*7}} =HYPERLINK(\"x\")"
    assert kind.from_json("  " + hostile + " ", []) == hostile
    with pytest.raises(AnswerError):
        kind.from_json("x" * (TEXT_MAX + 1), [])
    with pytest.raises(AnswerError):
        kind.from_json("a\x00b", [])
    with pytest.raises(AnswerError):
        kind.from_json(5, [])


def test_form_parsing():
    assert question_type("scale5").from_form(["dk"], []) is None
    assert question_type("scale5").from_form(["4"], []) == 4
    assert question_type("scale5").from_form([], []) is MISSING
    with pytest.raises(AnswerError):
        question_type("scale5").from_form(["6"], [])
    with pytest.raises(AnswerError):
        question_type("scale5").from_form(["4", "5"], [])  # duplicate parameter
    with pytest.raises(AnswerError):
        question_type("scale10").from_form(["٣"], [])  # a non-ASCII digit
    assert question_type("yesno").from_form(["no"], []) is False
    assert question_type("multi").from_form(["b", "a", "b"], OPTIONS) == ["a", "b"]
    assert question_type("text").from_form(["   "], []) is MISSING


@pytest.mark.parametrize("kind,value", [("scale5", None), ("scale5", 2), ("scale10", 0), ("yesno", True),
                                        ("yesno", False), ("single", "a"), ("multi", ["a", "b"]), ("text", "Сәлем")])
def test_round_trips(kind, value):
    t = question_type(kind)
    assert t.from_session(t.to_session(value)) == value
    cols = t.to_columns(value)
    assert t.from_columns(cols["value_num"], cols["value_text"], cols["value_list"]) == value
    assert t.from_form(t.to_form(value), OPTIONS) == (MISSING if value is None and kind != "scale5" else value)


def test_dependency_matching():
    assert question_type("yesno").matches(True, "yes")
    assert not question_type("yesno").matches(False, "yes")
    assert not question_type("yesno").matches(MISSING, "yes")
    assert question_type("multi").matches(["a", "b"], "b")
    assert question_type("single").matches("a", "a")


def test_option_checks():
    with pytest.raises(AnswerError):
        question_type("single").check_options([{"value": "a", "label": {}}])
    with pytest.raises(AnswerError):
        question_type("single").check_options([{"value": "a b", "label": {}}, {"value": "c", "label": {}}])
    with pytest.raises(AnswerError):
        question_type("scale5").check_options(OPTIONS)
    question_type("multi").check_options(OPTIONS)
