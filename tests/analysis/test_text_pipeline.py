"""analyse_article end to end, and the offline guarantee (no downloads, no sockets)."""
from __future__ import annotations

import socket
from datetime import date
from typing import Any

import pytest

from analysis.text import AliasIndex, ArticleAnalysis, Gazetteer, ToneScorer, analyse_article, find_duplicate
from tests.analysis.test_text_mentions import CNOK, OTHERS, REGIONS

TITLE = "КНОК помогла жителям Костаная"
BODY = ("Конфедерация неправительственных организаций Казахстана оказала помощь пострадавшим в Карагандинской "
        "области. Однако представители КНОК не смогли помочь жителям г. Алматы.\n\n"
        "Қазақстанның үкіметтік емес ұйымдарының конфедерациясымен бірге Астанада кездесу өтті.\n"
        "The Confederation of Non-Governmental Organizations of Kazakhstan did a wonderful job in Semey.")


@pytest.fixture(scope="module")
def index() -> AliasIndex:
    return AliasIndex.build(CNOK + OTHERS)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.build(REGIONS)


def run(index: AliasIndex, gazetteer: Gazetteer, **kw: Any) -> ArticleAnalysis:
    return analyse_article(TITLE, BODY, index, gazetteer, ToneScorer(), article_id=10,
                           url="https://www.news.kz/a/1/?utm_source=tg", published=date(2026, 2, 1), **kw)


def test_analyse_article_finds_ngos_regions_and_tones(index: AliasIndex, gazetteer: Gazetteer) -> None:
    res = run(index, gazetteer)
    assert res.language == "ru"
    assert [s.language for s in res.sentences] == ["ru", "ru", "kk", "en"]
    # "г. Алматы" is the city (KZ-75), not Almaty Region (KZ-19)
    assert res.regions == ["KZ-10", "KZ-35", "KZ-39", "KZ-71", "KZ-75"]
    assert res.ngo_ids == [1]
    ngo = [m for m in res.mentions if m.kind == "ngo"]
    assert [(m.field, m.matched, m.label, m.tone_source) for m in ngo] == [
        ("title", "КНОК", "positive", "lexicon"),
        ("text", "Конфедерация неправительственных организаций Казахстана", "positive", "lexicon"),
        ("text", "КНОК", "negative", "lexicon"),
        ("text", "Қазақстанның үкіметтік емес ұйымдарының конфедерациясымен", "neutral", "lexicon"),
        ("text", "Confederation of Non-Governmental Organizations of Kazakhstan", "positive", "vader"),
    ]
    for m in res.mentions:
        source = TITLE if m.field == "title" else BODY
        assert source[m.start:m.end] == m.matched
        assert m.matched in m.sentence
        if m.kind == "ngo":
            assert m.tone is not None and -1 <= m.tone <= 1
        else:
            assert m.tone is None and m.region_code
    assert res.fingerprint.url_key == "https://news.kz/a/1"
    assert res.fingerprint.article_id == 10 and res.content_hash == res.fingerprint.content_hash


def test_a_copy_of_the_article_joins_its_group(index: AliasIndex, gazetteer: Gazetteer) -> None:
    first = run(index, gazetteer).fingerprint
    copy = analyse_article("Другой заголовок", BODY + " Источник: агентство.", index, gazetteer, None,
                           article_id=11, url="https://other.kz/b", published=date(2026, 2, 3))
    match = find_duplicate(copy.fingerprint, [first])
    assert match is not None and match.group_id == 10 and match.reason == "shingles"


def test_empty_and_odd_inputs(index: AliasIndex, gazetteer: Gazetteer) -> None:
    for title, text in (("", ""), (None, None), ("!!!", "\x00\x01 <script>alert(1)</script>"), ("", "   \n\n ")):
        res = analyse_article(title, text, index, gazetteer, ToneScorer())
        assert res.mentions == [] and res.regions == []
    res = analyse_article(None, "КНОК", None, None, None)
    assert res.mentions == [] and res.language == "ru"
    res = analyse_article("КНОК", "", index, None, None)
    assert [(m.field, m.tone) for m in res.mentions] == [("title", None)]


def test_nothing_is_downloaded_and_no_socket_is_opened(monkeypatch: pytest.MonkeyPatch, index: AliasIndex,
                                                       gazetteer: Gazetteer) -> None:
    import nltk

    from analysis.text import language, lexicon, stemming, vader

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network or download attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(nltk, "download", refuse)
    # Cold start: every model and lexicon is loaded again under the guard.
    monkeypatch.setattr(language, "_identifier", None)
    monkeypatch.setattr(vader, "_analyzer", None)
    monkeypatch.setattr(stemming, "_morph", None)
    monkeypatch.setattr(stemming, "_snowball", None)
    monkeypatch.setattr(stemming, "_lemmas", {})
    monkeypatch.setattr(stemming, "_caches", {"ru": {}, "kk": {}})
    lexicon.load_lexicon.cache_clear()
    res = analyse_article(TITLE, BODY, AliasIndex.build(CNOK), Gazetteer.build(REGIONS), ToneScorer())
    assert {m.tone_source for m in res.mentions if m.kind == "ngo"} == {"lexicon", "vader"}
