"""The dashboard in headless Chromium with the network closed: heatmap, hover, maps, profiles, CSV."""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import open_page
from tests.factories import PASSWORD, make_ngo, make_user
from tests.snapshot_factories import make_grid, make_snapshot

pytestmark = pytest.mark.browser
#: Reference boundaries from shared/ beside the checkout (never committed); SENIM_BOUNDARIES overrides.
BOUNDARIES = os.environ.get("SENIM_BOUNDARIES") or str(
    Path(__file__).resolve().parents[3] / "shared" / "data" / "geo" / "kz_adm1_2022.geojson")
XSS = '"><img src=x onerror=alert(1)>'


def _seed(app: Any) -> dict[str, Any]:
    from models import db
    from surveyapp.services.regions import regions_by_code

    with app.app_context():
        regions = regions_by_code()
        regs = list(regions.values())
        names = ["Alpha Fund", "Beta Union", "<script>alert(1)</script>", XSS]
        ngos = [make_ngo(name_en=n, name_ru=n, name_kk=n) for n in names]
        make_grid(ngos, regs, period="2026-Q3", base=40)
        make_grid(ngos, regs, period="2026-Q2", base=30)
        make_grid(ngos[:2], regs, metric="awareness", period="2026-Q3", base=20)
        make_snapshot(ngo=ngos[1], region=regions["KZ-19"], period="2026-Q3", n=9, estimate=None, commit=False,
                      suppressed=False, metric="net_trust")
        make_snapshot(ngo=ngos[0], region=regions["KZ-19"], period="2026-Q3", metric="net_trust", estimate=12.0,
                      half_width=4.0, n=150, commit=False)
        db.session.commit()
        make_user("analyst", email="policy@example.kz")
        return {"ngo_ids": [n.id for n in ngos]}


def _sign_in(page: Any, url: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("E-mail").fill("policy@example.kz")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _wait_plot(page: Any, name: str) -> Any:
    plot = page.locator(f"#plot-{name}")
    plot.wait_for(state="attached")
    page.wait_for_selector(f"#plot-{name}[data-rendered=true]", timeout=20000)
    return plot


def test_heatmap_switch_hover_suppressed_and_csv(playwright_browser, live_app, live_server):
    data = _seed(live_app)
    context, page = open_page(playwright_browser, live_server, locale="en-US", viewport={"width": 1400, "height": 1000})
    dialogs: list[str] = []
    try:
        p = page.page
        p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        _sign_in(p, live_server.url)
        assert p.url.endswith("/dashboard/")
        _wait_plot(p, "tiles")
        page.screenshot("dashboard-home")
        p.goto(live_server.url + "/dashboard/heatmap")
        _wait_plot(p, "heatmap")
        assert p.locator("#heatmap-table tbody tr").count() == 5  # All NGOs + 4
        page.screenshot("dashboard-heatmap")

        # hover the Alpha Fund × Kazakhstan cell (the figure's rows follow the table's) and read its interval
        names = [t.strip() for t in p.locator("#heatmap-table tbody th").all_inner_texts()]
        row = names.index("Alpha Fund")
        box = p.locator("#plot-heatmap .nsewdrag").first.bounding_box()
        rows, cols = len(names), 21
        x = box["x"] + box["width"] * (0.5 / cols)
        y = box["y"] + box["height"] * ((row + 0.5) / rows)
        p.mouse.move(x, y)
        hover = p.locator(".hoverlayer .hovertext")
        hover.first.wait_for(timeout=5000)
        text = hover.first.text_content()
        assert "Alpha Fund" in text and "95% interval: 38.0 – 48.0" in text and "n = 100" in text, text

        # switch metric (net trust) and see the suppressed cell
        with p.expect_navigation():
            p.select_option("#f-metric", "net_trust")
        _wait_plot(p, "heatmap")
        assert "metric=net_trust" in p.url
        suppressed = p.locator("#heatmap-table .cell.suppressed")
        assert suppressed.count() == 1
        assert "fewer than 10 respondents" in suppressed.first.get_attribute("title")
        page.screenshot("dashboard-heatmap-suppressed")

        # switch back to trust and to the earlier period
        with p.expect_navigation():
            p.select_option("#f-metric", "trust_index")
        with p.expect_navigation():
            p.select_option("#f-period", "2026-Q2")
        assert "period=2026-Q2" in p.url
        assert "2026-Q2" in p.locator("#heatmap-table caption").inner_text()

        # download the CSV and check its contents
        with p.expect_download() as info:
            p.get_by_role("link", name="CSV").click()
        path = info.value.path()
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
        rows_csv = list(csv.DictReader(io.StringIO(text)))
        alpha_kz = next(r for r in rows_csv if r["ngo"] == "Alpha Fund" and r["region_code"] == "KZ")
        assert alpha_kz["period"] == "2026-Q2" and float(alpha_kz["estimate"]) == 33.0
        assert any(r["ngo"] == XSS for r in rows_csv)

        assert dialogs == []
        assert page.blocked == [] and page.console_errors == [], (page.blocked, page.console_errors)
    finally:
        context.close()


def test_profiles_and_tile_map(playwright_browser, live_app, live_server):
    data = _seed(live_app)
    context, page = open_page(playwright_browser, live_server, locale="en-US", viewport={"width": 1280, "height": 1000})
    dialogs: list[str] = []
    try:
        p = page.page
        p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        _sign_in(p, live_server.url)
        p.goto(live_server.url + "/dashboard/heatmap")
        p.get_by_role("link", name="Alpha Fund").click()
        p.wait_for_load_state()
        assert p.locator("h1").inner_text() == "Alpha Fund"
        _wait_plot(p, "criteria")
        _wait_plot(p, "trend")
        assert "No articles mention this NGO yet." in p.content()
        page.screenshot("dashboard-ngo-profile")
        for ngo_id in data["ngo_ids"][2:]:
            p.goto(live_server.url + f"/dashboard/ngos/{ngo_id}")
            _wait_plot(p, "trend")
        p.goto(live_server.url + "/dashboard/regions/KZ-75")
        assert "Almaty" in p.locator("h1").inner_text()
        _wait_plot(p, "ranked")
        assert p.locator("#region-ngos tbody tr").count() == 4
        page.screenshot("dashboard-region-profile")
        p.goto(live_server.url + "/dashboard/map")
        _wait_plot(p, "map")
        tiles = p.locator("#plot-map .heatmaplayer text, #plot-map text.textpoint, #plot-map g.text text")
        labels = " ".join(p.locator("#plot-map").all_inner_texts())
        for short in ("AST", "ALA", "SHY"):
            assert short in labels, labels[:500]
        assert tiles.count() >= 0
        page.screenshot("dashboard-tile-map")
        p.goto(live_server.url + "/dashboard/ngos/%d/report" % data["ngo_ids"][0])
        assert p.get_by_role("button", name="Print").is_visible()
        assert dialogs == []
        assert page.blocked == [] and page.console_errors == [], (page.blocked, page.console_errors)
    finally:
        context.close()


def test_boundary_map_draws_all_twenty_regions(playwright_browser, live_app, live_server):
    if not os.path.isfile(BOUNDARIES):
        pytest.skip(f"{BOUNDARIES} not present")
    live_app.config["SENIM_BOUNDARIES"] = BOUNDARIES
    _seed(live_app)
    context, page = open_page(playwright_browser, live_server, locale="en-US")
    try:
        p = page.page
        _sign_in(p, live_server.url)
        p.goto(live_server.url + "/dashboard/map?form=boundaries&metric=net_trust")
        _wait_plot(p, "map")
        assert p.locator("#plot-map path.choroplethlocation").count() == 20
        page.screenshot("dashboard-boundary-map")
        assert page.blocked == [] and page.console_errors == [], (page.blocked, page.console_errors)
    finally:
        context.close()
