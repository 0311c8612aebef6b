"""CSV and XLSX exports: formula-injection safe (headers included), suppression kept, scope kept."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from surveyapp.dashboard.exports import DANGEROUS_START, safe_cell, to_csv, to_xlsx
from surveyapp.services.dashboard.tables import Table
from tests.dashboard_helpers import seed, signed_in
from tests.factories import HOSTILE_STRINGS
from tests.snapshot_factories import make_snapshot

FORMULA_LIKE = [s for s in HOSTILE_STRINGS if s.startswith(DANGEROUS_START)]


def _csv_rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx_rows(body: bytes) -> list[list[object]]:
    ws = load_workbook(io.BytesIO(body)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_every_dangerous_text_cell_gets_an_apostrophe_headers_included():
    assert len(FORMULA_LIKE) >= 5
    table = Table("t", [*FORMULA_LIKE, "plain"], [[*FORMULA_LIKE, -12.5]])
    for rows in (_csv_rows(to_csv(table)), _xlsx_rows(to_xlsx(table))):
        header, row = rows[0], rows[1]
        for cell in header[:-1] + row[:-1]:
            assert isinstance(cell, str) and cell.startswith("'"), cell
        assert header[-1] == "plain"
        assert float(row[-1]) == -12.5  # a negative number stays a number


def test_control_characters_do_not_break_xlsx():
    assert safe_cell("a\x00b") == "a\ufffdb"
    assert _xlsx_rows(to_xlsx(Table("t", ["h"], [["a\x00b"]])))[1] == ["a\ufffdb"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_heatmap_export_neutralises_hostile_ngo_names(client, db, regions, fmt):
    seed(regions, ngo_names=FORMULA_LIKE)
    signed_in(client)
    response = client.get(f"/dashboard/heatmap.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv_rows(response.data) if fmt == "csv" else _xlsx_rows(response.data)
    start = 0 if fmt == "csv" else next(i for i, r in enumerate(rows) if r and r[0] == "ngo_id")
    names = {r[start and 1 or 1] for r in rows[start + 1:]}
    for hostile in FORMULA_LIKE:
        assert "'" + hostile in names
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and cell:
                assert not cell.startswith(DANGEROUS_START), cell


def test_suppressed_cell_exports_without_numbers(client, db, regions):
    data = seed(regions)
    make_snapshot(ngo=data["ngos"][0], region=regions["KZ-19"], n=9, estimate=77.7)
    signed_in(client)
    rows = _csv_rows(client.get("/dashboard/heatmap.csv").data)
    header = rows[0]
    line = next(r for r in rows[1:] if r[1] == "Alpha Fund" and r[3] == "KZ-19")
    record = dict(zip(header, line))
    assert record["status"] == "suppressed"
    assert record["estimate"] == record["ci_low"] == record["ci_high"] == record["n"] == ""
    assert "77.7" not in rows.__repr__()


def test_ten_respondents_appear_in_the_export(client, db, regions):
    data = seed(regions)
    make_snapshot(ngo=data["ngos"][0], region=regions["KZ-19"], n=10, estimate=77.7)
    signed_in(client)
    rows = _csv_rows(client.get("/dashboard/heatmap.csv").data)
    line = next(r for r in rows[1:] if r[1] == "Alpha Fund" and r[3] == "KZ-19")
    assert dict(zip(rows[0], line))["estimate"] == "77.7"


@pytest.mark.parametrize("url", ["/dashboard/map.csv", "/dashboard/trends.xlsx", "/dashboard/alerts.csv",
                                 "/dashboard/regions/KZ-75/ngos.csv"])
def test_other_exports_download(client, db, regions, url):
    seed(regions)
    signed_in(client)
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]


def test_ngo_regions_export_respects_the_scope(client, db, regions):
    data = seed(regions)
    signed_in(client, "analyst", region_codes=["KZ-79"])
    rows = _csv_rows(client.get(f"/dashboard/ngos/{data['ngos'][0].id}/regions.csv").data)
    assert {r[2] for r in rows[1:]} == {"KZ-79"}
