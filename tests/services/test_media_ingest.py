"""ingest_articles: validation, mentions, tone, duplicates, savepoints."""
from __future__ import annotations

from sqlalchemy import func, select

from models import Article, AuditLog, Mention, Outlet
from surveyapp.services.media import ingest_articles
from tests.factories import HOSTILE_STRINGS, make_user
from tests.media_helpers import PUBLISHED, RU_TEXT, media_ngos, ru_item


def _ingest(user, *items):
    return ingest_articles([(f"item {i}", it) for i, it in enumerate(items, 1)], uploader=user)


def test_russian_article_gets_two_ngos_a_region_and_tones(db, regions):
    cnok, alliance = media_ngos()
    user = make_user("monitor")
    report = _ingest(user, ru_item())
    db.session.commit()
    result = report.items[0]
    assert result.status == "accepted" and result.stored
    assert result.language == "ru"
    assert {m["ngo_id"] for m in result.mentions} == {cnok.id, alliance.id}
    assert "KZ-35" in result.regions
    by_ngo = {m["ngo_id"]: m for m in result.mentions if m["field"] == "text"}
    assert by_ngo[cnok.id]["label"] == "positive"
    assert by_ngo[alliance.id]["label"] == "negative"
    assert by_ngo[cnok.id]["ngo"] == "Confederation of NGOs of Kazakhstan"
    article = db.session.get(Article, result.id)
    assert article.uploaded_by_id == user.id and article.duplicate_group_id == article.id
    for m in article.mentions:
        if m.start != m.end:
            assert article.body[m.start:m.end] == m.matched
    assert db.session.scalar(select(func.count()).select_from(Outlet)) == 1
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "article.upload")).one()


def test_bad_items_are_rejected_without_blocking_good_ones(db, regions):
    media_ngos()
    user = make_user("monitor")
    report = _ingest(user, ru_item(text=""), ru_item(published="yesterday"), ru_item(url="javascript:alert(1)"),
                     ru_item(url="https://a.example/2"), "not an object", ru_item(title="x\x00y", url=None),
                     ru_item(language="de", url="https://a.example/3"))
    db.session.commit()
    assert [r.status for r in report.items] == ["rejected", "rejected", "rejected", "accepted", "rejected",
                                                "rejected", "rejected"]
    assert report.items[0].reason == "text is empty"
    assert "published" in report.items[1].reason
    assert report.counts == {"accepted": 1, "duplicate": 0, "rejected": 6}
    assert db.session.scalar(select(func.count()).select_from(Article)) == 1


def test_same_url_is_not_stored_twice_and_syndicated_copy_joins_group(db, regions):
    media_ngos()
    user = make_user("monitor")
    other = make_user("monitor")
    first = _ingest(user, ru_item()).items[0]
    again = _ingest(user, ru_item(url="http://www.stepnoy.example/news/forum/?utm_source=x")).items[0]
    copy = _ingest(other, ru_item(url="https://dala.example/kz/1", outlet="Дала хабары",
                                  text=RU_TEXT + " Источник: Степной вестник.")).items[0]
    db.session.commit()
    assert again.status == "duplicate" and not again.stored and again.duplicate_of == first.id
    assert copy.status == "duplicate" and copy.stored and copy.duplicate_of == first.id
    stored = db.session.get(Article, copy.id)
    assert stored.duplicate_group_id == first.id and stored.status == "duplicate"
    assert db.session.scalar(select(func.count()).select_from(Article)) == 2
    far = _ingest(other, ru_item(url="https://dala.example/kz/2", outlet="Дала хабары",
                                 published=PUBLISHED.replace(month=6).isoformat(),
                                 text=RU_TEXT + " Повтор через два месяца.")).items[0]
    assert far.status == "accepted"


def test_reupload_without_url_same_outlet_is_duplicate(db, regions):
    user = make_user("monitor")
    a = _ingest(user, ru_item(url=None)).items[0]
    b = _ingest(user, ru_item(url=None)).items[0]
    assert a.status == "accepted" and b.status == "duplicate" and not b.stored


def test_hostile_strings_stored_verbatim(db, regions):
    user = make_user("monitor")
    items = [ru_item(title=s if s.strip() else "t", text=f"{s} текст статьи номер {i}", url=f"https://h.example/{i}")
             for i, s in enumerate(HOSTILE_STRINGS)]
    report = _ingest(user, *items)
    db.session.commit()
    assert all(r.status in ("accepted", "duplicate") for r in report.items), [r.reason for r in report.items]
    titles = set(db.session.scalars(select(Article.title)))
    assert "=HYPERLINK(\"http://evil.example/\",\"click\")" in titles
    assert "<script>alert(1)</script>" in titles and "{{7*7}}" in titles


def test_kazakh_and_english_languages(db, regions):
    user = make_user("monitor")
    report = _ingest(user,
                     ru_item(title="Жаңалық", text="Қазақстандағы үкіметтік емес ұйымдар жаңа жобаны бастады. "
                             "Ұйым өкілдері әлеуметтік көмек көрсетті.", url="https://kk.example/1"),
                     ru_item(title="News", text="The Civil Alliance of Kazakhstan held a great meeting in Kostanai. "
                             "Volunteers praised the event.", url="https://en.example/1"))
    assert [r.language for r in report.items] == ["kk", "en"]
    assert report.items[1].regions == ["KZ-39"]


def test_mentions_are_not_half_written_when_a_mention_fails(db, regions, monkeypatch):
    media_ngos()
    user = make_user("monitor")
    from surveyapp.services.media import ingest as module

    real = module._mention_rows

    def broken(article, mentions, tools):
        rows = real(article, mentions, tools)
        rows[0].tone = 5.0  # violates the tone range check on flush
        return rows

    monkeypatch.setattr(module, "_mention_rows", broken)
    report = _ingest(user, ru_item())
    monkeypatch.setattr(module, "_mention_rows", real)
    report2 = _ingest(user, ru_item(url="https://ok.example/1", text=RU_TEXT + " Ещё."))
    db.session.commit()
    assert report.items[0].status == "rejected" and "could not be stored" in report.items[0].reason
    assert report2.items[0].status == "accepted"
    assert db.session.scalar(select(func.count()).select_from(Article)) == 1
    assert db.session.scalar(select(func.count()).select_from(Mention)) >= 2


def test_find_mentions_in_stored_articles(db, regions):
    from surveyapp.services.media.reanalyse import find_mentions_in_stored

    cnok, _alliance = media_ngos()
    article = Article(title="t", body=RU_TEXT, published_on=PUBLISHED, content_hash="x" * 64, synthetic=True)
    db.session.add(article)
    db.session.flush()
    assert find_mentions_in_stored([article]) >= 3
    assert find_mentions_in_stored([article]) == 0  # already analysed
    assert article.language == "ru"
    assert any(m.ngo_id == cnok.id and m.tone_source == "lexicon" for m in article.mentions)
