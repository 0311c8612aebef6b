"""``analysis`` never imports the web app, Flask or the database models."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "models", "surveyapp")

CODE = f"""
import importlib, pkgutil, sys
import analysis
names = [m.name for m in pkgutil.walk_packages(analysis.__path__, "analysis.")]
for name in names:
    importlib.import_module(name)
print(";".join(names))
print(",".join(m for m in {FORBIDDEN!r} if m in sys.modules))
"""


def test_analysis_and_all_its_modules_import_without_the_web_app() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    imported, loaded = (done.stdout.splitlines() + ["", ""])[:2]
    for module in ("weighting", "estimators", "smallarea", "indices", "quality", "monitoring", "disclosure"):
        assert f"analysis.{module}" in imported.split(";")
    assert loaded == "", f"analysis pulled in: {loaded}"
