"""`build_demo`: a seeded, labelled synthetic dataset (run small, on SQLite and PostgreSQL)."""
from __future__ import annotations

import math
import re

import pytest
from sqlalchemy import func, select, text

from models import (
    NGO, ApiToken, Answer, Article, Mention, NGOAlias, Outlet, Project, ProjectVote, Question, Region,
    Response, ResponseWeight, Setting, Survey, SurveyNGO, TransparencyChecklist, User,
)
from models.ngo import SECTORS
from surveyapp.services.demo import build_demo
from surveyapp.services.demo.model import WAVES
from surveyapp.services.demo.respondents import allocate
from surveyapp.services.errors import ConflictError, ValidationError
from tests.factories import make_ngo

SCALE = 0.05
PERIODS = ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
KAZAKH = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
FOLLOW_UPS = ("trust", "usefulness", "transparency", "project")


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def mean_trust(db, where: str, **params) -> float:
    """Mean stored trust answer (don't-knows and flagged responses excluded) for responses matching ``where``."""
    sql = text(
        "SELECT avg(a.value_num) FROM answers a JOIN questions q ON q.id = a.question_id "
        "JOIN responses r ON r.id = a.response_id JOIN regions g ON g.id = r.region_id "
        f"WHERE q.code = 'trust' AND a.value_num IS NOT NULL AND CAST(r.flags AS TEXT) = '[]' AND {where}"
    )
    return float(db.session.execute(sql, params).scalar())


def test_counts_and_labels_match_the_summary(db, regions):
    summary = build_demo(seed=11, scale=SCALE)
    assert summary.ngos == count(db, NGO) == 60 and summary.national_ngos == 10
    assert 1300 <= summary.responses == count(db, Response) <= 1700
    assert summary.answers == count(db, Answer) and 15 <= summary.answers / summary.responses <= 30
    assert summary.aliases == count(db, NGOAlias) and summary.checklists == count(db, TransparencyChecklist)
    assert summary.projects == count(db, Project) and summary.project_votes == count(db, ProjectVote) > 50
    assert (summary.outlets, summary.articles) == (count(db, Outlet), count(db, Article)) == (15, 40)
    assert summary.periods == PERIODS and summary.open_period == "2026-Q4"
    surveys = {s.period: s for s in db.session.scalars(select(Survey))}
    assert sorted(surveys) == list(PERIODS)
    assert [surveys[p].status for p in PERIODS] == ["closed"] * 4 + ["open"]
    open_n = db.session.scalar(select(func.count()).select_from(Response)
                               .where(Response.survey_id == surveys["2026-Q4"].id))
    assert open_n <= 5
    for period, wave in zip(PERIODS, WAVES):
        first, last = db.session.execute(select(func.min(Response.submitted_on), func.max(Response.submitted_on))
                                         .where(Response.survey_id == surveys[period].id)).one()
        assert first is None or wave.opens_on <= first <= last <= wave.closes_on
    # Synthetic everywhere, no weights yet, mentions found by the real pipeline, no accounts.
    assert db.session.scalar(select(func.count()).where(Response.synthetic.is_(False))) == 0
    assert db.session.scalar(select(func.count()).select_from(ResponseWeight)) == 0
    assert db.session.scalar(select(func.count()).where(ProjectVote.synthetic.is_(False))) == 0
    assert db.session.scalar(select(func.count()).where(Article.synthetic.is_(False))) == 0
    assert count(db, User) == count(db, ApiToken) == 0
    assert count(db, Mention) > 0
    assert db.session.scalar(select(func.count()).select_from(Mention).where(Mention.ngo_id.is_not(None))) > 0
    setting = db.session.get(Setting, "demo")
    assert setting.value["synthetic"] is True and "synthetic" in setting.value["note"]
    assert (setting.value["seed"], setting.value["scale"], setting.value["responses"]) == (11, SCALE, summary.responses)


def test_registry_looks_like_the_real_one(db, regions):
    build_demo(seed=3, scale=SCALE)
    ngos = list(db.session.scalars(select(NGO)))
    assert {n.sector for n in ngos} <= set(SECTORS) and len({n.sector for n in ngos}) >= 8
    bins = [n.bin for n in ngos if n.bin]
    assert len(bins) == len(set(bins)) >= 55 and all(re.fullmatch(r"\d{12}", b) for b in bins)
    assert all(n.name_kk and n.name_ru and n.name_en for n in ngos)
    per_region = {code: sum(n.region_id == r.id for n in ngos) for code, r in regions.items()}
    cities = [per_region[c] for c, r in regions.items() if r.kind == "city"]
    oblasts = [per_region[c] for c, r in regions.items() if r.kind == "region"]
    assert min(oblasts) >= 1 and min(cities) > max(oblasts)
    names = {n.name_en for n in ngos}
    assert {"Civil Alliance of Kazakhstan", "Confederation of NGOs of Kazakhstan"} <= names
    abbreviations = {(a.alias, a.language)
                     for a in db.session.scalars(select(NGOAlias).where(NGOAlias.kind == "abbreviation"))}
    assert {("КНОК", "ru"), ("CNOK", "en")} <= abbreviations and len(abbreviations) > 10
    sources = set(db.session.scalars(select(Project.funding_source)))
    assert {"state_social_order", "state_grant"} <= sources
    assert db.session.scalar(select(func.count()).where(Project.voting_open.is_(True))) > 5
    scores = {c.score for c in db.session.scalars(select(TransparencyChecklist))}
    assert len(scores) >= 4  # checklists vary between NGOs and years


def test_same_seed_gives_identical_data_and_another_seed_does_not(db, regions):
    def fingerprint(seed: int) -> tuple:
        summary = build_demo(seed=seed, scale=0.03)
        names = tuple(db.session.scalars(select(NGO.name_en).order_by(NGO.id).limit(8)))
        sums = tuple(db.session.execute(
            select(Question.code, func.count(Answer.id), func.sum(Answer.value_num))
            .join(Answer, Answer.question_id == Question.id).group_by(Question.code).order_by(Question.code)))
        submissions = tuple(sorted(str(s) for s in db.session.scalars(select(Response.submission_id))))
        titles = tuple(sorted(db.session.scalars(select(Article.title))))
        db.session.rollback()
        return summary.as_dict(), names, sums, submissions, titles

    first, again, other = fingerprint(2026), fingerprint(2026), fingerprint(2027)
    assert first == again
    assert first[2] != other[2] and first[3] != other[3]


def test_trust_varies_by_settlement_region_and_time(db, regions):
    build_demo(seed=2026, scale=0.08)
    urban, rural = mean_trust(db, "r.settlement = 'urban'"), mean_trust(db, "r.settlement = 'rural'")
    assert urban - rural > 0.1
    cities = mean_trust(db, "g.kind = 'city'")
    assert cities > rural + 0.1
    south = mean_trust(db, "g.code IN ('KZ-61', 'KZ-79', 'KZ-43')")
    west = mean_trust(db, "g.code IN ('KZ-23', 'KZ-47')")
    assert south - west > 0.3
    aware = {s: db.session.execute(text(
        "SELECT avg(a.value_num) FROM answers a JOIN questions q ON q.id = a.question_id "
        "JOIN responses r ON r.id = a.response_id WHERE q.code = 'aware' AND r.settlement = :s"), {"s": s}).scalar()
        for s in ("urban", "rural")}
    assert aware["urban"] - aware["rural"] > 0.1
    # Some NGOs fall or rise notably between 2026-Q1 and 2026-Q3 (what alerts should find).
    rows = db.session.execute(text(
        "SELECT a.ngo_id, s.period, avg(a.value_num), count(*) FROM answers a "
        "JOIN questions q ON q.id = a.question_id JOIN surveys s ON s.id = q.survey_id "
        "WHERE q.code = 'trust' AND a.value_num IS NOT NULL AND s.period IN ('2026-Q1', '2026-Q3') "
        "GROUP BY a.ngo_id, s.period")).all()
    means = {(ngo, period): (m, n) for ngo, period, m, n in rows}
    changes = [means[(ngo, "2026-Q3")][0] - means[(ngo, "2026-Q1")][0] for ngo, period in means
               if period == "2026-Q1" and (ngo, "2026-Q3") in means
               and min(means[(ngo, "2026-Q1")][1], means[(ngo, "2026-Q3")][1]) >= 40]
    assert min(changes) < -0.5 and max(changes) > 0.3
    assert sorted(changes)[len(changes) // 2] == pytest.approx(0, abs=0.15)


def test_thin_cells_stay_below_ten_respondents(db, regions):
    assert allocate(WAVES[1], regions, 1.0)["KZ-62"] == 7
    assert allocate(WAVES[0], regions, 5.0)["KZ-62"] == 9
    assert sum(allocate(WAVES[2], regions, 1.0).values()) == WAVES[2].responses
    assert allocate(WAVES[2], regions, 1.0)["KZ-62"] > 50


def test_follow_ups_exist_only_for_aware_respondents(db, regions):
    build_demo(seed=5, scale=SCALE)
    questions = {q.code: q for q in db.session.scalars(select(Question).join(Survey).where(Survey.period == "2026-Q2"))}
    assert questions["aware"].type == "yesno" and questions["aware"].per_ngo
    for code in FOLLOW_UPS:
        q = questions[code]
        assert (q.type, q.construct, q.per_ngo) == ("scale5", code, True)
        assert (q.depends_on_id, q.depends_value) == (questions["aware"].id, "yes")
    assert {q.type for q in questions.values()} == {"scale5", "scale10", "single", "multi", "yesno", "text"}
    assert not questions["comment"].required and questions["help_received"].options
    gated = db.session.execute(text(
        "SELECT count(*) FROM answers f JOIN questions qf ON qf.id = f.question_id "
        "JOIN questions qa ON qa.survey_id = qf.survey_id AND qa.code = 'aware' "
        "JOIN answers a ON a.response_id = f.response_id AND a.question_id = qa.id AND a.ngo_key = f.ngo_key "
        "WHERE qf.code IN ('trust', 'usefulness', 'transparency', 'project') AND a.value_num = 1")).scalar()
    unaware = db.session.execute(text(
        "SELECT count(*) FROM answers a JOIN questions q ON q.id = a.question_id "
        "WHERE q.code = 'aware' AND a.value_num = 0")).scalar()
    follow_ups = db.session.scalar(select(func.count()).select_from(Answer).join(Question)
                                   .where(Question.code.in_(FOLLOW_UPS)))
    dont_know = db.session.scalar(select(func.count()).select_from(Answer).join(Question)
                                  .where(Question.code.in_(FOLLOW_UPS), Answer.value_num.is_(None)))
    assert gated == follow_ups  # every follow-up has an aware = yes answer for the same NGO
    assert unaware > 1000 and follow_ups > 1000 and 0 < dont_know < follow_ups / 4


def test_answers_keep_the_ngo_key_invariant_and_the_ngo_sets(db, regions):
    build_demo(seed=8, scale=SCALE)
    assert db.session.scalar(select(func.count()).where(Answer.ngo_key != func.coalesce(Answer.ngo_id, 0))) == 0
    per_ngo_without_ngo = db.session.scalar(select(func.count()).select_from(Answer).join(Question)
                                            .where(Question.per_ngo.is_(True), Answer.ngo_id.is_(None)))
    general_with_ngo = db.session.scalar(select(func.count()).select_from(Answer).join(Question)
                                         .where(Question.per_ngo.is_(False), Answer.ngo_id.is_not(None)))
    assert per_ngo_without_ngo == general_with_ngo == 0
    asked = db.session.execute(text(
        "SELECT r.id, count(DISTINCT a.ngo_id) FROM responses r JOIN answers a ON a.response_id = r.id "
        "WHERE a.ngo_id IS NOT NULL GROUP BY r.id")).all()
    assert max(n for _, n in asked) == 6
    outside = db.session.execute(text(
        "SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id JOIN ngos n ON n.id = a.ngo_id "
        "WHERE (n.region_id IS NOT NULL AND n.region_id <> r.region_id) OR NOT EXISTS ("
        " SELECT 1 FROM survey_ngos s WHERE s.survey_id = r.survey_id AND s.ngo_id = a.ngo_id)")).scalar()
    assert outside == 0
    sets = dict(db.session.execute(select(Survey.period, func.count(SurveyNGO.ngo_id)).join(SurveyNGO)
                                   .group_by(Survey.period)).all())
    assert sets["2025-Q4"] < sets["2026-Q1"] == 60


def test_respondents_are_biased_flagged_and_anonymous(db, regions):
    build_demo(seed=2026, scale=0.08)
    rows = db.session.execute(select(Response.settlement, Response.age_group, Response.language, Response.channel,
                                     Response.flags, Response.duration_s, Response.payload_hash, Region.kind)
                              .join(Region)).all()
    n = len(rows)
    assert all(kind != "city" or settlement == "urban" for settlement, *_, kind in rows)
    languages = {lang: sum(r.language == lang for r in rows) / n for lang in ("kk", "ru", "en")}
    assert 0.35 < languages["kk"] < 0.6 and 0.35 < languages["ru"] < 0.6 and 0.02 < languages["en"] < 0.09
    assert {r.channel for r in rows} == {"web", "field"}
    young = sum(r.age_group == "18-29" for r in rows) / n
    assert young > 0.3  # about 0.23 of adults: the sample over-represents the young
    speeders = [r.duration_s for r in rows if r.flags == ["speeder"]]
    straight = [r for r in rows if r.flags == ["straightliner"]]
    assert 0.015 < len(speeders) / n < 0.05 and 0.01 < len(straight) / n < 0.035
    median = sorted(r.duration_s for r in rows)[n // 2]
    assert max(speeders) < median / 3
    assert all(re.fullmatch(r"[0-9a-f]{64}", r.payload_hash) for r in rows)
    assert len({r.payload_hash for r in rows}) > 0.99 * n


def test_articles_name_ngos_and_regions_in_three_languages(db, regions):
    build_demo(seed=2026, scale=SCALE)
    articles = list(db.session.scalars(select(Article)))
    assert {a.language for a in articles} == {"kk", "ru", "en"}
    copies = [a for a in articles if a.status == "duplicate"]
    by_id = {a.id: a for a in articles}
    assert len(copies) >= 2
    for copy in copies:
        source = by_id[copy.duplicate_group_id]
        assert source.status == "accepted" and source.title == copy.title and source.outlet_id != copy.outlet_id
        assert copy.body.startswith(source.body) and copy.url != source.url
    assert all(a.duplicate_group_id == a.id for a in articles if a.status == "accepted")
    assert all(WAVES[0].opens_on <= a.published_on <= WAVES[-1].closes_on for a in articles)
    corpus = " ".join(f"{a.title} {a.body}" for a in articles)
    for spelling in ("Kzyl-Orda", "Kostanai", "Nur-Sultan", "Алматинской области", "Карагандинской области"):
        assert spelling in corpus
    ngo_names = [n for n in db.session.scalars(select(NGO.name_ru))]
    assert sum(name in corpus for name in ngo_names) >= 5
    outlets = list(db.session.scalars(select(Outlet)))
    assert all(o.website.endswith(".example") and o.reach > 0 for o in outlets)
    assert sum(o.region_id is None for o in outlets) >= 3


def test_a_demo_story_uploaded_again_is_found_as_a_copy(db, regions):
    """Demo articles carry the same URL and content keys as uploaded ones (the same functions), so a
    monitor re-uploading a demo story, or its text weeks later elsewhere, is told it is a copy."""
    import datetime as dt

    from analysis.text import content_hash
    from surveyapp.services.media.duplicates import url_hash
    from surveyapp.services.media.ingest import ingest_articles
    from tests.factories import make_user

    build_demo(seed=2026, scale=SCALE)
    for article in db.session.scalars(select(Article)):
        assert article.url_hash == url_hash(article.url)
        assert article.content_hash == content_hash(f"{article.title}\n{article.body}")
    story = db.session.scalars(select(Article).where(Article.status == "accepted").order_by(Article.id)).first()
    base = {"title": story.title, "text": story.body, "language": story.language}
    again = {**base, "url": story.url.replace("https://", "HTTPS://www.") + "/?utm_source=tg",
             "outlet": story.outlet.name, "published": story.published_on.isoformat()}
    later = (story.published_on + dt.timedelta(days=40)).isoformat()  # outside the ±7-day similarity window:
    reprint = {**base, "url": "https://elsewhere.example/reprint/1", "outlet": "Басқа басылым", "published": later}
    report = ingest_articles([("again", again), ("reprint", reprint)], uploader=make_user("monitor"),
                             today=dt.date(2027, 1, 1))
    same_url, copy = report.items  # only the content key can find the reprint
    assert (same_url.status, same_url.stored, same_url.duplicate_of) == ("duplicate", False, story.id)
    assert (copy.status, copy.stored, copy.duplicate_of) == ("duplicate", True, story.id)


def test_kazakh_text_round_trips(db, regions):
    build_demo(seed=2026, scale=0.03)
    db.session.commit()
    db.session.expire_all()
    alliance = db.session.scalar(select(NGO).where(NGO.name_en == "Civil Alliance of Kazakhstan"))
    assert alliance.name_kk == "Қазақстанның Азаматтық Альянсы"
    assert alliance.name_ru == "Гражданский альянс Казахстана" and alliance.region_id is None
    names_kk = list(db.session.scalars(select(NGO.name_kk)))
    assert sum(bool(KAZAKH.search(name)) for name in names_kk) >= 0.9 * len(names_kk)
    aware = db.session.scalar(select(Question).where(Question.code == "aware").limit(1))
    assert aware.text_kk == "Сіз бұл ұйым туралы естідіңіз бе?" and aware.text_ru and aware.text_en
    kk_bodies = list(db.session.scalars(select(Article.body).where(Article.language == "kk")))
    assert kk_bodies and all(KAZAKH.search(body) for body in kk_bodies)


def test_second_run_is_refused_and_changes_nothing(db, regions):
    build_demo(seed=1, scale=0.03)
    db.session.commit()
    before = [count(db, m) for m in (NGO, Response, Answer, Article, Project, Survey)]
    with pytest.raises(ConflictError, match="already"):
        build_demo(seed=2, scale=0.03)
    db.session.rollback()
    assert [count(db, m) for m in (NGO, Response, Answer, Article, Project, Survey)] == before
    assert db.session.get(Setting, "demo").value["seed"] == 1


def test_a_registry_with_ngos_is_refused(db, regions):
    make_ngo()
    with pytest.raises(ConflictError, match="1 NGOs"):
        build_demo(scale=0.03)
    db.session.rollback()
    assert count(db, NGO) == 1 and count(db, Survey) == count(db, Response) == 0
    assert db.session.get(Setting, "demo") is None


@pytest.mark.parametrize("options", [{"scale": 0}, {"scale": -1}, {"scale": 5.01}, {"scale": math.nan},
                                     {"scale": math.inf}, {"scale": "1"}, {"seed": -1}, {"seed": 1.5},
                                     {"seed": True}])
def test_bad_options_are_refused_before_anything_is_written(db, regions, options):
    with pytest.raises(ValidationError):
        build_demo(**options)
    assert count(db, NGO) == count(db, Survey) == 0


def test_missing_regions_are_loaded(db):
    assert count(db, Region) == 0
    summary = build_demo(seed=4, scale=0.03)
    assert summary.regions_loaded == 20 and count(db, Region) == 20
    assert db.session.scalar(select(func.count(func.distinct(Response.region_id)))) >= 15
