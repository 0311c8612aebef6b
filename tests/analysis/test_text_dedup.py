"""Duplicate groups: URL, content hash, word 3-gram cosine within ±7 days."""
from __future__ import annotations

from datetime import date

import pytest

from analysis.text import DuplicateIndex, content_hash, cosine, find_duplicate, fingerprint, normalise_url, shingles
from analysis.text.dedup import pack_shingles, unpack_shingles

STORY = ("Конфедерация неправительственных организаций Казахстана провела в Астане форум, на котором "
         "представители более ста организаций обсудили доступ к государственному социальному заказу, "
         "прозрачность грантов и работу с волонтёрами в регионах. Участники приняли резолюцию.")
OTHER = ("В Шымкенте открылся новый центр для детей с особыми потребностями. Его построили на средства "
         "местного бизнеса, а работать в нём будут специалисты из трёх городов страны.")


@pytest.mark.parametrize(("url", "key"), [
    ("HTTP://WWW.Example.KZ/news/1/?utm_source=tg&utm_medium=x&id=5#top", "https://example.kz/news/1?id=5"),
    ("https://example.kz/news/1?id=5&fbclid=abc", "https://example.kz/news/1?id=5"),
    ("https://example.kz:443/a/?b=2&a=1", "https://example.kz/a?a=1&b=2"),
    ("https://example.kz:8080/a", "https://example.kz:8080/a"),
    ("https://example.kz/", "https://example.kz"),
    ("ftp://example.kz/a", None),
    ("not a url", None),
    ("", None),
    (None, None),
    ("http://[::1", None),
])
def test_url_normalisation(url: str | None, key: str | None) -> None:
    assert normalise_url(url) == key


def test_content_hash_ignores_case_punctuation_and_spacing() -> None:
    assert content_hash("Фонд помог.  Всем!") == content_hash("фонд помог всем")
    assert content_hash("Фонд помог") != content_hash("Фонд не помог")


def test_shingles_and_cosine() -> None:
    a, b = shingles(STORY), shingles(STORY + " Редакция.")
    assert cosine(a, a) == 1.0 and cosine(a, b) > 0.9
    assert cosine(a, shingles(OTHER)) < 0.05
    assert cosine(a, frozenset()) == 0.0
    assert len(shingles("два слова")) == 1 and shingles("") == frozenset()
    assert shingles("один два три") == shingles("Один, два — три!")
    assert unpack_shingles(pack_shingles(a)) == a
    with pytest.raises(ValueError):
        unpack_shingles(b"123")


def test_shingle_hashes_are_stable_across_processes() -> None:
    import subprocess
    import sys

    code = "from analysis.text import shingles; print(sorted(shingles('фонд помог семьям в астане')))"
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout for seed in ("1", "2")}
    assert len(outs) == 1


def test_find_duplicate_by_url_hash_and_shingles_within_the_window() -> None:
    first = fingerprint(1, STORY, url="https://a.kz/n/1", published=date(2026, 3, 1))
    copy = fingerprint(2, STORY, url="https://b.kz/x", published=date(2026, 3, 2))
    edited = fingerprint(3, "Редакция сообщает. " + STORY[:-25], url="https://c.kz/y", published=date(2026, 3, 5))
    late = fingerprint(4, "Редакция сообщает. " + STORY[:-25], url="https://d.kz/z", published=date(2026, 3, 20))
    same_url = fingerprint(5, OTHER, url="http://www.a.kz/n/1/?utm_source=x", published=date(2026, 5, 1))
    other = fingerprint(6, OTHER, url="https://e.kz/o", published=date(2026, 3, 2))

    assert find_duplicate(first, []) is None
    assert find_duplicate(copy, [first]).reason == "content_hash"  # type: ignore[union-attr]
    m = find_duplicate(edited, [first, other])
    assert m is not None and (m.article_id, m.group_id, m.reason) == (1, 1, "shingles") and m.similarity >= 0.5
    assert find_duplicate(late, [first]) is None  # 19 days apart
    assert find_duplicate(same_url, [first]).reason == "url"  # type: ignore[union-attr]
    assert find_duplicate(other, [first]) is None
    assert find_duplicate(first, [first]) is None  # itself
    grouped = fingerprint(7, STORY[:-30], published=date(2026, 3, 3), group_id=None)
    member = fingerprint(8, "x", published=date(2026, 3, 3), group_id=1)
    assert member.group == 1 and grouped.group == 7


def test_duplicate_index_groups_an_incoming_stream() -> None:
    idx = DuplicateIndex()
    day = date(2026, 4, 1)
    results = [
        idx.add(fingerprint("a", STORY, published=day)),
        idx.add(fingerprint("b", OTHER, published=day)),
        idx.add(fingerprint("c", "Срочно. " + STORY[:-20], published=day)),
        idx.add(fingerprint("d", STORY[30:] + " Подробности позже.", published=day)),
        idx.add(fingerprint("e", STORY, published=date(2026, 6, 1))),  # same hash: always a duplicate
        idx.add(fingerprint("f", "Срочно. " + STORY[:-20], published=date(2026, 6, 1))),  # too late by cosine
    ]
    assert [r.reason if r else None for r in results] == [None, None, "shingles", "shingles", "content_hash",
                                                         "content_hash"]
    groups = idx.groups()
    assert groups == {"a": "a", "b": "b", "c": "a", "d": "a", "e": "a", "f": "a"}
    assert len(idx) == 6


def test_duplicate_index_ignores_boilerplate_shingles_for_search_but_not_for_scoring() -> None:
    idx = DuplicateIndex(max_postings=2)
    boiler = " ".join(f"подписывайтесь на канал номер {i}" for i in range(3))
    for i in range(5):
        idx.add(fingerprint(i, f"{boiler} новость {i} " + " ".join(f"слово{i}_{j}" for j in range(40))))
    assert idx.add(fingerprint("copy", f"{boiler} новость 3 " + " ".join(f"слово3_{j}" for j in range(40)))) is not None


def test_long_texts_are_found_through_the_sampled_index() -> None:
    import random

    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(3000)]
    base = [rng.choice(vocab) for _ in range(800)]
    edited = list(base)
    for i in rng.sample(range(800), 120):  # about 40 % of the 3-grams change
        edited[i] = rng.choice(vocab)
    unrelated = [rng.choice(vocab) for _ in range(800)]
    idx = DuplicateIndex()
    assert idx.add(fingerprint("base", " ".join(base))) is None
    assert idx.add(fingerprint("other", " ".join(unrelated))) is None
    match = idx.add(fingerprint("edited", " ".join(edited)))
    exact = cosine(shingles(base), shingles(edited))
    assert 0.5 <= exact < 0.7
    assert match is not None and match.article_id == "base" and match.similarity == round(exact, 4)
    short_copy = idx.add(fingerprint("short", " ".join(base[:150])))  # a short excerpt: cosine ≈ 0.43
    assert short_copy is None and cosine(shingles(base[:150]), shingles(base)) < 0.5


def test_prune_forgets_old_articles_for_shingles_but_not_for_hashes() -> None:
    idx = DuplicateIndex()
    idx.add(fingerprint("old", STORY, published=date(2026, 1, 1)))
    idx.add(fingerprint("undated", OTHER))
    assert idx.prune(date(2026, 1, 5)) == 1 and idx.prune(date(2026, 1, 5)) == 0
    assert idx.add(fingerprint("near", "Срочно. " + STORY[:-20], published=date(2026, 1, 3))) is None
    assert idx.add(fingerprint("same", STORY, published=date(2026, 1, 3))).reason == "content_hash"  # type: ignore[union-attr]
    assert idx.add(fingerprint("near2", OTHER + " Ещё.", published=date(2026, 1, 3))).article_id == "undated"  # type: ignore[union-attr]


def test_the_sample_a_fingerprint_carries_is_the_one_the_index_derives() -> None:
    import random
    from dataclasses import replace

    from analysis.text.dedup import SAMPLE_MIN, _sample

    rng = random.Random(5)
    vocab = [f"w{i}" for i in range(2000)]
    texts = [" ".join(rng.choice(vocab) for _ in range(n)) for n in (0, 2, 50, SAMPLE_MIN + 1, 600, 600)]
    texts.append(texts[-1][: len(texts[-1]) * 3 // 4] + " конец")  # a near copy of the last one
    with_sample, derived = DuplicateIndex(), DuplicateIndex()
    for i, text in enumerate(texts):
        fp = fingerprint(i, text)
        assert fp.sample == _sample(fp.shingles) and fp.sample <= fp.shingles
        assert (fp.sample == fp.shingles) == (len(fp.shingles) < SAMPLE_MIN)
        assert with_sample.add(fp) == derived.add(replace(fp, sample=None))
    assert with_sample.groups() == derived.groups() and with_sample.groups()[6] == 5


def test_postings_read_once_are_updated_as_a_plain_count_of_holders_gives() -> None:
    """``add`` reads each posting once and updates it from that read; the postings must be what
    counting the holders of each key gives (one: its index, up to max_postings: the list in arrival
    order, more: boilerplate), and a prune must leave no trace of the dropped articles."""
    import random
    from datetime import date, timedelta

    from analysis.text.dedup import _sample_of
    from analysis.text.dedup_index import _COMMON

    rng = random.Random(23)
    vocab = [f"w{i}" for i in range(12)]  # few words: shingles held by one, a few and many texts
    index = DuplicateIndex(max_postings=3)
    holders: dict[int, list[int]] = {}
    for i in range(120):
        words = [rng.choice(vocab) for _ in range(rng.choice((8, 30, 260)))]
        fp = fingerprint(i, " ".join(words), published=date(2026, 1, 1) + timedelta(days=i // 10))
        index.add(fp)
        for s in _sample_of(fp):
            holders.setdefault(s, []).append(i)
    expected = {s: ids[0] if len(ids) == 1 else ids if len(ids) <= 3 else _COMMON for s, ids in holders.items()}
    kinds = [type(v) is int and v >= 0 for v in expected.values()], [type(v) is list for v in expected.values()]
    assert all(sum(k) > 100 for k in kinds) and _COMMON in expected.values()
    assert index._postings == expected
    assert index.prune(date(2026, 1, 7)) == 60
    for s, ids in index._postings.items():
        assert ids == _COMMON or (ids >= 60 if type(ids) is int else all(j >= 60 for j in ids)), s
