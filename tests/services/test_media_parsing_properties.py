"""Properties of article file parsing (``services/media/parsing.py``, ``feeds.py``): any bytes in any
declared format give items or a clear ImportFileError, never another exception; CSV, JSON Lines and
RSS written by a tool come back with the same titles and texts, Kazakh letters included."""
from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from surveyapp.services.media.feeds import check_xml, html_to_text, parse_feed
from surveyapp.services.media.parsing import ItemParseError, ParsedFile, parse_upload
from surveyapp.services.ngo_import import ImportFileError

KAZAKH = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
LETTERS = KAZAKH + "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙ" + "abcdefXYZ0123456789"
#: Text a journalist writes: letters, spaces, line breaks, quotes and the delimiters a CSV must survive.
article_text = st.text(st.sampled_from(LETTERS + " \n,;\t\"'«»—-.!?=+@()"), min_size=1, max_size=80) \
    .filter(lambda s: s.strip())
FILENAMES = st.sampled_from([None, "a.csv", "a.tsv", "a.txt", "a.json", "a.jsonl", "a.ndjson", "a.xml", "a.rss",
                             "a.csv.php", "../../instance/app.db", "noext", "a.CSV"])


def _items(parsed: ParsedFile) -> list[dict]:
    assert all(isinstance(ref, str) and ref for ref, _item in parsed.items)
    return [item for _ref, item in parsed.items]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=500), FILENAMES, st.sampled_from([None, "csv", "jsonl", "json", "rss"]))
def test_any_bytes_give_items_or_a_clear_error(data, filename, fmt):
    try:
        parsed = parse_upload(data, filename, fmt)
    except ImportFileError as exc:
        assert exc.fields["file"]
        return
    assert parsed.format in ("csv", "jsonl", "json", "rss") and parsed.items
    for _ref, item in parsed.items:
        assert isinstance(item, ItemParseError) and item.reason or item is None or isinstance(
            item, (dict, list, str, int, float, bool))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), FILENAMES)
def test_any_text_gives_items_or_a_clear_error(text, filename):
    """Text that looks like each format (leading "[", "{", "<", a header), in UTF-8."""
    for prefix in ("", "[", "{", "<", "title,text\n", '{"text": '):
        try:
            parse_upload((prefix + text).encode("utf-8", errors="surrogatepass"), filename)
        except (ImportFileError, UnicodeEncodeError):
            pass


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(article_text, article_text), min_size=1, max_size=5),
       st.sampled_from([",", ";", "\t"]), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
       st.sampled_from(["\n", "\r\n"]))
def test_csv_round_trip(rows, delimiter, encoding, newline):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerows([("title", "text"), *rows])
    parsed = parse_upload(out.getvalue().encode(encoding), "articles.csv")
    assert [(i["title"], i["text"]) for i in _items(parsed)] == rows


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries({"title": article_text, "text": article_text,
                                       "published": st.dates().map(str)}), min_size=1, max_size=5),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_json_lines_and_json_round_trip(items, newline, ascii_only):
    lines = newline.join(json.dumps(i, ensure_ascii=ascii_only) for i in items).encode("utf-8")
    assert _items(parse_upload(lines, "a.jsonl")) == items
    assert _items(parse_upload(json.dumps(items, ensure_ascii=ascii_only).encode(), "a.json")) == items
    assert _items(parse_upload(json.dumps({"items": items}).encode(), "a.json")) == items


def _rss(entries: list[tuple[str, str, str]]) -> bytes:
    body = "".join(f"<item><title>{escape(t)}</title><description>{escape(d)}</description>"
                   f"<pubDate>{escape(p)}</pubDate></item>" for t, d, p in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Қазақ үні</title>'
            f"{body}</channel></rss>").encode("utf-8")


def _folded(text: str) -> str:
    """What ``html_to_text`` makes of plain text: spaces folded within lines, blank lines dropped."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


feed_text = st.text(st.sampled_from(LETTERS + " \n,;\"'«».!?"), min_size=1, max_size=60).filter(lambda s: s.strip())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(feed_text, feed_text, st.text(max_size=40)), min_size=1, max_size=4))
def test_rss_round_trip_with_any_date_text(entries):
    """Titles and texts come back (whitespace folded); a date string of any shape is a date or None."""
    entries = [(t, d, "".join(c for c in p if c.isprintable())) for t, d, p in entries]
    parsed = parse_upload(_rss(entries), "feed.xml")
    items = _items(parsed)
    assert [i["title"] for i in items] == [_folded(t) for t, _d, _p in entries]
    assert [i["text"] for i in items] == [_folded(d) for _t, d, _p in entries]
    assert all(i["outlet"] == "Қазақ үні" for i in items)
    assert all(i["published"] is None or len(i["published"]) == 10 for i in items)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_check_xml_and_parse_feed_never_raise_anything_else(data):
    for call in (check_xml, parse_feed):
        try:
            call(b"<?xml version='1.0'?>" + data)
            call(data)
        except ImportFileError:
            pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_html_to_text_keeps_no_markup_and_no_blank_lines(html):
    text = html_to_text(html)
    assert "\n\n" not in text and text == text.strip()
    assert "<script" not in text.lower() or "<script" in html.lower()


def test_feed_dates_outside_the_calendar_are_left_empty():
    """Regression: feedparser reads "00" as year -99 and "0000-01-01" as year 0; the date used to raise
    ValueError out of parse_feed (a failed upload). Those entries now have no publication date."""
    odd = ["00", "0000-01-01", "9999-12-31T23:59:59-23:59", "not a date"]
    items = [item for _ref, item in parse_feed(_rss([("Title", "Text", d) for d in odd]))]
    assert [i["published"] for i in items] == [None] * len(odd)
    good = [item for _ref, item in parse_feed(_rss([("T", "x", "Tue, 14 Apr 2026 10:00:00 +0500")]))]
    assert good[0]["published"] == "2026-04-14"
