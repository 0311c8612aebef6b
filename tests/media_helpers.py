"""Shared data for the media-monitoring tests: two NGOs, a Russian article naming both and a region."""
from __future__ import annotations

import datetime as dt
from typing import Any

from tests.factories import make_ngo

RU_TITLE = "Конфедерация НКО провела форум"
RU_TEXT = ("Конфедерация неправительственных организаций Казахстана провела успешный форум в Карагандинской "
           "области. Эксперты похвалили работу организации. Гражданский альянс Казахстана раскритиковал "
           "организаторов за провал и нарушения.")
PUBLISHED = dt.date(2026, 4, 10)


def media_ngos() -> tuple[Any, Any]:
    """Two committed NGOs with Russian names and abbreviations."""
    cnok = make_ngo(name_en="Confederation of NGOs of Kazakhstan", name_ru="Конфедерация неправительственных "
                    "организаций Казахстана", name_kk=None, aliases=["КНОК", "CNOK"])
    alliance = make_ngo(name_en="Civil Alliance of Kazakhstan", name_ru="Гражданский альянс Казахстана",
                        name_kk=None, aliases=[])
    return cnok, alliance


def ru_item(**overrides: Any) -> dict[str, Any]:
    item = {"title": RU_TITLE, "text": RU_TEXT, "outlet": "Степной вестник",
            "url": "https://stepnoy.example/news/forum", "published": PUBLISHED.isoformat()}
    item.update(overrides)
    return item
