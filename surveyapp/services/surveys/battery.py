"""The standard NGO battery: awareness, then (only if aware) trust, usefulness, transparency and
the assessment of the NGO's projects, each on the 5-point scale with "don't know"."""
from __future__ import annotations

from models import Question, Survey

from .building import QuestionInput, add_question

#: (code, type, construct, texts in kk/ru/en)
BATTERY: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("aware", "yesno", "awareness", {
        "kk": "Сіз бұл ұйым туралы естідіңіз бе?",
        "ru": "Слышали ли вы об этой организации?",
        "en": "Have you heard of this organisation?"}),
    ("trust", "scale5", "trust", {
        "kk": "Бұл ұйымға қаншалықты сенесіз?",
        "ru": "Насколько вы доверяете этой организации?",
        "en": "How much do you trust this organisation?"}),
    ("usefulness", "scale5", "usefulness", {
        "kk": "Оның жұмысы адамдарға қаншалықты пайдалы?",
        "ru": "Насколько полезна её работа для людей?",
        "en": "How useful is its work for people?"}),
    ("transparency", "scale5", "transparency", {
        "kk": "Ол өз қаржысы туралы қаншалықты ашық есеп береді?",
        "ru": "Насколько открыто она отчитывается о своих финансах?",
        "en": "How openly does it report on its finances?"}),
    ("project", "scale5", "project", {
        "kk": "Оның жобаларын қалай бағалайсыз?",
        "ru": "Как вы оцениваете её проекты?",
        "en": "How do you rate its projects?"}),
)


def add_ngo_battery(survey: Survey, *, section: int = 2, actor_id: int | None = None) -> list[Question]:
    """Append the battery's five per-NGO questions on page ``section`` (the follow-ups depend on
    ``aware`` = yes and are shown on the page after it). Raises ValidationError (e.g. a code is
    taken) or ConflictError (survey has responses)."""
    added: list[Question] = []
    aware_id: int | None = None
    for code, kind, construct, texts in BATTERY:
        question = add_question(survey, QuestionInput(
            code=code, type=kind, construct=construct, texts=dict(texts), section=section, required=True,
            per_ngo=True, depends_on_id=aware_id, depends_value="yes" if aware_id else None,
        ), actor_id=actor_id)
        if code == "aware":
            aware_id = question.id
        added.append(question)
    return added
