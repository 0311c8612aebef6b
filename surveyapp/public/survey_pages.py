"""Rendering one page of the survey form (shared by respondents and the admin preview)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import render_template
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from models import NGO, Region, db

from .survey_forms import DEMOGRAPHIC_CHOICES, Item, answers_of


@dataclass
class NGOGroup:
    """The questions of a page about one NGO (rendered as one fieldset, legend = NGO name)."""

    ngo_id: int
    name: str
    items: list[Item] = field(default_factory=list)


def _field_values(ctx: dict[str, Any], form: MultiDict[str, str] | None) -> dict[str, list[str]]:
    """What each field shows: what was just typed (after an error) or what is kept in the session."""
    items: list[Item] = ctx["items"]
    if form is not None:
        values = {item.name: form.getlist(item.name) for item in items}
        for name in ("region", *DEMOGRAPHIC_CHOICES):
            values[name] = form.getlist(name)
        return values
    answers = answers_of(ctx["spec"], ctx["progress"])
    values = {}
    for item in items:
        value = answers.get((item.question.id, item.ngo))
        values[item.name] = [] if (item.question.id, item.ngo) not in answers else item.question.kind.to_form(value)
    demo = ctx["progress"].demographics
    for name in ("region", *DEMOGRAPHIC_CHOICES):
        values[name] = [demo[name]] if demo.get(name) else []
    return values


def render_page(ctx: dict[str, Any], *, errors: dict[str, str], form: MultiDict[str, str] | None = None) -> str:
    """The HTML of page ``ctx["page"]`` with ``errors`` next to their fields."""
    lang = ctx["progress"].language
    items: list[Item] = ctx["items"]
    general = [item for item in items if item.ngo is None]
    groups: list[NGOGroup] = []
    ngo_ids = [n for n in ctx["progress"].ngos if any(item.ngo == n for item in items)]
    if ngo_ids:
        names = {ngo.id: ngo.display_name(lang) for ngo in db.session.scalars(select(NGO).where(NGO.id.in_(ngo_ids)))}
        for ngo_id in ngo_ids:
            groups.append(NGOGroup(ngo_id, names.get(ngo_id, ""), [item for item in items if item.ngo == ngo_id]))
    regions = []
    if ctx["page"] == 1:
        regions = [(r.code, r.text_in("name", lang)) for r in db.session.scalars(select(Region))]
        regions.sort(key=lambda pair: pair[1])
    return render_template(
        "public/survey/page.html", **ctx, lang=lang, general=general, groups=groups, regions=regions,
        values=_field_values(ctx, form), errors=errors, choices=DEMOGRAPHIC_CHOICES,
    )
