"""One class per question type (Indico's ``surveys/fields`` pattern).

Each type knows how to read a value from JSON (strictly), from an HTML form, how to keep it
compactly in the session, how to write and read ``Answer`` columns, and how a dependent
question compares against it. Canonical values, used everywhere inside Senim:

=======  =====================================================
scale5   int 1..5, or ``None`` for "don't know"
scale10  int 0..10
single   an option value (str)
multi    a list of option values in the order of the options
yesno    bool
text     str, at most ``TEXT_MAX`` characters, no NUL
=======  =====================================================
"""
from __future__ import annotations

from typing import Any, ClassVar

#: Longest free-text answer, in characters.
TEXT_MAX = 500
#: Form value of the "don't know" choice of a 5-point scale.
DONT_KNOW = "dk"


class AnswerError(ValueError):
    """A value that a question of this type cannot take; the message is shown to people."""


class Missing:
    """Marker for "no answer given" (distinct from ``None``, which is "don't know")."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = Missing()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class QuestionType:
    """Base class. ``options`` is the question's ``[{value, label}]`` list (empty for most types)."""

    name: ClassVar[str] = ""
    has_options: ClassVar[bool] = False

    # -- input -------------------------------------------------------------------------------
    def from_json(self, value: Any, options: list[dict[str, Any]]) -> Any:
        """Canonical value from a JSON value; raises AnswerError for the wrong type or range."""
        raise NotImplementedError

    def from_form(self, raw: list[str], options: list[dict[str, Any]]) -> Any:
        """Canonical value from the form's strings for this field, or MISSING; raises AnswerError."""
        values = [v.strip() for v in raw if v.strip()]
        if not values:
            return MISSING
        if len(values) > 1:
            raise AnswerError("Choose one answer.")
        return self.from_form_value(values[0], options)

    def from_form_value(self, raw: str, options: list[dict[str, Any]]) -> Any:
        raise NotImplementedError

    # -- output ------------------------------------------------------------------------------
    def to_form(self, value: Any) -> list[str]:
        """The form strings that show ``value`` as selected/typed."""
        return [] if value is MISSING else [str(value)]

    def to_session(self, value: Any) -> Any:
        """A compact JSON-able form for the signed session cookie."""
        return value

    def from_session(self, stored: Any) -> Any:
        return stored

    def to_columns(self, value: Any) -> dict[str, Any]:
        """``value_num``, ``value_text`` and ``value_list`` of the Answer row."""
        raise NotImplementedError

    def from_columns(self, value_num: float | None, value_text: str | None, value_list: Any) -> Any:
        raise NotImplementedError

    def matches(self, value: Any, expected: str | None) -> bool:
        """True when a question depending on this answer with ``depends_value`` should be asked."""
        if value is MISSING or expected is None:
            return False
        return str(value) == expected

    def check_options(self, options: list[dict[str, Any]]) -> None:
        """Raise AnswerError when the options list is unfit for this type."""
        if options:
            raise AnswerError(f"{self.name} questions take no options")


class _Scale(QuestionType):
    low: ClassVar[int] = 1
    high: ClassVar[int] = 5
    allows_dont_know: ClassVar[bool] = False

    def from_json(self, value: Any, options: list[dict[str, Any]]) -> Any:
        if value is None and self.allows_dont_know:
            return None
        if not _is_int(value) or not self.low <= value <= self.high:
            suffix = " or null for \"don't know\"" if self.allows_dont_know else ""
            raise AnswerError(f"must be a whole number from {self.low} to {self.high}{suffix}")
        return value

    def from_form_value(self, raw: str, options: list[dict[str, Any]]) -> Any:
        if raw == DONT_KNOW and self.allows_dont_know:
            return None
        if raw.isascii() and raw.isdigit() and len(raw) <= 2 and self.low <= int(raw) <= self.high:
            return int(raw)
        raise AnswerError(f"Choose a value from {self.low} to {self.high}.")

    def to_form(self, value: Any) -> list[str]:
        if value is MISSING:
            return []
        return [DONT_KNOW] if value is None else [str(value)]

    def to_columns(self, value: Any) -> dict[str, Any]:
        return {"value_num": None if value is None else float(value), "value_text": None, "value_list": None}

    def from_columns(self, value_num: float | None, value_text: str | None, value_list: Any) -> Any:
        return None if value_num is None else int(value_num)


class Scale5(_Scale):
    """1 (fully distrust) … 5 (fully trust), plus "don't know" (``None``, outside the base)."""

    name = "scale5"
    allows_dont_know = True

    def to_session(self, value: Any) -> Any:
        return 0 if value is None else value  # 0 is never a valid scale5 point

    def from_session(self, stored: Any) -> Any:
        return None if stored == 0 else stored


class Scale10(_Scale):
    """0 … 10 (e.g. likelihood to recommend)."""

    name = "scale10"
    low, high = 0, 10


class YesNo(QuestionType):
    """Yes (``True``) or no (``False``); a dependent question compares with ``"yes"``/``"no"``."""

    name = "yesno"

    def from_json(self, value: Any, options: list[dict[str, Any]]) -> Any:
        if not isinstance(value, bool):
            raise AnswerError("must be true or false")
        return value

    def from_form_value(self, raw: str, options: list[dict[str, Any]]) -> Any:
        if raw in ("yes", "no"):
            return raw == "yes"
        raise AnswerError("Choose yes or no.")

    def to_form(self, value: Any) -> list[str]:
        return [] if value is MISSING else ["yes" if value else "no"]

    def to_session(self, value: Any) -> Any:
        return 1 if value else 0

    def from_session(self, stored: Any) -> Any:
        return bool(stored)

    def to_columns(self, value: Any) -> dict[str, Any]:
        return {"value_num": 1.0 if value else 0.0, "value_text": None, "value_list": None}

    def from_columns(self, value_num: float | None, value_text: str | None, value_list: Any) -> Any:
        if value_num is None:
            return (value_text or "").lower() in ("yes", "true", "1")
        return value_num >= 0.5

    def matches(self, value: Any, expected: str | None) -> bool:
        if value is MISSING or value is None or expected is None:
            return False
        return ("yes" if value else "no") == expected.lower() or str(value).lower() == expected.lower()


def _option_values(options: list[dict[str, Any]]) -> list[str]:
    return [str(o.get("value")) for o in options]


def _check_choice_options(name: str, options: list[dict[str, Any]]) -> None:
    values = _option_values(options)
    if len(values) < 2:
        raise AnswerError(f"{name} questions need at least two options")
    if len(set(values)) != len(values):
        raise AnswerError("option values must be different from each other")
    for value in values:
        if not value or len(value) > 40 or not all(c.isalnum() or c in "_-." for c in value):
            raise AnswerError(f"option value {value!r} must be 1–40 letters, digits, '_', '-' or '.'")


class Single(QuestionType):
    """One option value."""

    name = "single"
    has_options = True

    def from_json(self, value: Any, options: list[dict[str, Any]]) -> Any:
        if not isinstance(value, str) or value not in _option_values(options):
            raise AnswerError("must be one of the option values: " + ", ".join(_option_values(options)))
        return value

    def from_form_value(self, raw: str, options: list[dict[str, Any]]) -> Any:
        if raw not in _option_values(options):
            raise AnswerError("Choose one of the answers shown.")
        return raw

    def to_columns(self, value: Any) -> dict[str, Any]:
        return {"value_num": None, "value_text": value, "value_list": None}

    def from_columns(self, value_num: float | None, value_text: str | None, value_list: Any) -> Any:
        return value_text

    def check_options(self, options: list[dict[str, Any]]) -> None:
        _check_choice_options(self.name, options)


class Multi(QuestionType):
    """A list of option values (possibly empty when the question is optional)."""

    name = "multi"
    has_options = True

    def _clean(self, chosen: list[str], options: list[dict[str, Any]]) -> list[str]:
        allowed = _option_values(options)
        if any(v not in allowed for v in chosen):
            raise AnswerError("every item must be one of the option values: " + ", ".join(allowed))
        if len(set(chosen)) != len(chosen):
            raise AnswerError("an option is listed twice")
        return [v for v in allowed if v in chosen]

    def from_json(self, value: Any, options: list[dict[str, Any]]) -> Any:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerError("must be a list of option values")
        return self._clean(value, options)

    def from_form(self, raw: list[str], options: list[dict[str, Any]]) -> Any:
        values = [v.strip() for v in raw if v.strip()]
        if not values:
            return MISSING
        return self._clean(list(dict.fromkeys(values)), options)

    def to_form(self, value: Any) -> list[str]:
        return [] if value is MISSING else list(value)

    def to_columns(self, value: Any) -> dict[str, Any]:
        return {"value_num": None, "value_text": None, "value_list": list(value)}

    def from_columns(self, value_num: float | None, value_text: str | None, value_list: Any) -> Any:
        return list(value_list or [])

    def matches(self, value: Any, expected: str | None) -> bool:
        return value is not MISSING and expected is not None and expected in (value or [])

    def check_options(self, options: list[dict[str, Any]]) -> None:
        _check_choice_options(self.name, options)


class Text(QuestionType):
    """Short free text, stored verbatim (trimmed); never interpreted."""

    name = "text"

    def from_json(self, value: Any, options: list[dict[str, Any]]) -> Any:
        if not isinstance(value, str):
            raise AnswerError("must be a string")
        return self._clean(value)

    def _clean(self, value: str) -> str:
        value = value.strip()
        if len(value) > TEXT_MAX:
            raise AnswerError(f"must be at most {TEXT_MAX} characters")
        if "\x00" in value:
            raise AnswerError("must not contain NUL characters")
        return value

    def from_form(self, raw: list[str], options: list[dict[str, Any]]) -> Any:
        text = (raw[0] if raw else "").strip()
        if not text:
            return MISSING
        try:
            return self._clean(text)
        except AnswerError as exc:
            raise AnswerError(f"Please shorten your answer to {TEXT_MAX} characters."
                              if len(text) > TEXT_MAX else str(exc)) from None

    def to_columns(self, value: Any) -> dict[str, Any]:
        return {"value_num": None, "value_text": value, "value_list": None}

    def from_columns(self, value_num: float | None, value_text: str | None, value_list: Any) -> Any:
        return value_text or ""


QUESTION_TYPES: dict[str, QuestionType] = {t.name: t for t in (Scale5(), Scale10(), Single(), Multi(), YesNo(), Text())}


def question_type(name: str) -> QuestionType:
    """The type object for a question type name; raises KeyError for an unknown one."""
    return QUESTION_TYPES[name]
