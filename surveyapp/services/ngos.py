"""The NGO registry: validate, create, update and search NGOs. Flushes; callers commit.

Duplicate rule: two NGOs are the same when they share a BIN, or when any name of one (kk/ru/en)
equals any name of the other after ``normalise_name`` (Unicode NFKC, case-folded, runs of
whitespace collapsed, ``ё`` read as ``е`` and typographic quotes read as ``"``). Aliases are not
compared: two organisations may share an abbreviation.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import NGO, NGOAlias, AuditLog, Region, db
from models.ngo import SECTORS

from .errors import ConflictError, ValidationError

NAME_FIELDS = ("name_kk", "name_ru", "name_en")
MAX_NAME = 300
MAX_DESCRIPTION = 10_000
MAX_ALIASES = 100
BIN_RE = re.compile(r"^[0-9]{12}$")
_QUOTES = "«»“”„‟″"
T = TypeVar("T")


@dataclass
class NGOInput:
    """What a person or a file says about an NGO; ``region`` is an ISO code, empty for national."""

    name_kk: str | None = None
    name_ru: str | None = None
    name_en: str | None = None
    aliases: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)
    bin: str | None = None
    sector: str | None = None
    region: str | None = None
    website: str | None = None
    description: str | None = None


@dataclass
class CleanNGO:
    """A validated ``NGOInput``: stripped values, ``None`` for empty, the region resolved."""

    names: dict[str, str | None]
    aliases: list[str]
    abbreviations: list[str]
    bin: str | None
    sector: str
    region: Region | None
    website: str | None
    description: str | None


class DuplicateNGOError(ConflictError):
    """The BIN or a name is already in the registry; ``field`` is the input field that collides."""

    def __init__(self, field_name: str, existing_id: int, existing_name: str) -> None:
        what = "BIN" if field_name == "bin" else "name"
        super().__init__(f"An NGO with this {what} already exists: #{existing_id} {existing_name}",
                         {field_name: f"already used by NGO #{existing_id} {existing_name}"})
        self.field = field_name
        self.existing_id = existing_id
        self.existing_name = existing_name


def normalise_name(value: str) -> str:
    """The comparison key of a name: NFKC, case-folded, whitespace collapsed, ё→е, quotes unified."""
    text = unicodedata.normalize("NFKC", value).casefold().replace("ё", "е")
    for quote in _QUOTES:  # a loop of str.replace is several times faster than str.translate here
        if quote in text:
            text = text.replace(quote, '"')
    return " ".join(text.split())


#: Kazakh letters (and ё) sort right after their base letters, as in the Kazakh and Russian alphabets.
_ALPHABET = str.maketrans({k: v + "\uffff" for k, v in zip("әғқңөұһіё", "агкноухые")} | {"ү": "у\uffff\uffff"})


def sort_key(value: str) -> str:
    """A key that orders Kazakh, Russian and English names alphabetically (case-insensitive)."""
    return value.casefold().translate(_ALPHABET)


def _has_control(value: str, allowed: str = "\t") -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in value)


def _text(value: str | None, name: str, errors: dict[str, str], limit: int = MAX_NAME,
          allowed: str = "\t") -> str | None:
    """Strip spaces (never tabs or other characters: values are stored verbatim); empty → None."""
    if value is None or not value.strip():
        return None
    value = value.strip(" ")
    if len(value) > limit:
        errors[name] = f"at most {limit} characters (got {len(value)})"
    elif _has_control(value, allowed):
        errors[name] = "contains control characters"
    return value


def _alias_list(values: list[str], name: str, errors: dict[str, str]) -> list[str]:
    out: list[str] = []
    for raw in values:
        value = _text(raw, name, errors)
        if value is not None and value not in out:
            out.append(value)
    if len(out) > MAX_ALIASES:
        errors[name] = f"at most {MAX_ALIASES} entries"
    return out


def clean_bin(value: str | None) -> str | None:
    """The BIN without spaces, or None when empty. Raises ValidationError unless it is 12 digits.

    Only the format is checked (the check-digit rule is not verified here).
    """
    raw = "".join((value or "").split())
    if not raw:
        return None
    if not BIN_RE.match(raw):
        hint = " (a spreadsheet may have dropped a leading zero)" if raw.isdigit() and len(raw) == 11 else ""
        raise ValidationError("Invalid BIN", {"bin": f"must be exactly 12 digits{hint}"})
    return raw


def clean_website(value: str | None) -> str | None:
    """An ``http``/``https`` URL with a host, or None when empty; anything else → ValidationError."""
    url = (value or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if len(url) > MAX_NAME or any(c.isspace() for c in url) or _has_control(url, ""):
        raise ValidationError("Invalid website", {"website": "not a valid web address"})
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError("Invalid website", {"website": "must start with http:// or https://"})
    return url


def region_for_code(code: str | None, regions: dict[str, Region] | None = None) -> Region | None:
    """The region with this ISO 3166-2 code; None for empty/``national``. Unknown → ValidationError.

    ``regions`` (code → Region, e.g. from ``regions_by_code``) saves a query per call in bulk imports.
    """
    code = (code or "").strip().upper()
    if code in ("", "NATIONAL"):
        return None
    if regions is None:
        regions = {r.code: r for r in db.session.scalars(select(Region))}
    if code in regions:
        return regions[code]
    new = next((r.code for r in regions.values() if r.code_pre2022 == code), None)
    hint = f" (since 2022 the code is {new})" if new else ""
    raise ValidationError("Unknown region", {"region": f"unknown region code {code[:12]!r}{hint}"})


def _collect(check: Callable[[], T], errors: dict[str, str]) -> T | None:
    try:
        return check()
    except ValidationError as exc:
        errors.update(exc.fields)
        return None


def clean_ngo_input(data: NGOInput, *, regions: dict[str, Region] | None = None) -> CleanNGO:
    """Validate every field at once. Raises ValidationError whose ``fields`` lists each problem.

    ``regions`` (code → Region) avoids a query per call during bulk imports.
    """
    errors: dict[str, str] = {}
    names = {f: _text(getattr(data, f), f, errors) for f in NAME_FIELDS}
    if not any(names.values()):
        errors["name"] = "give at least one name (Kazakh, Russian or English)"
    aliases = _alias_list(data.aliases, "aliases", errors)
    abbreviations = _alias_list(data.abbreviations, "abbreviations", errors)
    aliases = [a for a in aliases if a not in abbreviations]
    sector = (data.sector or "").strip().lower() or "other"
    if sector not in SECTORS:
        errors["sector"] = f"unknown sector {sector[:40]!r}; allowed: {', '.join(SECTORS)}"
    description = _text(data.description, "description", errors, MAX_DESCRIPTION, "\t\r\n")
    bin_value = _collect(lambda: clean_bin(data.bin), errors)
    website = _collect(lambda: clean_website(data.website), errors)
    region = _collect(lambda: region_for_code(data.region, regions), errors)
    if errors:
        raise ValidationError("Invalid NGO: " + "; ".join(f"{k}: {v}" for k, v in errors.items()), errors)
    return CleanNGO(names, aliases, abbreviations, bin_value, sector, region, website, description)


class DuplicateIndex:
    """BINs and normalised names already taken, each pointing at (NGO id, label)."""

    def __init__(self) -> None:
        self.by_bin: dict[str, tuple[int, str]] = {}
        self.by_name: dict[str, tuple[int, str]] = {}

    @classmethod
    def from_db(cls, exclude_id: int | None = None) -> DuplicateIndex:
        """Every NGO in the registry except ``exclude_id`` (the one being edited)."""
        index = cls()
        rows = db.session.execute(select(NGO.id, NGO.bin, NGO.name_en, NGO.name_ru, NGO.name_kk))
        for ngo_id, bin_value, *names in rows:
            if ngo_id != exclude_id:
                label = next((n for n in names if n), "")
                index.add(bin_value, names, (ngo_id, label))
        return index

    def add(self, bin_value: str | None, names: Iterable[str | None], ref: tuple[int, str]) -> None:
        """Mark a BIN and names as taken by ``ref``; the first claimant is kept."""
        if bin_value:
            self.by_bin.setdefault(bin_value, ref)
        for name in names:
            if name:
                self.by_name.setdefault(normalise_name(name), ref)

    def find(self, clean: CleanNGO) -> tuple[str, tuple[int, str]] | None:
        """(colliding field, (id, label)) for the first collision, else None."""
        if clean.bin and clean.bin in self.by_bin:
            return "bin", self.by_bin[clean.bin]
        for key, name in clean.names.items():
            if name and normalise_name(name) in self.by_name:
                return key, self.by_name[normalise_name(name)]
        return None


def _check_duplicates(clean: CleanNGO, exclude_id: int | None = None) -> None:
    hit = DuplicateIndex.from_db(exclude_id).find(clean)
    if hit is not None:
        field_name, (ngo_id, label) = hit
        raise DuplicateNGOError(field_name, ngo_id, label)


def _snapshot(ngo: NGO) -> dict[str, Any]:
    return {
        **{f: getattr(ngo, f) for f in NAME_FIELDS},
        "aliases": [a.alias for a in ngo.aliases if a.kind != "abbreviation"],
        "abbreviations": [a.alias for a in ngo.aliases if a.kind == "abbreviation"],
        "bin": ngo.bin, "sector": ngo.sector, "region": ngo.region.code if ngo.region else None,
        "website": ngo.website, "description": ngo.description,
    }


def ngo_columns(clean: CleanNGO) -> dict[str, Any]:
    """The NGO row's column values for ``clean`` (aliases are rows of their own: ``alias_kinds``)."""
    return {**clean.names, "bin": clean.bin, "sector": clean.sector,
            "region_id": clean.region.id if clean.region else None,
            "website": clean.website, "description": clean.description}


def alias_kinds(clean: CleanNGO) -> dict[str, str]:
    """Alias text → kind (``alias`` or ``abbreviation``)."""
    return {a: "abbreviation" for a in clean.abbreviations} | {a: "alias" for a in clean.aliases}


def apply_clean(ngo: NGO, clean: CleanNGO) -> None:
    """Copy validated values onto ``ngo``; alias rows are kept, re-kinded, added or removed by text."""
    for key, value in ngo_columns(clean).items():
        if key != "region_id":
            setattr(ngo, key, value)
    ngo.region = clean.region
    wanted = alias_kinds(clean)
    for row in list(ngo.aliases):
        if row.alias not in wanted:
            ngo.aliases.remove(row)
        elif wanted[row.alias] == "abbreviation" or row.kind == "abbreviation":
            row.kind = wanted[row.alias]  # a ``name`` kind set elsewhere is kept
    present = {row.alias for row in ngo.aliases}
    for alias, kind in wanted.items():
        if alias not in present:
            ngo.aliases.append(NGOAlias(alias=alias, kind=kind))


def create_ngo(data: NGOInput, *, user_id: int | None = None) -> NGO:
    """Add an NGO with its aliases and an ``ngo.create`` audit row; returns it (flushed, with an id).

    Raises ValidationError (bad or missing fields) or DuplicateNGOError (BIN or a name taken).
    """
    clean = clean_ngo_input(data)
    _check_duplicates(clean)
    ngo = NGO()
    apply_clean(ngo, clean)
    db.session.add(ngo)
    db.session.flush()
    fields = {k: v for k, v in _snapshot(ngo).items() if v not in (None, [])}
    db.session.add(AuditLog(user_id=user_id, action="ngo.create", object_type="ngo", object_id=str(ngo.id),
                            detail={"fields": fields}))
    db.session.flush()
    return ngo


def update_ngo(ngo: NGO, data: NGOInput, *, user_id: int | None = None) -> dict[str, dict[str, Any]]:
    """Replace an NGO's fields with ``data``; returns the changes as {field: {"old", "new"}}.

    Writes an ``ngo.update`` audit row when something changed. Raises ValidationError or
    DuplicateNGOError (another NGO has this BIN or name); nothing is changed then.
    """
    clean = clean_ngo_input(data)
    _check_duplicates(clean, exclude_id=ngo.id)
    before = _snapshot(ngo)
    apply_clean(ngo, clean)
    after = _snapshot(ngo)
    changes = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
    if changes:
        db.session.add(AuditLog(user_id=user_id, action="ngo.update", object_type="ngo", object_id=str(ngo.id),
                                detail={"changes": changes}))
    db.session.flush()
    return changes


def get_ngo(ngo_id: int) -> NGO | None:
    """The NGO with its aliases and region loaded, or None."""
    return db.session.scalar(
        select(NGO).where(NGO.id == ngo_id).options(selectinload(NGO.aliases), selectinload(NGO.region))
    )


@dataclass(frozen=True)
class NGOPage:
    """One page of a registry search: the NGOs (aliases and region loaded) and the total found."""

    items: list[NGO]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Number of pages, at least 1."""
        return max(1, -(-self.total // self.per_page))


def search_ngos(query: str | None = None, *, region: str | None = None, sector: str | None = None,
                page: int = 1, per_page: int = 50) -> NGOPage:
    """NGOs whose name, alias or BIN contains ``query`` (case-insensitive in any script), sorted by name.

    ``region`` is an ISO code or ``national`` (no home region); ``sector`` one of SECTORS. An unknown
    region or sector matches nothing. Matching happens in Python on ``normalise_name`` keys because
    SQLite's and a C-locale PostgreSQL's ``lower()`` fold only ASCII letters. ``page`` is clamped
    to the last page. Never raises for bad input.
    """
    stmt = select(NGO.id, NGO.name_en, NGO.name_ru, NGO.name_kk, NGO.bin)
    if sector:
        stmt = stmt.where(NGO.sector == sector)
    if region:
        if region.strip().lower() == "national":
            stmt = stmt.where(NGO.region_id.is_(None))
        else:
            stmt = stmt.where(NGO.region_id == select(Region.id).where(Region.code == region.strip().upper())
                              .scalar_subquery())
    rows = db.session.execute(stmt).all()
    needle = normalise_name(query or "")[:MAX_NAME]
    if needle:
        aliases: dict[int, list[str]] = {}
        for ngo_id, alias in db.session.execute(select(NGOAlias.ngo_id, NGOAlias.alias)):
            aliases.setdefault(ngo_id, []).append(alias)
        rows = [r for r in rows if any(needle in normalise_name(text) for text in
                                       [*(n for n in r[1:4] if n), *aliases.get(r[0], [])])
                or (needle.isdigit() and len(needle) >= 4 and r[4] and needle in r[4])]
    rows.sort(key=lambda r: (sort_key(r[1] or r[2] or r[3] or ""), r[0]))
    per_page = max(1, per_page)
    total = len(rows)
    page = min(max(1, page), max(1, -(-total // per_page)))
    ids = [r[0] for r in rows[(page - 1) * per_page: page * per_page]]
    loaded = {n.id: n for n in db.session.scalars(
        select(NGO).where(NGO.id.in_(ids)).options(selectinload(NGO.aliases), selectinload(NGO.region)))}
    return NGOPage([loaded[i] for i in ids], total, page, per_page)
