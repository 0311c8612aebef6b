"""`compute_scores`: definitions, weighting, suppression, exclusion and idempotency on stored data."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Response, ScoreSnapshot
from surveyapp.services.errors import ValidationError
from surveyapp.services.scores import compute_scores
from tests.factories import make_ngo
from tests.score_factories import add_respondents, make_battery


def snap(db, metric, ngo_id, region_id, period="2026-Q1", segment="all", method="direct"):
    return db.session.scalar(select(ScoreSnapshot).where(
        ScoreSnapshot.metric == metric, ScoreSnapshot.period == period, ScoreSnapshot.segment == segment,
        ScoreSnapshot.method == method,
        ScoreSnapshot.ngo_id.is_(None) if ngo_id is None else ScoreSnapshot.ngo_id == ngo_id,
        ScoreSnapshot.region_id.is_(None) if region_id is None else ScoreSnapshot.region_id == region_id))


def test_trust_definitions_match_a_hand_computation(db, regions):
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    almaty = regions["KZ-75"].id
    scores = [5, 5, 4, 4, 3, 2, 1, 5, 4, 3, None, 2]  # alike respondents: equal weights
    add_respondents(battery, almaty, ngo, scores)
    add_respondents(battery, almaty, ngo, [None] * 4, aware=False)
    compute_scores()
    db.session.commit()
    rated = [s for s in scores if s is not None]
    index = snap(db, "trust_index", ngo.id, almaty)
    assert index.estimate == pytest.approx(sum((s - 1) / 4 * 100 for s in rated) / len(rated))
    assert index.n == len(rated) and index.ci_low < index.estimate < index.ci_high
    trust = snap(db, "trust_share", ngo.id, almaty).estimate
    distrust = snap(db, "distrust_share", ngo.id, almaty).estimate
    assert trust == pytest.approx(100 * 6 / 11)
    assert distrust == pytest.approx(100 * 3 / 11)
    assert snap(db, "net_trust", ngo.id, almaty).estimate == pytest.approx(trust - distrust)
    awareness = snap(db, "awareness", ngo.id, almaty)
    assert awareness.estimate == pytest.approx(100 * 12 / 16) and awareness.n == 16
    national = snap(db, "trust_index", ngo.id, None)
    assert national.estimate == pytest.approx(index.estimate)  # one region only
    weights = db.session.scalars(select(Response.weight).select_from(Response)).all()
    assert all(w is not None and w > 0 for w in weights)
    assert len(set(round(w, 6) for w in weights)) == 1


def test_raking_corrects_an_unbalanced_sample(db, regions):
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    region = regions["KZ-61"]  # Turkistan: mostly rural
    add_respondents(battery, region.id, ngo, [5] * 40, settlement="urban")
    add_respondents(battery, region.id, ngo, [1] * 10, settlement="rural")
    compute_scores()
    db.session.commit()
    estimate = snap(db, "trust_index", ngo.id, region.id).estimate
    unweighted = 100 * 40 / 50
    expected = 100 * region.urban_share  # urban respondents say 5 (index 100), rural say 1 (index 0)
    assert estimate == pytest.approx(expected, abs=0.5)
    assert abs(estimate - unweighted) > 30


def test_cell_of_nine_is_suppressed_and_not_derivable_ten_is_published(db, regions):
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    small, big = regions["KZ-62"].id, regions["KZ-75"].id
    add_respondents(battery, small, ngo, [5] * 9)
    add_respondents(battery, big, ngo, [2] * 20)
    compute_scores()
    db.session.commit()
    cell = snap(db, "trust_index", ngo.id, small)
    assert cell.suppressed and cell.estimate is None and cell.ci_low is None
    national = snap(db, "trust_index", ngo.id, None)
    other = snap(db, "trust_index", ngo.id, big)
    # national − the other region would reveal the small one: one of them must be withheld too
    assert national.suppressed or other.suppressed
    shrunk = snap(db, "trust_index", ngo.id, small, method="shrunk")
    assert shrunk is None or shrunk.suppressed

    add_respondents(battery, small, ngo, [5])
    compute_scores()
    db.session.commit()
    cell = snap(db, "trust_index", ngo.id, small)
    assert not cell.suppressed and cell.n == 10 and cell.estimate == pytest.approx(100)


def test_shrunk_row_is_withheld_with_its_direct_cell(db, regions):
    """A region complementarily suppressed (n = 12) must not reappear through its shrunk estimate,
    which is a known blend of the direct value and the published national one."""
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    add_respondents(battery, regions["KZ-62"].id, ngo, [5] * 9)
    add_respondents(battery, regions["KZ-75"].id, ngo, [2, 3] * 6)
    add_respondents(battery, regions["KZ-71"].id, ngo, [4, 3, 2] * 12)
    add_respondents(battery, regions["KZ-55"].id, ngo, [1, 4] * 20)
    compute_scores()
    db.session.commit()
    rows = db.session.scalars(select(ScoreSnapshot).where(ScoreSnapshot.ngo_id == ngo.id)).all()
    direct = {(r.metric, r.segment, r.region_id, r.period): r for r in rows if r.method == "direct"}
    complementary = [r for r in direct.values() if r.suppressed and r.n is not None and r.n >= 10
                     and r.region_id is not None]
    assert complementary  # the scenario has a withheld cell of 10 or more
    shrunk = [r for r in rows if r.method == "shrunk"]
    assert any(not r.suppressed for r in shrunk)  # shrinkage ran and publishes other regions
    for row in shrunk:
        twin = direct[(row.metric, row.segment, row.region_id, row.period)]
        if twin.suppressed:
            assert row.suppressed and row.estimate is None and row.ci_low is None, row.metric


def test_flagged_responses_are_excluded(db, regions):
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    almaty = regions["KZ-75"].id
    add_respondents(battery, almaty, ngo, [3] * 20)
    add_respondents(battery, almaty, ngo, [5] * 15, flags=["honeypot"])
    add_respondents(battery, almaty, ngo, [1] * 5, duration_s=5)  # speeders: < median/3
    run = compute_scores()
    db.session.commit()
    assert snap(db, "trust_index", ngo.id, almaty).estimate == pytest.approx(50)
    assert run.excluded["honeypot"] == 15 and run.excluded["speeder"] >= 5


def test_recompute_is_idempotent_and_unknown_period_is_refused(db, regions):
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    add_respondents(battery, regions["KZ-75"].id, ngo, [4, 5, 3, 2] * 5)
    first = compute_scores()
    db.session.commit()
    values = {s.key: s.estimate for s in db.session.scalars(select(ScoreSnapshot))}
    second = compute_scores()
    db.session.commit()
    assert first.snapshots == second.snapshots
    assert {s.key: s.estimate for s in db.session.scalars(select(ScoreSnapshot))} == values
    with pytest.raises(ValidationError) as err:
        compute_scores(periods=["1999-Q1"])
    assert "period" in err.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ScoreSnapshot)) == len(values)


def test_urban_rural_segments_and_all_ngo_rows(db, regions):
    a, b = make_ngo(), make_ngo()
    battery = make_battery(ngos=[a, b])
    region = regions["KZ-35"].id
    add_respondents(battery, region, a, [5] * 12, settlement="urban")
    add_respondents(battery, region, a, [1] * 12, settlement="rural")
    add_respondents(battery, region, b, [3] * 12, settlement="urban")
    compute_scores()
    db.session.commit()
    assert snap(db, "trust_index", a.id, region, segment="urban").estimate == pytest.approx(100)
    assert snap(db, "trust_index", a.id, region, segment="rural").estimate == pytest.approx(0)
    overall = snap(db, "trust_index", None, region)
    assert overall is not None and overall.n == 36 and 0 < overall.estimate < 100


def test_scores_compute_command(runner, db, regions):
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    add_respondents(battery, regions["KZ-75"].id, ngo, [4] * 12)
    result = runner.invoke(args=["scores", "compute"])
    assert result.exit_code == 0, result.output
    assert "snapshots" in result.output and "2026-Q1" in result.output
    bad = runner.invoke(args=["scores", "compute", "--period", "2030-Q9"])
    assert bad.exit_code != 0 and "2030-Q9" in bad.output
    bad = runner.invoke(args=["scores", "compute", "--weights", "not json"])
    assert bad.exit_code != 0 and "--weights" in bad.output


def test_media_coverage_counts_stories_once_and_is_not_suppressed_as_a_sample(db, regions):
    import datetime as dt

    from models import Article, Mention, Outlet

    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    add_respondents(battery, regions["KZ-75"].id, ngo, [4] * 12)
    big = Outlet(name="Big Daily", reach=100_000, region_id=regions["KZ-75"].id)
    small = Outlet(name="Small Weekly", reach=5_000, region_id=regions["KZ-75"].id)
    db.session.add_all([big, small])
    db.session.flush()
    first = Article(title="a", body="b", outlet_id=big.id, published_on=dt.date(2026, 2, 3), content_hash="1" * 64)
    db.session.add(first)
    db.session.flush()
    first.duplicate_group_id = first.id
    copy = Article(title="a", body="b", outlet_id=small.id, published_on=dt.date(2026, 2, 4), content_hash="1" * 64,
                   duplicate_group_id=first.id, status="duplicate")
    other = Article(title="c", body="d", outlet_id=big.id, published_on=dt.date(2026, 3, 1), content_hash="2" * 64)
    db.session.add_all([copy, other])
    db.session.flush()
    for article, tone in ((first, 0.6), (copy, 0.6), (other, -0.5)):
        db.session.add(Mention(article_id=article.id, ngo_id=ngo.id, matched="x", sentence="x", tone=tone,
                               label="positive" if tone > 0 else "negative", tone_source="lexicon"))
    db.session.commit()
    compute_scores()
    db.session.commit()
    stories = snap(db, "media_stories", ngo.id, regions["KZ-75"].id)
    assert stories.estimate == 2 and not stories.suppressed  # the syndicated copy is the same story
    assert snap(db, "media_reach", ngo.id, regions["KZ-75"].id).estimate == 100_000 + 5_000 + 100_000
    assert snap(db, "media_net_tone", ngo.id, regions["KZ-75"].id).estimate == 0  # one positive, one negative


def test_straight_lining_counts_each_answer_once(db, regions):
    """Four equal per-NGO scale answers are not a straight-liner (the rule needs eight); counting
    per-NGO answers twice used to flag them."""
    from sqlalchemy import insert

    from models import Answer, Question

    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    extra = [Question(survey_id=battery.survey.id, code=f"extra{i}", position=10 + i, type="scale5",
                      construct="other", text_en="Extra?", per_ngo=True) for i in range(2)]
    db.session.add_all(extra)
    db.session.commit()
    add_respondents(battery, regions["KZ-75"].id, ngo, [4] * 12, useful=4)
    rows = [{"response_id": rid, "question_id": q.id, "ngo_id": ngo.id, "ngo_key": ngo.id, "value_num": 4.0}
            for rid in db.session.scalars(select(Response.id)) for q in extra]
    db.session.execute(insert(Answer), rows)
    db.session.commit()
    run = compute_scores()
    db.session.commit()
    assert run.excluded["straightliner"] == 0
    assert snap(db, "trust_index", ngo.id, regions["KZ-75"].id).n == 12


def test_no_responses_yet_means_no_period_and_nothing_written(db, regions):
    make_ngo()
    run = compute_scores()
    assert run.periods == [] and run.snapshots == 0 and run.alerts == 0 and run.respondents == 0
    assert db.session.scalar(select(func.count()).select_from(ScoreSnapshot)) == 0
