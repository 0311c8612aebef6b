"""Dashboard pages: who may see them, what they show, region limits, bad parameters."""
from __future__ import annotations

import pytest

from tests.dashboard_helpers import count_queries, get_en, seed, signed_in
from tests.factories import make_ngo
from tests.snapshot_factories import make_alert, make_grid, make_snapshot

PAGES = ["/dashboard/", "/dashboard/heatmap", "/dashboard/map", "/dashboard/trends", "/dashboard/regions/KZ-75",
         "/dashboard/heatmap.csv"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_sign_in(client, db, regions, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_monitor_is_refused(client, db, regions, url):
    seed(regions)
    signed_in(client, "monitor")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_staff_see_every_page(client, db, regions, role):
    data = seed(regions)
    make_alert(ngo=data["ngos"][0], region=regions["KZ-75"], message="Trust in Alpha fell")
    signed_in(client, role)
    for url in PAGES[:-1] + [f"/dashboard/ngos/{data['ngos'][0].id}", f"/dashboard/ngos/{data['ngos'][0].id}/report",
                             "/dashboard/regions/KZ-75/report"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"]
    home = client.get("/dashboard/").get_data(as_text=True)
    assert "Trust in Alpha fell" in home


def test_heatmap_page_states_period_base_weighting_and_marks_cells(client, db, regions):
    data = seed(regions)
    make_snapshot(ngo=data["ngos"][0], region=regions["KZ-19"], n=9, estimate=88.8)
    make_snapshot(ngo=data["ngos"][1], region=regions["KZ-19"], estimate=61.0, half_width=15.0)
    signed_in(client)
    html = get_en(client, "/dashboard/heatmap").get_data(as_text=True)
    assert "2026-Q3" in html and "respondents aware of the NGO" in html and "raking" in html
    assert "88.8" not in html and "88,8" not in html  # the suppressed value never reaches the page
    assert "n&lt;10" in html and "Suppressed: fewer than 10 respondents" in html
    assert 'class="cell low-precision' in html
    assert 'type="application/json" id="fig-heatmap"' in html


def test_switching_metric_and_period(client, db, regions):
    data = seed(regions)
    make_grid(data["ngos"][:1], data["regions"][:1], metric="awareness", period="2026-Q2", base=33)
    signed_in(client)
    html = client.get("/dashboard/heatmap?metric=awareness&period=2026-Q2").get_data(as_text=True)
    assert "Awareness" in html and "Beta Union" not in html and ">36<" not in html
    assert client.get("/dashboard/heatmap?period=2026-Q2").status_code == 200


def test_heatmap_page_uses_a_fixed_number_of_queries(client, db, regions):
    seed(regions)
    signed_in(client)
    client.get("/dashboard/heatmap")
    with count_queries() as few:
        client.get("/dashboard/heatmap")
    more = [make_ngo() for _ in range(12)]
    make_grid(more, list(regions.values()), all_ngos=False)
    with count_queries() as many:
        assert client.get("/dashboard/heatmap").status_code == 200
    def data_queries(statements: list[str]) -> list[str]:  # the signed-in user's rows are loaded per request
        return [q for q in statements if "FROM users" not in q and "FROM user_regions" not in q
                and "FROM settings" not in q]

    assert len(data_queries(many)) == len(data_queries(few)) <= 8, many


@pytest.mark.parametrize("url,status", [
    ("/dashboard/heatmap?metric=nope", 400), ("/dashboard/heatmap?period=1999-Q1", 400),
    ("/dashboard/heatmap?segment=%00", 400), ("/dashboard/heatmap?sort=%27%20OR%201%3D1--", 400),
    ("/dashboard/heatmap?sector=1;DROP%20TABLE%20responses", 400), ("/dashboard/heatmap?page=abc", 400),
    ("/dashboard/heatmap.pdf", 404), ("/dashboard/ngos/999999", 404), ("/dashboard/regions/KZ-99", 404),
    ("/dashboard/regions/%27%20OR%201%3D1--", 404), ("/dashboard/map?form=globe", 400),
    ("/dashboard/trends?kind=other", 400), ("/dashboard/ngos/1?period=2099-Q1", 404),
])
def test_bad_parameters_are_4xx_with_a_message(client, db, regions, url, status):
    seed(regions)
    signed_in(client)
    response = client.get(url)
    if url.startswith("/dashboard/ngos/1?"):
        status = 400
    assert response.status_code == status
    assert "Traceback" not in response.get_data(as_text=True)


def test_sql_junk_in_ngo_filter_adds_no_rows(client, db, regions):
    seed(regions)
    signed_in(client)
    response = client.get("/dashboard/heatmap.csv?ngo=1%20OR%201%3D1")
    assert response.status_code == 400


class TestRegionLimitedAnalyst:
    def test_sees_only_their_region_in_page_and_export(self, client, db, regions):
        seed(regions)
        signed_in(client, "analyst", region_codes=["KZ-75"])
        html = get_en(client, "/dashboard/heatmap").get_data(as_text=True)
        assert "Almaty</a>" in html and "Astana" not in html and "Shymkent" not in html
        csv_text = client.get("/dashboard/heatmap.csv").get_data(as_text=True)
        codes = {line.split(",")[3] for line in csv_text.splitlines()[1:]}
        assert codes == {"KZ", "KZ-75"}
        map_html = client.get("/dashboard/map").get_data(as_text=True)
        assert "KZ-71" not in map_html and "KZ-75" in map_html

    def test_other_regions_profile_is_404(self, client, db, regions):
        seed(regions)
        signed_in(client, "analyst", region_codes=["KZ-75"])
        assert client.get("/dashboard/regions/KZ-75").status_code == 200
        assert client.get("/dashboard/regions/KZ-71").status_code == 404
        assert client.get("/dashboard/regions/KZ-71/ngos.csv").status_code == 404

    def test_ngo_profile_shows_only_their_region(self, client, db, regions):
        data = seed(regions)
        signed_in(client, "analyst", region_codes=["KZ-71"])
        html = get_en(client, f"/dashboard/ngos/{data['ngos'][0].id}").get_data(as_text=True)
        assert "Astana" in html and "Shymkent" not in html and "Almaty</a>" not in html

    def test_alerts_of_other_regions_are_hidden(self, client, db, regions):
        data = seed(regions)
        make_alert(ngo=data["ngos"][0], region=regions["KZ-71"], message="Visible alert")
        make_alert(ngo=data["ngos"][0], region=regions["KZ-79"], message="Hidden alert")
        signed_in(client, "analyst", region_codes=["KZ-71"])
        html = client.get("/dashboard/trends").get_data(as_text=True)
        assert "Visible alert" in html and "Hidden alert" not in html


def test_public_summary_shows_national_figures_only(client, db, regions):
    data = seed(regions)
    make_snapshot(ngo=data["ngos"][2], region=None, period="2026-Q3", metric="awareness", n=8, estimate=12.3)
    make_snapshot(ngo=data["ngos"][0], region=regions["KZ-19"], period="2026-Q3", estimate=71.7)
    html = get_en(client, "/dashboard/summary").get_data(as_text=True)
    assert "Alpha Fund" in html and "53.0" in html
    assert "71.7" not in html and "Almaty" not in html  # regional cells are not public
    assert "12.3" not in html and "n&lt;10" in html


def test_empty_dashboard_has_honest_empty_states(client, db, regions):
    signed_in(client)
    for url in ["/dashboard/", "/dashboard/heatmap", "/dashboard/map", "/dashboard/trends"]:
        response = client.get(url)
        assert response.status_code == 200, url
    ngo = make_ngo()
    html = get_en(client, f"/dashboard/ngos/{ngo.id}").get_data(as_text=True)
    assert "No articles mention this NGO yet." in html and "No projects recorded" in html
