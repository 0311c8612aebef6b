"""WSGI entry for the submission benchmark: the real app with rate limiting off (one client
address sends everything) and the database from SENIM_DATABASE_URL."""
import os

from surveyapp import create_app

app = create_app({"RATELIMIT_ENABLED": False, "SECRET_KEY": os.environ.get("SENIM_SECRET_KEY", "bench-" + "x" * 40)})
