"""One article as uploaded (any source: form, API, CSV, JSON Lines, RSS) and its validation.

Fields (DESIGN.md §3): ``title, text, outlet, url, published`` (ISO date), optional ``language``.
Other fields are ignored — in particular ``uploaded_by``/``uploaded_by_id``/``role``/``status``
cannot be set by an upload (the uploader is the signed-in user). Text is stored verbatim (HTML,
template syntax and spreadsheet formulas included; pages escape it); only NUL characters, which
PostgreSQL cannot store, make an item invalid.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

MAX_TITLE = 1000
MAX_TEXT = 200_000
MAX_URL = 2000
MAX_OUTLET = 200
EARLIEST = dt.date(1990, 1, 1)
LANGUAGES = ("kk", "ru", "en")


class ItemError(ValueError):
    """An item that cannot be stored: ``reason`` says why, ``field`` names the field."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


@dataclass(frozen=True)
class ArticleInput:
    """A validated article: text fields stripped of surrounding whitespace, ``url`` http(s) or
    ``None``, ``language`` as given (kk | ru | en) or ``None`` to detect."""

    title: str
    text: str
    outlet: str | None
    url: str | None
    published: dt.date
    language: str | None = None


def _string(raw: Mapping[str, Any], name: str, limit: int) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ItemError(f"{name} must be text", name)
    if "\x00" in value:
        raise ItemError(f"{name} contains a NUL character", name)
    value = value.strip()
    if len(value) > limit:
        raise ItemError(f"{name} is longer than {limit:,} characters", name)
    return value or None


def parse_date(value: Any, *, today: dt.date | None = None) -> dt.date:
    """An ISO date (``2026-04-14``; a full ISO timestamp is cut to its date). Raises ItemError for
    a missing, malformed, pre-1990 or future (beyond tomorrow) date."""
    today = today or dt.date.today()
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            day = dt.date.fromisoformat(text[:10])
            if len(text) > 10:
                dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ItemError("published must be an ISO date such as 2026-04-14", "published") from None
    else:
        raise ItemError("published is missing (an ISO date such as 2026-04-14)", "published")
    if day < EARLIEST or day > today + dt.timedelta(days=1):
        raise ItemError(f"published {day.isoformat()} is out of range (1990 to today)", "published")
    return day


def clean_url(value: str | None) -> str | None:
    """``value`` if it is an http(s) address with a host; raises ItemError otherwise."""
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok or any(c.isspace() for c in value):
        raise ItemError("url must be a web address starting with http:// or https://", "url")
    return value


def clean_item(raw: Any, *, today: dt.date | None = None) -> ArticleInput:
    """Validate one uploaded item (a mapping of the fields above). Raises ItemError."""
    if not isinstance(raw, Mapping):
        raise ItemError("an article must be an object with title, text, outlet, url, published")
    text = _string(raw, "text", MAX_TEXT)
    if text is None:
        raise ItemError("text is empty", "text")
    title = _string(raw, "title", MAX_TITLE)
    if title is None:
        first = text.splitlines()[0].strip()
        title = first[:200] + ("…" if len(first) > 200 else "")
    language = _string(raw, "language", 10)
    if language is not None:
        language = language.lower()
        if language not in LANGUAGES:
            raise ItemError("language must be kk, ru or en", "language")
    url = clean_url(_string(raw, "url", MAX_URL))
    outlet = _string(raw, "outlet", MAX_OUTLET)
    if outlet is None and url is not None:
        outlet = (urlsplit(url).hostname or "").removeprefix("www.")[:MAX_OUTLET] or None
    return ArticleInput(title=title, text=text, outlet=outlet, url=url,
                        published=parse_date(raw.get("published"), today=today), language=language)
