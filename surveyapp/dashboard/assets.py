"""plotly.js served by the app from the installed plotly package (no CDN), cached for a year.

The URL carries the plotly.js version, so a new plotly release changes the URL. Under the strict
CSP (``style-src 'self'``) plotly.js may not inject its own ``<style>`` element: it skips that when
the page has a ``<link id="plotly.js-style-global" class="no-inline-styles">``, so the same rules
are served here as a stylesheet, extracted once from the bundle.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import plotly
from flask import Response, abort, current_app, send_file, url_for
from plotly.offline import get_plotlyjs_version

from . import bp

BUNDLE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
ONE_YEAR = 31536000
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
_RULE = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([A-Za-z_$][\w$]*))\s*:\s*"""
                   r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*([,}])""")


@functools.lru_cache(maxsize=1)
def plotly_version() -> str:
    return str(get_plotlyjs_version())


@functools.lru_cache(maxsize=1)
def _bundle_text() -> str:
    return BUNDLE.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def plotly_css() -> str:
    """plotly.js's global style rules as a stylesheet (empty if the bundle's layout changed)."""
    src = _bundle_text()
    start = src.find('{"X,X div":')
    if start < 0:
        current_app.logger.warning("plotly.js style rules not found; charts will be unstyled")
        return ""
    pos, out = start + 1, []
    while True:
        m = _RULE.match(src, pos)
        if not m:
            break
        key = m.group(1) or m.group(2) or m.group(3) or ""
        value = m.group(4) if m.group(4) is not None else (m.group(5) or "")
        selector = re.sub(r"^,", " ,", key).replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        out.append(f"{selector}{{{value.replace(chr(92) + chr(34), chr(34))}}}")
        pos = m.end()
        if m.group(6) == "}":
            break
    return "\n".join(out) + "\n"


@functools.lru_cache(maxsize=1)
def maplibre_style_id() -> str | None:
    """The id plotly.js checks before injecting maplibre's CSS; a page element with it stops that."""
    m = re.search(r'getElementById\("([0-9a-f]{64})"\)', _bundle_text())
    return m.group(1) if m else None


def _immutable(response: Response) -> Response:
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.route("/vendor/plotly-<version>.min.js")
def plotly_js(version: str) -> Response:
    if version != plotly_version():
        abort(404)
    return _immutable(send_file(BUNDLE, mimetype="text/javascript", max_age=ONE_YEAR, conditional=True,
                                etag=True))


@bp.route("/vendor/plotly-<version>.css")
def plotly_stylesheet(version: str) -> Response:
    if version != plotly_version():
        abort(404)
    return _immutable(Response(plotly_css(), mimetype="text/css"))


@bp.app_context_processor
def _plotly_assets() -> dict[str, object]:
    def plotly_urls() -> dict[str, str | None]:
        v = plotly_version()
        return {"js": url_for("dashboard.plotly_js", version=v), "css": url_for("dashboard.plotly_stylesheet", version=v),
                "maplibre_id": maplibre_style_id()}

    return {"plotly_urls": plotly_urls}
