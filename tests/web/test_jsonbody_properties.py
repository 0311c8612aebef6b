"""Properties of the strict JSON body reader (``surveyapp.api.jsonbody``, TEST-BATTERY cases 22 and 30):
any body is the validated model or an ApiError with a 4xx status and string fields, the same for the same
bytes; deep nesting, huge arrays, invalid UTF-8 and duplicate keys are refused fast, never a 500."""
from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from surveyapp.api.jsonbody import ApiError, parse_json
from surveyapp.api.schemas import ResponseIn

APP = Flask(__name__)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


def outcome(body: bytes, content_type: str = "application/json") -> tuple[int, str, dict[str, str]] | ResponseIn:
    """The parsed model, or (status, message, fields) of the ApiError."""
    with APP.test_request_context("/", method="POST", data=body, content_type=content_type):
        try:
            return parse_json(ResponseIn)
        except ApiError as exc:
            assert 400 <= exc.status < 500 and exc.message
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in exc.fields.items())
            return exc.status, exc.message, exc.fields


def _valid(**changes: Any) -> dict[str, Any]:
    body = {"submission_id": str(uuid.UUID(int=7)), "language": "kk", "region": "KZ-55",
            "answers": [{"question": 1, "value": 4}, {"question": 2, "ngo": 3, "value": "Қазақ тілі ә ғ қ ң ө ұ ү һ і"}]}
    body.update(changes)
    return body


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_a_model_or_a_deterministic_4xx(body):
    first = outcome(body)
    assert first == outcome(body)
    if isinstance(first, tuple):
        assert first[0] in (400, 422)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_json_value_is_a_model_or_a_422_naming_fields(value):
    result = outcome(json.dumps(value).encode())
    assert isinstance(result, ResponseIn) or (result[0] == 422 and result[2])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["submission_id", "language", "region", "answers", "token", "duration_s", "sex"]),
       json_values)
def test_a_field_replaced_by_any_value_is_accepted_or_named(field, value):
    result = outcome(json.dumps(_valid(**{field: value})).encode())
    if isinstance(result, tuple):
        assert result[0] == 422 and any(key.split(".")[0] == field for key in result[2]), result


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_any_answer_value_is_accepted_or_named(value):
    body = _valid()
    body["answers"][0]["value"] = value
    result = outcome(json.dumps(body).encode())
    if isinstance(result, tuple):
        assert result[0] == 422 and set(result[2]) == {"answers.0.value"}, result


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["submission_id", "language", "region", "answers", "question", "value", "zz"]),
       st.integers(0, 3))
def test_duplicate_keys_at_any_depth_are_a_422_naming_the_key(key, depth):
    inner = f'{{"{key}": 1, "{key}": 2}}'
    for _ in range(depth):
        inner = f'{{"answers": [{inner}]}}'
    assert outcome(inner.encode()) == (422, "Duplicate key in the JSON body", {key: "given more than once"})


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_is_refused(depth):
    for opener, closer in (("[", "]"), ('{"a":', "}")):
        status, _message, fields = outcome((opener * depth + "1" + closer * depth).encode())
        assert status in (400, 422) and fields


def test_a_million_answers_are_a_422_not_a_crash():
    body = json.dumps(_valid(answers=[{"question": 1, "value": 1}] * 1_000_000)).encode()
    assert outcome(body) == (422, "The request is not valid", {"answers": "List should have at most 1000 items after "
                                                                          "validation, not 1000000"})


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=1, max_size=4).filter(lambda b: not _is_utf8(b)), st.integers(0, 40))
def test_invalid_utf8_anywhere_is_a_400(bad, at):
    text = json.dumps(_valid()).encode()
    at = min(at, len(text))
    assert outcome(text[:at] + bad + text[at:])[:1] == (400,)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(constant):
    assert outcome(json.dumps(_valid(duration_s=0)).replace("0}", constant + "}").encode())[0] == 422


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                                          "multipart/form-data; boundary=x"])
def test_other_content_types_are_415(content_type):
    assert outcome(json.dumps(_valid()).encode(), content_type)[:1] == (415,)


def test_a_valid_body_with_kazakh_text_is_read_exactly():
    model = outcome(json.dumps(_valid(), ensure_ascii=False).encode())
    assert isinstance(model, ResponseIn) and model.answers[1].value == "Қазақ тілі ә ғ қ ң ө ұ ү һ і"
