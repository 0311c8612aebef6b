"""The NGO alias index: every name, alias and abbreviation of every NGO in one pair of automata.

Multi-word names and aliases are matched on stems (pymorphy3 lemmas for Russian, the Kazakh
suffix stripper, Snowball for English) *and* on their exact normalised form, so inflected
mentions are found ("Конфедерации неправительственных организаций Казахстана"). Single-word
aliases and abbreviations are matched exactly on word boundaries, and their capitalisation must
agree with the registry (``КНОК`` in capitals; a one-word name with a leading capital), because
stemming or case-folding them floods false hits.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .document import Document
from .matcher import Entry, Match, Matcher, case_rule_of
from .normalise import has_kk_letters, normalise
from .stemming import MODES, stem_keys

__all__ = ["ALIAS_KINDS", "AliasRecord", "AliasIndex", "ngo_alias_records"]

ALIAS_KINDS = ("name", "alias", "abbreviation")


@dataclass(frozen=True, slots=True)
class AliasRecord:
    """One name of one NGO: ``kind`` is name | alias | abbreviation; ``language`` kk | ru | en or
    None (informative only: stems are indexed for both Cyrillic modes)."""

    ngo_id: Hashable
    alias: str
    kind: str = "alias"
    language: str | None = None


def _coerce(record: AliasRecord | tuple[Any, ...] | Mapping[str, Any]) -> AliasRecord:
    if isinstance(record, AliasRecord):
        rec = record
    elif isinstance(record, Mapping):
        rec = AliasRecord(record["ngo_id"], record["alias"], record.get("kind") or "alias", record.get("language"))
    else:
        rec = AliasRecord(*record)
    if rec.kind not in ALIAS_KINDS:
        raise ValueError(f"alias kind must be one of {ALIAS_KINDS}, got {rec.kind!r} for {rec.alias!r}")
    if not isinstance(rec.alias, str):
        raise ValueError(f"alias must be a string, got {type(rec.alias).__name__}")
    return rec


def _guess_language(text: str) -> str:
    if has_kk_letters(text):
        return "kk"
    return "ru" if any("а" <= ch <= "я" for ch in text.lower()) else "en"


def ngo_alias_records(
    ngo_id: Hashable,
    *,
    name_en: str | None = None,
    name_ru: str | None = None,
    name_kk: str | None = None,
    aliases: Iterable[str] = (),
) -> list[AliasRecord]:
    """Alias records for one NGO row: its three names (kind ``name``) and its aliases — an alias
    written in capitals with at most 10 letters (``КНОК``, ``CNOK``) becomes an
    ``abbreviation``, others ``alias``; languages are guessed from the script. Blank values are
    skipped. Raises nothing."""
    out: list[AliasRecord] = []
    for lang, name in (("en", name_en), ("ru", name_ru), ("kk", name_kk)):
        if name and name.strip():
            out.append(AliasRecord(ngo_id, name.strip(), "name", lang))
    for alias in aliases:
        alias = (alias or "").strip()
        if not alias:
            continue
        letters = [ch for ch in alias if ch.isalpha()]
        abbreviation = 2 <= len(letters) <= 10 and all(ch.isupper() for ch in letters) and " " not in alias
        out.append(AliasRecord(ngo_id, alias, "abbreviation" if abbreviation else "alias", _guess_language(alias)))
    return out


class AliasIndex:
    """Aho-Corasick index of NGO names. Build with :meth:`build`; query with :meth:`find`."""

    def __init__(self, matcher: Matcher, n_records: int) -> None:
        self._matcher = matcher
        self.n_records = n_records

    @classmethod
    def build(cls, records: Iterable[AliasRecord | tuple[Any, ...] | Mapping[str, Any]]) -> AliasIndex:
        """Index alias records — :class:`AliasRecord`, tuples ``(ngo_id, alias, kind, language)``
        or mappings with those keys (``kind`` defaults to ``alias``).

        Aliases that normalise to nothing (punctuation only) are skipped. Raises ``ValueError``
        for an unknown kind or a non-string alias; ``KeyError`` for a mapping without
        ``ngo_id``/``alias``.
        """
        matcher = Matcher()
        n = 0
        for raw in records:
            rec = _coerce(raw)
            tokens = normalise(rec.alias).split()
            if not tokens:
                continue
            n += 1
            entry = Entry(rec.ngo_id, rec.alias, rec.kind, rec.language or _guess_language(rec.alias),
                          case_rule_of(rec.alias, len(tokens), rec.kind))
            surface = " ".join(tokens)
            if len(tokens) == 1 or rec.kind == "abbreviation":
                matcher.add(entry, [surface])
            else:
                matcher.add(entry, [surface], {" ".join(stem_keys(tokens, mode)) for mode in MODES}, tokens)
        matcher.freeze()
        return cls(matcher, n)

    @property
    def size(self) -> int:
        """Number of distinct automaton keys (surface and stem)."""
        return self._matcher.size

    def find(self, doc: Document) -> list[Match]:
        """NGO matches in a prepared document (see :meth:`Matcher.find`)."""
        return self._matcher.find(doc)

    def scan_surface(self, stream: str) -> int:
        """Count raw surface-automaton hits in a pre-built token stream (benchmark helper)."""
        auto = self._matcher.surface
        return 0 if auto is None else sum(1 for _ in auto.iter(stream))
