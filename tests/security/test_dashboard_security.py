"""Dashboard security: hostile NGO names escaped on every page, asset caching, link parameters."""
from __future__ import annotations

import re

import pytest

from tests.dashboard_helpers import seed, signed_in
from tests.factories import HOSTILE_STRINGS
from tests.snapshot_factories import make_alert

RAW_MARKUP = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


def test_hostile_names_are_escaped_on_every_dashboard_page(client, db, regions):
    data = seed(regions, ngo_names=list(HOSTILE_STRINGS))
    make_alert(ngo=data["ngos"][0], region=regions["KZ-75"], message="<script>alert(2)</script>")
    signed_in(client)
    urls = ["/dashboard/", "/dashboard/heatmap", "/dashboard/map", "/dashboard/trends", "/dashboard/regions/KZ-75",
            "/dashboard/regions/KZ-75/report", "/dashboard/summary"]
    urls += [f"/dashboard/ngos/{n.id}" for n in data["ngos"]] + [f"/dashboard/ngos/{data['ngos'][0].id}/report"]
    for url in urls:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        for raw in RAW_MARKUP + ("<script>alert(2)</script>",):
            assert raw not in html, (url, raw)
        assert "Content-Security-Policy" in response.headers
    heatmap = client.get("/dashboard/heatmap").get_data(as_text=True)
    assert "{{7*7}}" in heatmap and "&lt;script&gt;" in heatmap


def test_figure_json_cannot_close_its_script_block(client, db, regions):
    seed(regions, ngo_names=["</script><script>alert(1)</script>"])
    signed_in(client)
    html = client.get("/dashboard/heatmap").get_data(as_text=True)
    block = html.split('id="fig-heatmap">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block  # tojson escapes < as \\u003c


def test_links_ignore_url_for_control_parameters(client, db, regions):
    seed(regions)
    signed_in(client)
    html = client.get("/dashboard/heatmap?_external=1&_scheme=javascript&_anchor=x").get_data(as_text=True)
    assert "javascript:" not in html and "javascript://" not in html


def test_plotly_bundle_is_served_locally_and_cached(client, db):
    from surveyapp.dashboard.assets import plotly_version

    v = plotly_version()
    js = client.get(f"/dashboard/vendor/plotly-{v}.min.js")
    assert js.status_code == 200 and len(js.data) > 1_000_000
    assert js.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert js.headers["Content-Type"].startswith("text/javascript")
    js.close()
    css = client.get(f"/dashboard/vendor/plotly-{v}.css")
    assert css.status_code == 200 and ".js-plotly-plot .plotly" in css.get_data(as_text=True)
    assert "max-age=31536000" in css.headers["Cache-Control"]
    assert client.get("/dashboard/vendor/plotly-0.0.1.min.js").status_code == 404


def test_pages_reference_no_cdn(client, db, regions):
    seed(regions)
    signed_in(client)
    for url in ["/dashboard/heatmap", "/dashboard/map", "/dashboard/"]:
        html = client.get(url).get_data(as_text=True)
        external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//[^"]*"', html)
        assert external == [] and "https://" not in html.split("<main", 1)[0]
        assert html.count("/vendor/plotly-") == 2  # one stylesheet, one script: plotly.js loaded once


@pytest.mark.parametrize("url", ["/dashboard/heatmap.csv", "/api/v1/heatmap", "/dashboard/ngos/1/report"])
def test_monitor_cannot_export_or_call_the_api(client, db, regions, url):
    seed(regions)
    signed_in(client, "monitor")
    assert client.get(url).status_code == 403
