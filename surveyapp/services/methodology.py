"""The methodology document (docs/methodology.md), rendered once per process for the web page."""
from __future__ import annotations

from functools import lru_cache

import markdown
from markupsafe import Markup

from ..config import PROJECT_ROOT

METHODOLOGY_FILE = PROJECT_ROOT / "docs" / "methodology.md"


@lru_cache(maxsize=1)
def methodology_html() -> Markup:
    """docs/methodology.md as HTML (our own file, so safe to show as markup); tables enabled.

    Raises FileNotFoundError when the document is missing from the installation.
    """
    text = METHODOLOGY_FILE.read_text(encoding="utf-8")
    html = markdown.markdown(text, extensions=["tables"], output_format="html")
    return Markup(html)  # noqa: S704 - the project's own document, not user input  # nosec B704
