"""Test data: a factory per aggregate, with Kazakh letters and hostile strings on purpose."""
from __future__ import annotations

import itertools
from typing import Any

from models import NGO, NGOAlias, User, db

KAZAKH_LETTERS = "ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І"
KAZAKH_NAME = "Үкіметтік емес ұйымдардың Қазақстандағы қауымдастығы (ә ғ қ ң ө ұ ү һ і)"
RUSSIAN_NAME = "Конфедерация неправительственных организаций Казахстана"

#: Strings an attacker or an unlucky copy-paste may put in any field.
HOSTILE_STRINGS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    "=HYPERLINK(\"http://evil.example/\",\"click\")",
    "+1+2",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "' OR 1=1--",
    "1;DROP TABLE responses",
    "\u202etxt.exe",
    "Ω≈ç√∫˜µ≤≥÷ 田中さん 𝕿𝖍𝖊",
)

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_user(role: str = "admin", *, email: str | None = None, password: str = PASSWORD,
              active: bool = True, region_codes: list[str] | None = None) -> User:
    """A committed user with ``PASSWORD`` unless told otherwise."""
    from surveyapp.services.users import create_user

    user = create_user(email or f"{role}{next(_seq)}@example.kz", password, role, region_codes=region_codes)
    user.is_active = active
    db.session.commit()
    return user


def make_ngo(**fields: Any) -> NGO:
    """A committed NGO; ``aliases`` may be a list of strings."""
    aliases = fields.pop("aliases", [])
    n = next(_seq)
    values: dict[str, Any] = {"name_en": f"Test Foundation {n}", "name_ru": f"Тестовый фонд {n}",
                              "name_kk": f"Сынақ қоры {n} — {KAZAKH_LETTERS}", "sector": "other"}
    values.update(fields)
    ngo = NGO(**values)
    for alias in aliases:
        ngo.aliases.append(NGOAlias(alias=alias, kind="alias"))
    db.session.add(ngo)
    db.session.commit()
    return ngo
