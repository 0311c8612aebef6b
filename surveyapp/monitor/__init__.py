"""Media monitors: upload articles, review the mentions found, correct tones, edit outlets."""
from flask import Blueprint

bp = Blueprint("monitor", __name__)

from . import views  # noqa: E402,F401
from . import review  # noqa: E402,F401
