"""Score and heatmap endpoints (GET /scores, GET /heatmap): added with the dashboard."""
from . import bp  # noqa: F401
