"""WSGI entry for the submission benchmark: the real app, database from SENIM_DATABASE_URL, and the
API submission limit from SENIM_API_SUBMIT_LIMIT (all load comes from 127.0.0.1, so the benchmark
raises it; the limiter itself stays on and is part of the measured cost)."""
import os

from surveyapp import create_app

overrides = {"SECRET_KEY": os.environ.get("SENIM_SECRET_KEY", "bench-" + "x" * 40)}
if os.environ.get("SENIM_API_SUBMIT_LIMIT"):
    overrides["SENIM_API_SUBMIT_LIMIT"] = os.environ["SENIM_API_SUBMIT_LIMIT"]
app = create_app(overrides)
