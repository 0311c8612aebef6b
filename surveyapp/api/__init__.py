"""The JSON API under /api/v1, described by the OpenAPI document at /api/v1/openapi.json."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from . import views  # noqa: E402,F401
from . import scores  # noqa: E402,F401
from . import articles  # noqa: E402,F401
