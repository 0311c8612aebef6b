"""API views are added per resource module (surveys, regions, NGOs, articles, scores)."""
from . import bp  # noqa: F401
