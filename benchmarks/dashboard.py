"""Dashboard speed: the heatmap page and GET /api/v1/heatmap with 500 NGOs × 20 regions × 4 periods.

Loads the snapshots a million responses would produce (every metric the heatmap can show is one
metric here: trust_index, direct + shrunk rows for regions, national rows, all-NGO rows) into a
scratch SQLite database — and into PostgreSQL when ``SENIM_BENCH_POSTGRES`` is set to a URL — then
times server-side requests through the test client. Prints figures only.

    .venv/bin/python benchmarks/dashboard.py [--runs 30]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NGOS, PERIODS = 500, ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")


def build_app(url: str, tmp: Path) -> Any:
    from surveyapp import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "bench-secret-key-0123456789-0123456789",
                       "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                       "SENIM_ARGON2": {"time_cost": 1, "memory_cost": 8, "parallelism": 1}}, environ={})


def load(app: Any) -> int:
    """Insert regions, NGOs and snapshot rows with bulk inserts; returns the number of snapshot rows."""
    import random

    from sqlalchemy import insert, text

    from models import NGO, ScoreSnapshot, cell_key, db
    from surveyapp.services.regions import load_regions, regions_by_code

    rng = random.Random(7)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_regions()
        db.session.commit()
        region_ids = [r.id for r in regions_by_code().values()]
        db.session.execute(insert(NGO), [{"name_en": f"Benchmark Foundation {i}", "name_ru": f"Фонд {i}",
                                          "name_kk": f"Қор {i}", "sector": "other"} for i in range(NGOS)])
        db.session.commit()
        ngo_ids = [i for (i,) in db.session.execute(text("SELECT id FROM ngos ORDER BY id"))]
        rows: list[dict[str, Any]] = []
        for period in PERIODS:
            for ngo_id in [None, *ngo_ids]:
                for region_id in [None, *region_ids]:
                    methods = ("direct",) if region_id is None else ("direct", "shrunk")
                    n = rng.randint(5, 400)
                    est = rng.uniform(20, 80)
                    for method in methods:
                        small = n < 10
                        rows.append({"key": cell_key("trust_index", ngo_id, region_id, period, "all", method),
                                     "metric": "trust_index", "ngo_id": ngo_id, "region_id": region_id,
                                     "period": period, "segment": "all", "estimate": None if small else est,
                                     "ci_low": None if small else est - 6, "ci_high": None if small else est + 6,
                                     "n": n, "n_eff": n * 0.8, "method": method, "suppressed": small})
        for i in range(0, len(rows), 5000):
            db.session.execute(insert(ScoreSnapshot), rows[i:i + 5000])
        db.session.commit()
        return len(rows)


def time_get(client: Any, url: str, runs: int, headers: dict[str, str] | None = None) -> tuple[float, float, int]:
    client.get(url, headers=headers)  # warm caches (templates, plotly.css)
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.data)
    times.sort()
    return statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)], size


def run(label: str, url: str, runs: int) -> None:
    from models import db
    from surveyapp.services.users import create_user, issue_token

    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(url.replace("{tmp}", tmp), Path(tmp))
        started = time.perf_counter()
        count = load(app)
        print(f"[{label}] loaded {count:,} snapshot rows in {time.perf_counter() - started:.1f} s")
        with app.app_context():
            create_user("bench@example.kz", "bench password 12345", "analyst")
            token = issue_token("bench@example.kz")
            db.session.commit()
        client = app.test_client()
        page = client.get("/login")
        import re

        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
        client.post("/login", data={"email": "bench@example.kz", "password": "bench password 12345",
                                    "csrf_token": csrf})
        for name, path, headers in [
            ("heatmap page (50 rows)", "/dashboard/heatmap", None),
            ("heatmap page sorted by Almaty", "/dashboard/heatmap?sort=-KZ-75", None),
            ("GET /api/v1/heatmap (50 rows)", "/api/v1/heatmap?per_page=50", {"Authorization": f"Bearer {token}"}),
            ("GET /api/v1/heatmap (500 rows)", "/api/v1/heatmap?per_page=500", {"Authorization": f"Bearer {token}"}),
            ("heatmap CSV export (all rows)", "/dashboard/heatmap.csv", None),
        ]:
            median, p95, size = time_get(client, path, runs if "export" not in name else max(3, runs // 5), headers)
            print(f"[{label}] {name:34s} median {median:7.1f} ms   p95 {p95:7.1f} ms   payload {size / 1024:8.1f} KiB")
        with app.app_context():
            db.session.remove()
            db.drop_all() if label != "sqlite" else None
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    from surveyapp.dashboard.assets import BUNDLE

    print(f"plotly.js bundle (cached, one per page): {BUNDLE.stat().st_size / 1024:.0f} KiB; targets: page ≤ 200 ms "
          "median, API ≤ 100 ms, page weight ≤ 1 MB without plotly.js")
    run("sqlite", "sqlite:///{tmp}/bench.db", args.runs)
    pg = os.environ.get("SENIM_BENCH_POSTGRES")
    if pg:
        from surveyapp.config import normalise_database_url

        run("postgresql", normalise_database_url(pg), args.runs)


if __name__ == "__main__":
    main()
