"""Admin views: the NGO registry."""
from . import bp  # noqa: F401
