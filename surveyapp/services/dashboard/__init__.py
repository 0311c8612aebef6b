"""Read services for the policymakers' dashboard, the scores API and the public summary.

Everything here reads ``ScoreSnapshot`` (and ``Alert``, registry and media rows) with a few
set-based queries; nothing recomputes a score. Each function takes a ``Scope`` that carries the
caller's region limit, so the limit holds for pages, the API and exports alike.
"""
from .cells import Cell, LOW_PRECISION_SHARE
from .scope import Scope, ScoreQuery, available_periods, parse_query, scope_for

__all__ = ["Cell", "LOW_PRECISION_SHARE", "Scope", "ScoreQuery", "available_periods", "parse_query", "scope_for"]
