"""URL converters shared by every blueprint.

``<int:...>`` in a route means a row id: the stock converter accepts any number of digits, and an id
past PostgreSQL's ``integer`` range made the lookup itself fail (a 500 instead of a 404). Ids here
are 1 … 2**31 - 1; anything else does not match the route, so the caller gets a plain 404.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

#: The largest id a row can have (PostgreSQL ``integer``; SQLite shares the bound by convention).
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<int:name>`` bounded to a row id's range (1 … ``MAX_ROW_ID``) unless a route says otherwise."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def init_routing(app: Flask) -> None:
    """Install the converters; call before any blueprint is registered (rules compile on add)."""
    app.url_map.converters["int"] = RowIdConverter
