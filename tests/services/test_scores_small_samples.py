"""A region × period with a handful of respondents who cannot meet all three raking margins (the
first days of a wave) is raked to fewer margins instead of getting zero weights or unmet margins;
``scores compute`` works and says so."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import RegionMargin, Response, ScoreSnapshot
from surveyapp.services.scores import compute_scores
from tests.factories import make_ngo
from tests.score_factories import add_respondents, make_battery


def test_two_unmatchable_respondents_are_raked_to_sex_and_settlement(db, regions):
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    region = regions["KZ-55"]
    add_respondents(battery, region.id, ngo, [5], sex="male", age_group="18-29", settlement="urban")
    add_respondents(battery, region.id, ngo, [1], sex="female", age_group="60+", settlement="urban")
    big = regions["KZ-75"]  # Almaty: a city, enough respondents in every cell for all three margins
    for sex in ("male", "female"):
        for age in ("18-29", "30-44", "45-59", "60+"):
            add_respondents(battery, big.id, ngo, [4] * 4, sex=sex, age_group=age, settlement="urban")

    run = compute_scores()
    db.session.commit()
    assert run.collapsed == {"sex+settlement": 1}
    rows = db.session.execute(select(Response.weight, Response.sex).where(Response.region_id == region.id)).all()
    assert all(w is not None and w > 0 for w, _ in rows)
    margins = db.session.execute(select(RegionMargin.sex, func.sum(RegionMargin.population))
                                 .where(RegionMargin.region_id == region.id).group_by(RegionMargin.sex)).all()
    by_sex = dict(margins)
    assert {sex: w for w, sex in rows} == pytest.approx(by_sex, rel=1e-6)  # each carries their sex's population
    assert db.session.scalar(select(func.count()).select_from(ScoreSnapshot)) > 0


def test_every_group_fitting_reports_nothing_collapsed(db, regions):
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    add_respondents(battery, regions["KZ-75"].id, ngo, [4] * 12)
    run = compute_scores()
    assert run.collapsed == {}
