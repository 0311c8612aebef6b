"""The methodology page renders the reference document and the metric catalogue."""
from __future__ import annotations

from surveyapp.services.metrics import METRICS


def test_methodology_page_lists_every_metric_and_the_definitions(client, regions):
    response = client.get("/methodology")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for metric in METRICS:
        assert f"<code>{metric.key}</code>" in html
    for phrase in ("Wilson score interval", "Fay–Herriot", "fewer than 10 respondents", "Worked example",
                   "deff = n Σw² / (Σw)²"):
        assert phrase in html
    assert "<table>" in html  # markdown tables rendered


def test_methodology_page_in_kazakh_keeps_the_metric_names_translated(client, regions):
    html = client.get("/methodology", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert 'lang="kk"' in html and "Сенім индексі" in html
