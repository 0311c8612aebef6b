"""Public pages: home, language switch, survey taking and project voting."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from . import views  # noqa: E402,F401
from . import survey  # noqa: E402,F401
