"""Weight trimming in ``compute_scores(trim=...)`` and ``senim scores compute --trim``: capped weights,
margins still met, the run reports how many were capped, and bad factors are refused with nothing written."""
from __future__ import annotations

import math

import pytest
from sqlalchemy import func, select

from models import Response, ScoreSnapshot
from surveyapp.services.errors import ValidationError
from surveyapp.services.scores import compute_scores
from tests.factories import make_ngo
from tests.score_factories import add_respondents, make_battery


@pytest.fixture
def lopsided(db, regions):
    """Turkistan (mostly rural): five respondents in every sex x settlement x age cell (18-29, 60+)
    but one in (female, rural, 60+), all three categories the sample under-represents, so raking
    weights her at ~2.5x the mean; capping at 2.2x is feasible (the others can carry the margins)."""
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    region = regions["KZ-61"]
    for sex in ("male", "female"):
        for settlement in ("urban", "rural"):
            for age in ("18-29", "60+"):
                n = 1 if (sex, settlement, age) == ("female", "rural", "60+") else 5
                add_respondents(battery, region.id, ngo, [3] * n, sex=sex, settlement=settlement, age_group=age)
    return region


def _weights(db) -> list[tuple[float, str, str, str]]:
    return db.session.execute(select(Response.weight, Response.sex, Response.settlement, Response.age_group)).all()


def _ratio(rows) -> float:
    values = [row[0] for row in rows]
    return max(values) / (sum(values) / len(values))


def _share(rows, column: int, value: str) -> float:
    return sum(r[0] for r in rows if r[column] == value) / sum(r[0] for r in rows)


def test_trimming_caps_weights_and_keeps_the_margins(db, lopsided):
    untrimmed_run = compute_scores()
    db.session.commit()
    untrimmed = _weights(db)
    assert untrimmed_run.trim is None and untrimmed_run.trimmed == 0
    assert _ratio(untrimmed) > 2.4

    run = compute_scores(trim=2.2)
    db.session.commit()
    trimmed = _weights(db)
    assert run.trim == 2.2 and run.trimmed >= 1
    assert _ratio(trimmed) <= 2.2 * 1.001
    for column, value in ((2, "rural"), (1, "male"), (3, "60+")):  # the population margins still hold
        assert _share(trimmed, column, value) == pytest.approx(_share(untrimmed, column, value), abs=1e-6)
    assert _share(trimmed, 2, "rural") == pytest.approx(1 - lopsided.urban_share, abs=1e-6)
    assert sum(r[0] for r in trimmed) == pytest.approx(sum(r[0] for r in untrimmed), rel=1e-9)
    assert run.deff["2026-Q1"] < untrimmed_run.deff["2026-Q1"]  # less unequal weights


@pytest.mark.parametrize("bad", [1, 1.0, 0.5, 0, -3, math.nan, math.inf, "5"])
def test_a_bad_trimming_factor_is_refused_before_anything_is_written(db, lopsided, bad):
    with pytest.raises(ValidationError) as caught:
        compute_scores(trim=bad)
    assert "trim" in caught.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ScoreSnapshot)) == 0
    assert db.session.scalar(select(func.count()).where(Response.weight.is_not(None))) == 0


def test_scores_compute_trim_option(runner, db, lopsided):
    result = runner.invoke(args=["scores", "compute", "--trim", "2.2"])
    assert result.exit_code == 0, result.output
    assert "weights trimmed at 2.2x the region-period mean:" in result.output
    assert _ratio(_weights(db)) <= 2.2 * 1.001
    plain = runner.invoke(args=["scores", "compute"])
    assert plain.exit_code == 0 and "trimmed" not in plain.output
    for bad in ("1", "0.9", "abc", "-2"):
        refused = runner.invoke(args=["scores", "compute", "--trim", bad])
        assert refused.exit_code == 2 and "--trim" in refused.output, refused.output
    for bad in ("nan", "inf"):
        refused = runner.invoke(args=["scores", "compute", "--trim", bad])
        assert refused.exit_code != 0 and "trimming factor" in refused.output, refused.output
