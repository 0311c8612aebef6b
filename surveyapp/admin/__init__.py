"""Administration: the NGO registry and surveys."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import views  # noqa: E402,F401
from . import surveys  # noqa: E402,F401
