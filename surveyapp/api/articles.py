"""``/articles``: monitors upload articles (one object or a list) and read their own back.

``POST /articles`` takes at most ``MAX_ITEMS`` articles per request (larger sets: ``senim articles
import`` or the web upload, which runs in the background). A list gets a per-item report (a bad
item never blocks the others): 201 when something was stored, else 200. A single object that is
rejected gets 422 with the reason. Fields other than the article's (``uploaded_by_id``, ``role``,
``status`` …) are ignored: the uploader is always the caller.
"""
from __future__ import annotations

import json
from typing import Annotated, Any, Literal, Optional, Union

from flask import Response, jsonify, request
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field, RootModel

from models import db

from ..database import own_write_transaction, write_transaction
from ..services.media import article_result, ingest_articles
from ..services.media.chunks import ingest_in_chunks
from ..services.media.review import get_article_for
from . import bp
from .jsonbody import ApiError
from .openapi import operation, path_param
from .schemas import ErrorOut

MAX_ITEMS = 1000


class ArticleIn(BaseModel):
    """One article (DESIGN.md §3). Unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", title="ArticleIn")
    title: Optional[str] = Field(None, max_length=1000, description="Headline (the first line of text when empty).")
    text: str = Field(min_length=1, max_length=200_000, description="Body text.")
    outlet: Optional[str] = Field(None, max_length=200, description="Outlet name; created on first sight.")
    url: Optional[str] = Field(None, max_length=2000, description="http(s) address of the article.")
    published: str = Field(description="Publication date (ISO, e.g. 2026-04-14).")
    language: Optional[Literal["kk", "ru", "en"]] = Field(None, description="Detected when absent.")


ListItem = Annotated[Any, Field(description="An ArticleIn; any other value is reported as a rejected item.")]


class ArticlesIn(RootModel[Union[ArticleIn, Annotated[list[ListItem], Field(min_length=1, max_length=MAX_ITEMS)]]]):
    """The request body: one ArticleIn, or a list of 1 to 1000 items each reported on by itself (an item
    that is not a valid ArticleIn is ``rejected`` with the reason; the others still count)."""

    model_config = ConfigDict(title="ArticlesIn")


class MentionOut(BaseModel):
    id: Optional[int] = None
    ngo_id: int
    ngo: str
    matched: str
    sentence: str
    tone: Optional[float] = Field(None, ge=-1, le=1)
    label: Optional[Literal["negative", "neutral", "positive"]] = None
    tone_source: Optional[str] = None
    status: Optional[str] = None
    field: Literal["title", "text"] = "text"


class ItemOut(BaseModel):
    ref: str
    id: Optional[int] = None
    status: Literal["accepted", "duplicate", "rejected"]
    reason: str = ""
    duplicate_of: Optional[int] = None
    stored: bool = False
    language: Optional[str] = None
    mentions: list[MentionOut] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    field: Optional[str] = None


class UploadOut(BaseModel):
    items: list[ItemOut]
    total: int
    counts: dict[str, int]


class ArticleOut(BaseModel):
    id: int
    status: str
    title: str
    text: str
    outlet: Optional[str] = None
    url: Optional[str] = None
    published: str
    language: Optional[str] = None
    duplicate_group_id: Optional[int] = None
    duplicate_of: Optional[int] = None
    mentions: list[MentionOut]
    regions: list[str]


def _require_monitor() -> None:
    """401 JSON for anonymous callers, 403 for roles other than monitor and admin."""
    if not current_user.is_authenticated:
        raise ApiError(401, "Authentication required: send Authorization: Bearer <token>")
    if current_user.role not in ("monitor", "admin"):
        raise ApiError(403, "Only media monitors and administrators may do this")


def _body() -> tuple[list[Any], bool]:
    """(raw items, whether the body was a single object)."""
    if request.mimetype != "application/json":
        raise ApiError(415, "Send the body as JSON with Content-Type: application/json",
                       {"Content-Type": "must be application/json"})
    try:
        data = json.loads(request.get_data(cache=False).decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "The body is not valid UTF-8", {"body": "not UTF-8"}) from None
    except RecursionError:
        raise ApiError(400, "The JSON body is nested too deeply", {"body": "nested too deeply"}) from None
    except ValueError as exc:
        raise ApiError(400, "The body is not valid JSON", {"body": str(exc)[:200]}) from None
    if isinstance(data, dict):
        return [data], True
    if not isinstance(data, list) or not data:
        raise ApiError(422, "The body must be an article object or a non-empty list of them",
                       {"body": "object or list expected"})
    if len(data) > MAX_ITEMS:
        raise ApiError(413, f"At most {MAX_ITEMS} articles per request; upload larger sets as a file",
                       {"body": f"{len(data)} items"})
    return data, False


@bp.post("/articles")
@operation("/articles", "post", summary="Upload articles", tags=["articles"], request=ArticlesIn, auth=True,
           description="One article object, or a list of at most 1000. Each item gets a result: accepted, "
                       "duplicate (with the article it duplicates) or rejected with a reason.",
           responses={201: ("Per-item results; something was stored", UploadOut),
                      200: ("Per-item results; nothing new was stored", UploadOut),
                      400: ("Unreadable body", ErrorOut), 401: ("No or bad token", ErrorOut),
                      403: ("Not a monitor", ErrorOut), 413: ("Too large", ErrorOut),
                      415: ("Not JSON", ErrorOut), 422: ("A single article that was rejected", ErrorOut)})
@own_write_transaction  # SQLite: a list is analysed with no write lock held, then stored in short batches
def upload_articles() -> tuple[Response, int]:
    _require_monitor()
    raw, single = _body()
    items = [(f"item {i}", item) for i, item in enumerate(raw, start=1)]
    if single:
        with write_transaction(db.session):
            report = ingest_articles(items, uploader=current_user, source="api")
            if report.items[0].status == "rejected":
                db.session.rollback()
                item = report.items[0]
                raise ApiError(422, item.reason, {item.field or "body": item.reason})
            db.session.commit()
    else:  # commits as it goes: a failure keeps the items already reported stored
        report = ingest_in_chunks(items, uploader=current_user, source="api", chunk=MAX_ITEMS)
    stored = any(r.stored for r in report.items)
    body = {"items": [r.as_dict() for r in report.items], "total": len(report.items), "counts": report.counts}
    return jsonify(body), 201 if stored else 200


@bp.get("/articles/<int:article_id>")
@operation("/articles/{article_id}", "get", summary="An uploaded article with its mentions", tags=["articles"],
           parameters=[path_param("article_id")], auth=True,
           responses={200: ("The article", ArticleOut), 401: ("No or bad token", ErrorOut),
                      403: ("Not a monitor", ErrorOut), 404: ("Unknown, or another monitor's upload", ErrorOut)})
def get_article(article_id: int) -> Response:
    _require_monitor()
    return jsonify(article_result(get_article_for(current_user, article_id)))
