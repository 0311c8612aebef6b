"""The analysers an upload needs, cached per process: the NGO alias index (rebuilt when the registry
changes), the region gazetteer and the tone scorer (rebuilt when a new tone model is stored).

A worker notices a change by a cheap query per batch: the NGO and alias counts with the latest
``updated_at``/alias id, and the stored model's version key. Nothing is kept that another worker
needs: each builds its own copy from the database.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import threading
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from analysis.text import AliasIndex, Gazetteer, ToneScorer, ngo_alias_records
from models import NGO, NGOAlias, Region, Setting, db

log = logging.getLogger("senim.media")
MODEL_KEY = "tone_model"
MODEL_VERSION_KEY = "tone_model.version"


@dataclass(frozen=True)
class Analysers:
    """Everything ``analyse_article`` needs plus lookups for storing its results."""

    index: AliasIndex
    gazetteer: Gazetteer
    scorer: ToneScorer
    #: ISO code → Region.id
    region_ids: dict[str, int]
    #: NGO id → registry name (English, else Russian, else Kazakh)
    ngo_names: dict[int, str]


_lock = threading.Lock()
_cache: dict[str, tuple[Any, Any]] = {}


def ngo_display_name(ngo: NGO) -> str:
    """The registry name of an NGO as the API reports it: English, else Russian, else Kazakh."""
    return ngo.name_en or ngo.name_ru or ngo.name_kk or f"#{ngo.id}"


def _registry_key() -> tuple[Any, ...]:
    ngo = db.session.execute(select(func.count(NGO.id), func.max(NGO.updated_at), func.max(NGO.id))).one()
    alias = db.session.execute(select(func.count(NGOAlias.id), func.max(NGOAlias.id))).one()
    return (*ngo, *alias)


def _build_index() -> tuple[AliasIndex, dict[int, str]]:
    records = []
    names: dict[int, str] = {}
    aliases: dict[int, list[str]] = {}
    for ngo_id, alias in db.session.execute(select(NGOAlias.ngo_id, NGOAlias.alias)):
        aliases.setdefault(ngo_id, []).append(alias)
    for ngo in db.session.scalars(select(NGO)):
        names[ngo.id] = ngo_display_name(ngo)
        records += ngo_alias_records(ngo.id, name_en=ngo.name_en, name_ru=ngo.name_ru, name_kk=ngo.name_kk,
                                     aliases=aliases.get(ngo.id, ()))
    return AliasIndex.build(records), names


def model_version() -> str | None:
    """The version key of the stored tone model (``None`` when none is stored)."""
    row = db.session.get(Setting, MODEL_VERSION_KEY)
    return (row.value or {}).get("sha256") if row is not None else None


def model_mac(blob: bytes) -> str:
    """HMAC-SHA256 (hex) of stored tone-model bytes under a key derived from the app's secret key.

    A model is a pickle, and unpickling runs code: the MAC makes the settings row alone (a
    database restored from elsewhere, an injected row) unable to run anything in a worker."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    key = hmac.new(secret, b"senim tone model v1", hashlib.sha256).digest()
    return hmac.new(key, blob, hashlib.sha256).hexdigest()


def stored_model_bytes() -> bytes | None:
    """The stored tone model's bytes, or ``None`` when none is stored or its MAC does not match
    this deployment's secret key (then logged: retrain with ``senim tone train``)."""
    row = db.session.get(Setting, MODEL_KEY)
    if row is None or not isinstance(row.value, dict) or not row.value.get("b64"):
        return None
    try:
        blob = base64.b64decode(str(row.value["b64"]), validate=True)
    except (ValueError, TypeError):
        log.warning("the stored tone model is not base64: ignored (lexicon and VADER are used)")
        return None
    if not hmac.compare_digest(str(row.value.get("mac", "")), model_mac(blob)):
        log.warning("the stored tone model is not signed with this deployment's secret key: ignored "
                    "(lexicon and VADER are used; retrain with `senim tone train`)")
        return None
    return blob


def analysers() -> Analysers:
    """The current analysers, rebuilt only when the registry, the regions or the model changed."""
    reg_key = _registry_key()
    region_rows = list(db.session.scalars(select(Region)))
    region_key = tuple(sorted((r.code, r.id) for r in region_rows))
    version = model_version()
    with _lock:
        hit = _cache.get("index")
        if hit is None or hit[0] != reg_key:
            hit = _cache["index"] = (reg_key, _build_index())
        index, names = hit[1]
        ghit = _cache.get("gazetteer")
        if ghit is None or ghit[0] != region_key:
            ghit = _cache["gazetteer"] = (region_key, Gazetteer.build(region_rows))
        shit = _cache.get("scorer")
        if shit is None or shit[0] != version:
            blob = stored_model_bytes() if version else None
            try:
                scorer = ToneScorer(blob)
            except ValueError:  # an unreadable stored model: fall back to the lexicon and VADER
                scorer = ToneScorer(None)
            shit = _cache["scorer"] = (version, scorer)
    return Analysers(index=index, gazetteer=ghit[1], scorer=shit[1], region_ids=dict(region_key),
                     ngo_names=names)


def clear_cache() -> None:
    """Forget the cached analysers (tests; after a bulk registry change in the same process)."""
    with _lock:
        _cache.clear()
