"""Demo survey waves: the questionnaire (DESIGN.md §3) in kk/ru/en and each wave's NGO set."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models import Question, Survey, SurveyNGO, db

from .bulk import bulk_insert
from .model import WAVES, NGOProfile, Wave


def _options(*items: tuple[str, str, str, str]) -> list[dict[str, Any]]:
    return [{"value": v, "label": {"kk": kk, "ru": ru, "en": en}} for v, kk, ru, en in items]


INFO_SOURCES = _options(
    ("tv", "Теледидар", "Телевидение", "Television"),
    ("social", "Әлеуметтік желілер мен мессенджерлер", "Социальные сети и мессенджеры",
     "Social networks and messengers"),
    ("news_sites", "Жаңалық сайттары", "Новостные сайты", "News websites"),
    ("print", "Газеттер", "Газеты", "Newspapers"),
    ("people", "Достар, туыстар, көршілер", "Друзья, родственники, соседи", "Friends, family, neighbours"),
    ("ngo", "Тікелей ҮЕҰ-дан", "Непосредственно от НКО", "Directly from NGOs"),
    ("none", "Мұндай ақпарат алмаймын", "Не получаю такой информации", "I do not get such information"),
)
HELP_KINDS = _options(
    ("consultation", "Кеңес беру", "Консультация", "Advice or consultation"),
    ("legal", "Заң көмегі", "Юридическая помощь", "Legal aid"),
    ("material", "Азық-түлік, киім немесе ақша", "Продукты, одежда или деньги", "Food, clothing or money"),
    ("training", "Оқыту немесе курстар", "Обучение или курсы", "Training or courses"),
    ("health", "Медициналық немесе психологиялық көмек", "Медицинская или психологическая помощь",
     "Medical or psychological help"),
    ("children", "Балаларға көмек", "Помощь детям", "Help for children"),
    ("none", "Алған жоқпыз", "Не получали", "None"),
)

#: (code, type, construct, section, per_ngo, depends on, required, (kk, ru, en), options)
QUESTIONS: tuple[tuple[str, str, str, int, bool, str | None, bool, tuple[str, str, str], list[dict[str, Any]]], ...] = (
    ("help_area", "scale10", "other", 1, False, None, True, (
        "0-ден 10-ға дейінгі шкала бойынша үкіметтік емес ұйымдар сіздің елді мекеніңіздегі адамдарға "
        "қаншалықты көмектеседі?",
        "По шкале от 0 до 10: насколько некоммерческие организации помогают людям в вашем населённом пункте?",
        "On a scale from 0 to 10, how much do non-governmental organisations help people in your area?"), []),
    ("info_source", "single", "other", 1, False, None, True, (
        "ҮЕҰ туралы ақпаратты негізінен қайдан аласыз?", "Откуда вы в основном получаете информацию об НКО?",
        "Where do you mainly get information about NGOs?"), INFO_SOURCES),
    ("aware", "yesno", "awareness", 2, True, None, True, (
        "Сіз бұл ұйым туралы естідіңіз бе?", "Слышали ли вы об этой организации?",
        "Have you heard of this organisation?"), []),
    ("trust", "scale5", "trust", 2, True, "aware", True, (
        "Бұл ұйымға қаншалықты сенесіз? (1 — мүлдем сенбеймін, 5 — толығымен сенемін)",
        "Насколько вы доверяете этой организации? (1 — совсем не доверяю, 5 — полностью доверяю)",
        "How much do you trust this organisation? (1 = do not trust at all, 5 = trust fully)"), []),
    ("usefulness", "scale5", "usefulness", 2, True, "aware", True, (
        "Бұл ұйымның жұмысы сіз сияқты адамдар үшін қаншалықты пайдалы?",
        "Насколько полезна работа этой организации для таких людей, как вы?",
        "How useful is this organisation's work for people like you?"), []),
    ("transparency", "scale5", "transparency", 2, True, "aware", True, (
        "Бұл ұйым өз қаржысы мен жұмысы туралы қаншалықты ашық есеп береді?",
        "Насколько открыто эта организация отчитывается о своих деньгах и работе?",
        "How openly does this organisation report on its money and its work?"), []),
    ("project", "scale5", "project", 2, True, "aware", True, (
        "Бұл ұйымның өзіңізге белгілі жобаларын қалай бағалайсыз?",
        "Как вы оцениваете известные вам проекты этой организации?",
        "How would you rate the projects of this organisation that you know of?"), []),
    ("help_received", "multi", "other", 3, False, None, True, (
        "Соңғы 12 айда сіз немесе отбасыңыз ҮЕҰ-дан қандай көмек алдыңыздар?",
        "Какую помощь от НКО вы или ваша семья получали за последние 12 месяцев?",
        "In the past 12 months, what kinds of help from NGOs have you or your family received?"), HELP_KINDS),
    ("comment", "text", "other", 3, False, None, False, (
        "Өз өңіріңіздегі ҮЕҰ туралы тағы не айтқыңыз келеді? (міндетті емес)",
        "Что ещё вы хотели бы сказать об НКО в вашем регионе? (необязательно)",
        "Is there anything else you would like to tell us about NGOs in your area? (optional)"), []),
)
SCALE5_CODES = ("trust", "usefulness", "transparency", "project")


@dataclass
class WaveSurvey:
    """A created wave: its survey id, question ids by code and the profiles in its NGO set."""

    wave: Wave
    index: int
    survey_id: int
    questions: dict[str, int] = field(default_factory=dict)
    members: list[NGOProfile] = field(default_factory=list)


def create_surveys(profiles: list[NGOProfile]) -> list[WaveSurvey]:
    """One survey per wave (four closed, one open), its questions and its NGO set; flushes."""
    created: list[tuple[Survey, dict[str, Question]]] = []
    for wave in WAVES:
        survey = Survey(
            title_kk=f"ҮЕҰ-ға қоғамдық сенім — {wave.period} толқыны (демо)",
            title_ru=f"Доверие к НКО — волна {wave.period} (демо)",
            title_en=f"Public trust in NGOs — wave {wave.period} (demo)",
            intro_kk="Сауалнама анонимді. Бұл демонстрациялық деректер: жауаптардың бәрі синтетикалық.",
            intro_ru="Опрос анонимный. Это демонстрационные данные: все ответы синтетические.",
            intro_en="The survey is anonymous. These are demonstration data: every response is synthetic.",
            period=wave.period, status=wave.status, mode="open", languages=["kk", "ru", "en"],
            ngos_per_respondent=6, ngos_by_region=True, opens_on=wave.opens_on, closes_on=wave.closes_on)
        questions: dict[str, Question] = {}
        for position, (code, qtype, construct, section, per_ngo, depends, required, texts, options) in enumerate(
                QUESTIONS, start=1):
            question = Question(code=code, position=position, section=section, type=qtype, construct=construct,
                                text_kk=texts[0], text_ru=texts[1], text_en=texts[2], required=required,
                                per_ngo=per_ngo, options=options)
            if depends:
                question.depends_on = questions[depends]
                question.depends_value = "yes"
            survey.questions.append(question)
            questions[code] = question
        db.session.add(survey)
        created.append((survey, questions))
    db.session.flush()
    waves: list[WaveSurvey] = []
    links = []
    for index, (survey, questions) in enumerate(created):
        members = [p for p in profiles if p.first_wave <= index]
        links += [{"survey_id": survey.id, "ngo_id": p.ngo_id} for p in members]
        waves.append(WaveSurvey(WAVES[index], index, survey.id, {c: q.id for c, q in questions.items()}, members))
    bulk_insert(SurveyNGO, links)
    return waves
