"""The region gazetteer: names, variants and their inflected forms → ISO 3166-2 codes.

From each region record (``code, name_en, name_ru, name_kk, variants``) it generates surface
forms and indexes them in an Aho-Corasick automaton (exact match on normalised tokens):

* Russian adjective names in all cases: ``Карагандинская область`` → ``Карагандинской области``,
  ``Карагандинскую область``, ``Карагандинской обл`` …; ``область Абай`` → ``области Абай`` …;
  ``город Алматы`` → ``города Алматы`` … and the bare ``Алматы``;
* Russian case forms of one-word names (``Астана`` → ``Астане``, ``Костанай`` → ``Костанае``);
* Kazakh case forms by vowel harmony (``Астанада``, ``Шымкентте``, ``облысының``);
* English ``X Region`` ↔ ``X Oblast``/``X Province``.

When two regions claim the same form, the one whose *official name* produced it wins over one
whose variant or derived form did; a tie between equals drops the form (it is ambiguous). The
longest match wins, so ``Алматы облысы`` (KZ-19) beats ``Алматы`` (KZ-75). One-word forms must be
capitalised in the text (``Верный``, ``Орал`` are also common words).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .document import Document
from .kazakh_stem import kk_case_forms
from .matcher import Entry, Match, Matcher
from .normalise import has_kk_letters, normalise

__all__ = ["RegionRecord", "Gazetteer", "region_forms", "ru_case_forms"]

_OBLAST = ("область", "области", "областью", "обл")
_ADJ = ("ая", "ой", "ую", "ою")
_GOROD = ("город", "города", "городе", "городу", "городом", "г")
_HUSHING = set("гкхжшчщ")
_KK_POSSESSED = frozenset({"облысы", "қаласы", "ауданы"})


@dataclass(frozen=True)
class RegionRecord:
    """A region as the gazetteer needs it. ``variants``: other spellings and former names in any
    language (cities that stand for the region, e.g. ``Semey`` for Abai Region, go here)."""

    code: str
    name_en: str = ""
    name_ru: str = ""
    name_kk: str = ""
    variants: tuple[str, ...] = field(default_factory=tuple)


def _coerce(region: Any) -> RegionRecord:
    get = region.get if isinstance(region, Mapping) else lambda k, d=None: getattr(region, k, d)
    code = get("code")
    if not code or not isinstance(code, str):
        raise ValueError(f"region record without a code: {region!r}")
    variants = get("variants") or ()
    if isinstance(variants, str):
        variants = [v for v in variants.split(";")]
    return RegionRecord(code, get("name_en") or "", get("name_ru") or "", get("name_kk") or "",
                        tuple(v.strip() for v in variants if v and v.strip()))


def ru_case_forms(word: str) -> list[str]:
    """Russian case forms of a one-word place name by its ending (``астана`` → ``астаны,
    астане, астану, астаной``; ``костанай`` → ``костаная …``; indeclinable ``-ы/-о/-у/-е``
    names give none). Lower-case input; the word itself is not included."""
    if len(word) < 3:
        return []
    last, stem = word[-1], word[:-1]
    if last == "а":
        return [stem + e for e in ("и" if stem[-1] in _HUSHING else "ы", "е", "у", "ой", "ою")]
    if last == "я":
        return [stem + e for e in ("и", "е", "ю", "ей")]
    if last == "й":
        return [stem + e for e in ("я", "ю", "е", "ем")]
    if "б" <= last <= "щ" and last not in "аеиоуыэюяйь":
        return [word + e for e in ("а", "у", "е", "ом")]
    return []


def region_forms(record: RegionRecord | Mapping[str, Any]) -> dict[tuple[str, ...], int]:
    """All token sequences naming the region, each with its priority (3: from an official name,
    2: from a variant, 1: derived by dropping "город"/"қаласы"/"city"). Raises ``ValueError``
    for a record without a code."""
    rec = record if isinstance(record, RegionRecord) else _coerce(record)
    out: dict[tuple[str, ...], int] = {}

    def put(tokens: Iterable[str], prio: int) -> None:
        """Record one form, keeping its highest priority."""
        key = tuple(tokens)
        if key and out.get(key, 0) < prio:
            out[key] = prio

    def phrase(raw: str, prio: int) -> None:
        """Record a name and the forms generated from it."""
        toks = normalise(raw).split()
        if not toks:
            return
        put(toks, prio)
        capitals = [c for c in raw if c.isalpha()]
        if len(capitals) >= 2 and all(c.isupper() for c in capitals):
            return  # abbreviation (ВКО, SKO): no inflection
        last = toks[-1]
        if last in ("область", "обл") and len(toks) >= 2 and toks[-2].endswith("ая"):
            adj = toks[-2][:-2]
            for end in _ADJ:
                for noun in _OBLAST:
                    put((*toks[:-2], adj + end, noun), prio)
            return
        if toks[0] in ("область", "обл") and len(toks) >= 2:
            for noun in _OBLAST:
                put((noun, *toks[1:]), prio)
            return
        if toks[0] in _GOROD and len(toks) >= 2:
            for noun in _GOROD:
                put((noun, *toks[1:]), prio)
            phrase(" ".join(toks[1:]), 1)
            return
        if last in ("region", "oblast", "province", "oblysy") and len(toks) >= 2:
            for noun in ("region", "oblast", "province", "oblysy"):
                put((*toks[:-1], noun), prio)
            return
        if last == "city" and len(toks) >= 2:
            put(toks[:-1], 1)
            return
        if last == "қаласы" and len(toks) >= 2:
            phrase(" ".join(toks[:-1]), 1)
        if any("а" <= ch <= "я" or ch in "әғқңөұүһі" for ch in last):
            for form in kk_case_forms(last, possessive=True if last in _KK_POSSESSED else None):
                put((*toks[:-1], form), prio)
            if not has_kk_letters(last) and last not in _KK_POSSESSED:
                for form in ru_case_forms(last):
                    put((*toks[:-1], form), prio)

    for name in (rec.name_en, rec.name_ru, rec.name_kk):
        if name:
            phrase(name, 3)
    for variant in rec.variants:
        phrase(variant, 2)
    return out


class Gazetteer:
    """Aho-Corasick gazetteer of regions. Build with :meth:`build`; query with :meth:`find`."""

    def __init__(self, matcher: Matcher, codes: list[str], ambiguous: list[tuple[str, ...]]) -> None:
        self._matcher = matcher
        self.codes = codes
        #: Forms claimed by two regions with equal priority, hence not indexed.
        self.ambiguous = ambiguous

    @classmethod
    def build(cls, regions: Iterable[RegionRecord | Mapping[str, Any] | Any]) -> Gazetteer:
        """Build from region records: :class:`RegionRecord`, mappings or objects with attributes
        ``code, name_en, name_ru, name_kk, variants`` (``variants`` a list, or a string separated
        by ``;``). Raises ``ValueError`` for a record without a code or a repeated code."""
        claims: dict[tuple[str, ...], dict[str, int]] = {}
        codes: list[str] = []
        for raw in regions:
            rec = raw if isinstance(raw, RegionRecord) else _coerce(raw)
            if rec.code in codes:
                raise ValueError(f"region code {rec.code} given twice")
            codes.append(rec.code)
            for form, prio in region_forms(rec).items():
                claims.setdefault(form, {})[rec.code] = prio
        matcher = Matcher()
        ambiguous: list[tuple[str, ...]] = []
        for form, by_code in claims.items():
            best = max(by_code.values())
            winners = [c for c, p in by_code.items() if p == best]
            if len(winners) > 1:
                ambiguous.append(form)
                continue
            alias = " ".join(form)
            rule = "title" if len(form) == 1 else None
            matcher.add(Entry(winners[0], alias, "region", None, rule), [alias])
        matcher.freeze()
        return cls(matcher, codes, ambiguous)

    def find(self, doc: Document) -> list[Match]:
        """Region matches in a prepared document (see :meth:`Matcher.find`)."""
        return self._matcher.find(doc)
