"""Admin views: survey building (create, edit, open, close, export, import, preview, tokens)."""
from . import bp  # noqa: F401
