"""Public survey taking and project voting."""
from . import bp  # noqa: F401
