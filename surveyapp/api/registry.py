"""``GET /regions``, ``GET /ngos`` (search, filter, paginated) and ``POST /ngos`` (admin).

Validation is the NGO registry's own (``surveyapp.services.ngos``): the API and the admin form
accept and refuse the same things. Errors are ``{"error", "fields"}`` naming the field.
"""
from __future__ import annotations

from typing import Optional

from flask import Response, jsonify, request
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from models import NGO, Region, db
from models.ngo import SECTORS

from ..services.ngos import NGOInput, create_ngo, search_ngos
from . import bp
from .jsonbody import ApiError, parse_json
from .openapi import operation, query_param
from .schemas import ErrorOut

MAX_PER_PAGE = 200


class RegionOut(BaseModel):
    code: str = Field(description="ISO 3166-2 code, e.g. KZ-75")
    kind: str = Field(description="region | city")
    name_en: str
    name_ru: str
    name_kk: str
    variants: list[str]
    population: int


class RegionList(BaseModel):
    items: list[RegionOut]
    total: int


class NgoItem(BaseModel):
    id: int
    name: str = Field(description="Registry name: English, else Russian, else Kazakh.")
    name_en: Optional[str] = None
    name_ru: Optional[str] = None
    name_kk: Optional[str] = None
    aliases: list[str]
    bin: Optional[str] = None
    sector: str
    region: Optional[str] = Field(None, description="ISO code of the home region; null for national.")
    website: Optional[str] = None


class NgoList(BaseModel):
    items: list[NgoItem]
    total: int
    page: int
    per_page: int


class NgoIn(BaseModel):
    """An NGO to add to the registry (at least one name)."""

    model_config = ConfigDict(extra="forbid")
    name_en: Optional[str] = Field(None, max_length=300)
    name_ru: Optional[str] = Field(None, max_length=300)
    name_kk: Optional[str] = Field(None, max_length=300)
    aliases: list[str] | str = Field(default_factory=list, description="A list, or one string separated by ';'.")
    abbreviations: list[str] = Field(default_factory=list)
    bin: Optional[str] = Field(None, max_length=20)
    sector: Optional[str] = Field(None, description="One of the registry's sectors; default other.")
    region: Optional[str] = Field(None, description="ISO 3166-2 code; empty or null for national.")
    website: Optional[str] = Field(None, max_length=300)
    description: Optional[str] = Field(None, max_length=5000)


def ngo_item(ngo: NGO) -> dict[str, object]:
    return NgoItem(id=ngo.id, name=ngo.name, name_en=ngo.name_en, name_ru=ngo.name_ru, name_kk=ngo.name_kk,
                   aliases=[a.alias for a in ngo.aliases], bin=ngo.bin, sector=ngo.sector,
                   region=ngo.region.code if ngo.region else None, website=ngo.website).model_dump()


def _int_arg(name: str, default: int, upper: int | None = None) -> int:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise ApiError(422, f"Give {name} only once", {name: "repeated"})
    if not values or not values[0]:  # empty means absent, as everywhere in the API
        return default
    raw = values[0]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:  # "²".isdigit() is True
        raise ApiError(422, f"{name} must be a positive whole number", {name: "not a positive whole number"})
    if upper is not None and int(raw) > upper:
        raise ApiError(422, f"{name} must be at most {upper}", {name: f"at most {upper}"})
    return int(raw)


@bp.get("/regions")
@operation("/regions", "get", summary="The 20 first-level units of Kazakhstan", tags=["registry"],
           responses={200: ("The regions", RegionList)})
def regions() -> Response:
    rows = list(db.session.scalars(select(Region).order_by(Region.code)))
    items = [RegionOut(code=r.code, kind=r.kind, name_en=r.name_en, name_ru=r.name_ru, name_kk=r.name_kk,
                       variants=list(r.variants or []), population=r.population).model_dump() for r in rows]
    return jsonify({"items": items, "total": len(items)})


@bp.get("/ngos")
@operation("/ngos", "get", summary="Search the NGO registry", tags=["registry"],
           parameters=[query_param("q", {"type": "string"}, "Text in any name, alias or the BIN."),
                       query_param("region", {"type": "string"}, "ISO code, or 'national'."),
                       query_param("sector", {"type": "string", "enum": list(SECTORS)}),
                       query_param("page", {"type": "integer", "minimum": 1}),
                       query_param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE})],
           responses={200: ("One page of NGOs", NgoList), 422: ("Bad parameter", ErrorOut)})
def list_ngos() -> Response:
    sector = request.args.get("sector") or None
    if sector is not None and sector not in SECTORS:
        raise ApiError(422, "Unknown sector", {"sector": "one of " + ", ".join(SECTORS)})
    region = request.args.get("region") or None
    if region is not None and region.lower() != "national" and db.session.scalar(
            select(Region.id).where(Region.code == region.upper())) is None:
        raise ApiError(422, "Unknown region", {"region": "an ISO 3166-2 code such as KZ-75, or national"})
    page = search_ngos(request.args.get("q", "")[:300], region=region, sector=sector,
                       page=_int_arg("page", 1), per_page=_int_arg("per_page", 50, MAX_PER_PAGE))
    return jsonify({"items": [ngo_item(n) for n in page.items], "total": page.total, "page": page.page,
                    "per_page": page.per_page})


@bp.post("/ngos")
@operation("/ngos", "post", summary="Add an NGO to the registry (admin)", tags=["registry"], auth=True,
           request=NgoIn,
           responses={201: ("Created", NgoItem), 400: ("Unreadable body", ErrorOut), 401: ("Not signed in", ErrorOut),
                      403: ("Not an admin", ErrorOut), 409: ("Same BIN or name as an existing NGO", ErrorOut),
                      413: ("Body too large", ErrorOut), 415: ("Not JSON", ErrorOut),
                      422: ("Invalid NGO", ErrorOut)})
def create_ngo_api() -> tuple[Response, int]:
    if not current_user.is_authenticated:
        raise ApiError(401, "Authentication required", {})
    if current_user.role != "admin":
        raise ApiError(403, "Administrators only", {})
    body = parse_json(NgoIn)
    aliases = body.aliases.split(";") if isinstance(body.aliases, str) else body.aliases
    data = NGOInput(name_kk=body.name_kk, name_ru=body.name_ru, name_en=body.name_en,
                    aliases=[a.strip() for a in aliases if a.strip()], abbreviations=body.abbreviations,
                    bin=body.bin, sector=body.sector, region=body.region, website=body.website,
                    description=body.description)
    ngo = create_ngo(data, user_id=current_user.id)
    db.session.commit()
    return jsonify(ngo_item(ngo)), 201
