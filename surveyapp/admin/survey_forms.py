"""WTForms for the survey builder, and their conversion to service inputs."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, SelectChoice, DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from models import LANGUAGES
from models.ngo import SECTORS
from models.survey import CONSTRUCTS, QUESTION_TYPES

from ..services.surveys.building import QuestionInput, SurveyInput

LANGUAGE_LABELS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SurveyForm(FlaskForm):
    title_kk = StringField(_l("Title (Kazakh)"), validators=[Length(max=300)])
    title_ru = StringField(_l("Title (Russian)"), validators=[Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    intro_kk = TextAreaField(_l("Introduction (Kazakh)"), validators=[Length(max=5000)])
    intro_ru = TextAreaField(_l("Introduction (Russian)"), validators=[Length(max=5000)])
    intro_en = TextAreaField(_l("Introduction (English)"), validators=[Length(max=5000)])
    period = StringField(_l("Period (wave), e.g. 2026-Q1"), validators=[InputRequired(), Length(max=16)])
    mode = SelectField(_l("Who can answer"), choices=[SelectChoice("open", _l("Anyone with the link")),
                                                      SelectChoice("invitation", _l("Invitation only (single-use tokens)"))])
    languages = MultiCheckboxField(_l("Languages"), choices=[SelectChoice(k, v) for k, v in LANGUAGE_LABELS.items()],
                                   default=list(LANGUAGES))
    ngos_per_respondent = IntegerField(_l("NGOs asked about per respondent"), default=6,
                                       validators=[InputRequired(), NumberRange(1, 20)])
    ngos_by_region = BooleanField(_l("Ask about the respondent's region's NGOs plus national ones"), default=True)
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes on"), validators=[Optional()])

    def to_input(self) -> SurveyInput:
        return SurveyInput(
            titles={lang: self[f"title_{lang}"].data or "" for lang in LANGUAGES},
            intros={lang: self[f"intro_{lang}"].data or "" for lang in LANGUAGES},
            period=(self.period.data or "").strip(), mode=self.mode.data or "open",
            languages=list(self.languages.data or []), ngos_per_respondent=self.ngos_per_respondent.data or 0,
            ngos_by_region=bool(self.ngos_by_region.data), opens_on=self.opens_on.data, closes_on=self.closes_on.data,
        )


class QuestionForm(FlaskForm):
    code = StringField(_l("Code (short name used in exports)"), validators=[InputRequired(), Length(max=40)])
    type = SelectField(_l("Type"), choices=[SelectChoice(t, t) for t in QUESTION_TYPES])
    construct = SelectField(_l("Measures"), choices=[SelectChoice(c, c) for c in CONSTRUCTS], default="other")
    section = IntegerField(_l("Page (section)"), default=1, validators=[InputRequired(), NumberRange(1, 50)])
    required = BooleanField(_l("Answer required"), default=True)
    per_ngo = BooleanField(_l("Ask once for each NGO of the respondent's set"))
    text_kk = TextAreaField(_l("Text (Kazakh)"), validators=[Length(max=5000)])
    text_ru = TextAreaField(_l("Text (Russian)"), validators=[Length(max=5000)])
    text_en = TextAreaField(_l("Text (English)"), validators=[Length(max=5000)])
    options = TextAreaField(_l("Options (single and multiple choice): one per line, value | Kazakh | Russian | English"),
                            validators=[Length(max=20000)])
    depends_on_id = SelectField(_l("Ask only when this question…"), coerce=int, default=0)
    depends_value = StringField(_l("…has this answer (yes, no, an option value or a number)"),
                                validators=[Length(max=40)])

    def to_input(self) -> QuestionInput:
        return QuestionInput(
            code=(self.code.data or "").strip(), type=self.type.data, construct=self.construct.data,
            section=self.section.data or 0, required=bool(self.required.data), per_ngo=bool(self.per_ngo.data),
            texts={lang: self[f"text_{lang}"].data or "" for lang in LANGUAGES},
            options=parse_options(self.options.data or ""),
            depends_on_id=self.depends_on_id.data or None, depends_value=(self.depends_value.data or "").strip() or None,
        )


def parse_options(text: str) -> list[dict[str, Any]]:
    """``value | kk | ru | en`` lines → ``[{value, label: {kk, ru, en}}]`` (missing labels: the value)."""
    options = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        value = parts[0]
        labels = (parts[1:] + ["", "", ""])[:3]
        options.append({"value": value, "label": {lang: label or value for lang, label in zip(("kk", "ru", "en"), labels)}})
    return options


def format_options(options: list[dict[str, Any]]) -> str:
    lines = []
    for o in options or []:
        label = o.get("label") or {}
        lines.append(" | ".join([str(o.get("value", ""))] + [str(label.get(lang, "")) for lang in ("kk", "ru", "en")]))
    return "\n".join(lines)


class NGOSetForm(FlaskForm):
    regions = MultiCheckboxField(_l("NGOs based in these regions"), choices=[])
    include_national = BooleanField(_l("National NGOs (no home region)"))
    sectors = MultiCheckboxField(_l("Only these sectors (none ticked: all sectors)"), choices=[SelectChoice(s, s) for s in SECTORS])
    ngo_ids = TextAreaField(_l("And these NGOs (ids separated by commas or spaces)"), validators=[Length(max=200000)])

    def ids(self) -> list[int]:
        raw = (self.ngo_ids.data or "").replace(",", " ").split()
        bad = [x for x in raw if not x.isdigit()]
        if bad:
            raise ValueError(", ".join(bad[:5]))
        return [int(x) for x in raw]


class TokenForm(FlaskForm):
    count = IntegerField(_l("Number of invitations"), default=100, validators=[InputRequired(), NumberRange(1, 50000)])
    batch = StringField(_l("Batch label (e.g. the partner who distributes them)"), validators=[Length(max=80)])


class ImportForm(FlaskForm):
    file = FileField(_l("Survey file (JSON exported by Senim)"), validators=[FileRequired()])
