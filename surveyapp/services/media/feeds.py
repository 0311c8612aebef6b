"""RSS and Atom files: a DTD or any entity declaration is refused before feedparser sees the bytes
(defusedxml), so entity expansion ("billion laughs") and external entities (files, URLs) never
happen; feedparser is given bytes, never a URL, so it makes no connection."""
from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from ..ngo_import import ImportFileError

_BLOCK = {"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"}


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (tags dropped, script/style content dropped, blocks as lines)."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def check_xml(data: bytes) -> None:
    """Raise ImportFileError unless ``data`` is well-formed XML without a DTD or entities."""
    try:
        fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportFileError("The feed declares a DTD or entities, which are not accepted "
                              "(entity expansion and external entities are refused)") from None
    except (ParseError, ValueError) as exc:
        raise ImportFileError(f"The feed is not well-formed XML: {str(exc)[:120]}") from None


def _date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key) if key in entry else None  # `in`: no feedparser fallback to published_parsed
        if value and 1 <= value.tm_year <= 9999:  # feedparser reads "-99" and the like as years
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
    return None


def parse_feed(data: bytes) -> list[tuple[str, dict[str, Any]]]:
    """(reference, raw article) for each entry of an RSS/Atom feed. The outlet is the feed's title;
    the text is the entry's content (else its summary) as plain text. Raises ImportFileError for
    XML that is refused or not a feed."""
    check_xml(data)
    import io

    import feedparser

    parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True)
    if not parsed.get("version") and not parsed.entries:
        raise ImportFileError("The XML file is not an RSS or Atom feed")
    outlet = html_to_text(parsed.feed.get("title", "") or "") or None
    out = []
    for n, entry in enumerate(parsed.entries, start=1):
        content = entry.get("content") or []
        body = content[0].get("value", "") if content else entry.get("summary", "")
        out.append((f"entry {n}", {
            "title": html_to_text(entry.get("title", "") or ""),
            "text": html_to_text(body or ""),
            "url": entry.get("link") or None,
            "published": _date(entry),
            "outlet": outlet,
        }))
    return out
