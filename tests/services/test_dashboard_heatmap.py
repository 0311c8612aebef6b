"""The heatmap service: content, suppression, sorting, filters and the region scope."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from surveyapp.services.dashboard.heatmap import build_heatmap, parse_filters
from surveyapp.services.dashboard.scope import Scope, parse_query
from surveyapp.services.errors import ValidationError
from tests.dashboard_helpers import seed
from tests.snapshot_factories import make_snapshot


@pytest.fixture(autouse=True)
def _request(app):
    """Labels are translated, which needs a request (for its language)."""
    with app.test_request_context("/?lang=en"):
        yield


def _heatmap(args: dict | None = None, scope: Scope = Scope(None)):
    args = MultiDict(args or {})
    return build_heatmap(parse_query(args), parse_filters(args, scope), scope, "en")


def test_matrix_holds_stored_cells_and_latest_period(db, regions):
    data = seed(regions)
    hm = _heatmap()
    assert hm.query.period == "2026-Q3" and hm.query.periods == ("2026-Q2", "2026-Q3")
    assert [c.code for c in hm.columns] == sorted(r.code for r in regions.values())
    assert hm.total == 3 and [r.name for r in hm.rows] == ["Alpha Fund", "Beta Union", "Gamma Centre"]
    alpha = hm.rows[0]
    idx = [c.code for c in hm.columns].index("KZ-75")
    assert alpha.cells[idx].estimate == 54.0 and alpha.national.estimate == 53.0
    assert hm.all_ngos is not None and hm.all_ngos.national.estimate == 50.0
    assert alpha.ngo_id == data["ngos"][0].id


def test_suppressed_and_small_cells_carry_no_value(db, regions):
    data = seed(regions)
    alpha, beta = data["ngos"][:2]
    make_snapshot(ngo=alpha, region=regions["KZ-19"], n=9, estimate=77.0)
    make_snapshot(ngo=beta, region=regions["KZ-19"], suppressed=True, n=40)
    hm = _heatmap()
    idx = [c.code for c in hm.columns].index("KZ-19")
    by_name = {r.name: r for r in hm.rows}
    small, withheld = by_name["Alpha Fund"].cells[idx], by_name["Beta Union"].cells[idx]
    assert small.suppressed and small.estimate is None and small.n is None and small.reason == "small_base"
    assert withheld.suppressed and withheld.reason == "withheld"
    assert hm.suppressed_cells == 2


def test_sorting_by_a_region_puts_suppressed_cells_last(db, regions):
    data = seed(regions)
    gamma = data["ngos"][2]
    make_snapshot(ngo=gamma, region=regions["KZ-19"], n=5, estimate=99.0)
    make_snapshot(ngo=data["ngos"][0], region=regions["KZ-19"], estimate=30.0)
    make_snapshot(ngo=data["ngos"][1], region=regions["KZ-19"], estimate=40.0)
    names = [r.name for r in _heatmap({"sort": "-KZ-19"}).rows]
    assert names == ["Beta Union", "Alpha Fund", "Gamma Centre"]
    names = [r.name for r in _heatmap({"sort": "KZ-19"}).rows]
    assert names == ["Alpha Fund", "Beta Union", "Gamma Centre"]


def test_filters_never_change_the_stored_totals(db, regions):
    data = seed(regions)
    data["ngos"][0].sector = "health"
    db.session.commit()
    full, filtered = _heatmap(), _heatmap({"sector": "health"})
    assert [r.name for r in filtered.rows] == ["Alpha Fund"]
    assert filtered.all_ngos.national == full.all_ngos.national
    assert filtered.all_ngos.cells == full.all_ngos.cells
    only_beta = _heatmap({"ngo": str(data["ngos"][1].id)})
    assert [r.name for r in only_beta.rows] == ["Beta Union"]
    assert only_beta.all_ngos.national == full.all_ngos.national


def test_scope_limits_columns_and_cells(db, regions):
    seed(regions)
    scope = Scope(frozenset({regions["KZ-75"].id}))
    hm = _heatmap(scope=scope)
    assert [c.code for c in hm.columns] == ["KZ-75"]
    assert all(len(r.cells) == 1 for r in hm.rows)
    assert hm.rows[0].national.estimate == 53.0  # national rows stay visible
    with pytest.raises(ValidationError):
        _heatmap({"sort": "KZ-71"}, scope=scope)


@pytest.mark.parametrize("args,field", [
    ({"metric": "nope"}, "metric"), ({"period": "2031-Q1"}, "period"), ({"period": "' OR 1=1--"}, "period"),
    ({"segment": "x"}, "segment"), ({"method": "both"}, "method"), ({"sector": "1;DROP TABLE responses"}, "sector"),
    ({"ngo": "999999"}, "ngo"), ({"ngo": "1 OR 1=1"}, "ngo"), ({"sort": "KZ-75;--"}, "sort"),
    ({"per_page": "100000"}, "per_page"), ({"page": "-1"}, "page"),
])
def test_bad_parameters_name_the_field(db, regions, args, field):
    seed(regions)
    with pytest.raises(ValidationError) as info:
        _heatmap(args)
    assert field in info.value.fields


def test_repeated_parameter_with_two_values_is_rejected(db, regions):
    seed(regions)
    with pytest.raises(ValidationError) as info:
        _heatmap(MultiDict([("metric", "trust_index"), ("metric", "awareness")]))
    assert "metric" in info.value.fields


def test_pages_open_on_the_latest_finished_wave(db, regions):
    from models import Survey
    from surveyapp.services.dashboard.scope import default_period

    db.session.add_all([Survey(title_en="Q2", period="2026-Q2", status="closed"),
                        Survey(title_en="Q3", period="2026-Q3", status="open")])
    db.session.commit()
    assert default_period(("2026-Q1", "2026-Q2", "2026-Q3")) == "2026-Q2"
    assert default_period(("2026-Q3",)) == "2026-Q3"  # nothing finished yet: the latest
    assert default_period(()) == ""
