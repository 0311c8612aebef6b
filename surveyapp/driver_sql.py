"""SQLAlchemy Core statements compiled once and run straight on the DBAPI cursor (SQLite).

Running a cached Core statement through a ``Connection`` still builds an execution context, a
cache key and a result object each time: on the survey API's hot path that machinery cost more
CPU than SQLite's own work on the same four statements. A :class:`DriverStatement` is the same
statement compiled once for the dialect, with the column types' own bind and result processors
(so values are stored exactly as SQLAlchemy stores them: UUIDs, dates, JSON), executed with the
driver's cursor on the connection the session already holds, inside its transaction.

Only for SQLite, whose driver neither drops connections nor needs the pool told about a
failure: elsewhere callers keep SQLAlchemy's execution. A driver error is raised as SQLAlchemy's
own wrapper (``IntegrityError``, ``OperationalError`` …), as ``Connection.execute`` would.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.expression import Insert, Select

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class DriverStatement:
    """A statement in the driver's SQL and positional parameter style, with its type processors."""

    sql: str
    #: Parameter names in the order the SQL takes them.
    names: tuple[str, ...]
    bind: tuple[Processor, ...]
    #: Result processors per selected column (empty for an INSERT).
    result: tuple[Processor, ...]
    #: Values of the statement's own literals (``literal(0)``), used when ``params`` is not given them.
    fixed: Mapping[str, Any]

    _getter: Callable[[Mapping[str, Any]], Any] = field(init=False, repr=False, compare=False)
    #: (position, processor, what the processor gives for None) per processed parameter.
    _processed: tuple[tuple[int, Callable[[Any], Any], Any], ...] = field(init=False, repr=False, compare=False)
    _multi_row: dict[int, str | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = self.names
        getter = itemgetter(*names) if len(names) > 1 else (lambda values: (values[names[0]],) if names else ())
        object.__setattr__(self, "_getter", getter)
        # A type's bind processor maps None to one constant (None; the JSON type's 'null'), so it is
        # computed once here rather than per row: most answers' value_list is None, and serialising
        # it cost a json.dumps per answer.
        object.__setattr__(self, "_processed", tuple((i, p, p(None)) for i, p in enumerate(self.bind) if p is not None))
        object.__setattr__(self, "_multi_row", {})

    def params(self, values: Mapping[str, Any]) -> list[Any]:
        """The positional parameters for ``values`` (a name → value mapping), types processed.
        Raises KeyError for a parameter that is neither given nor fixed by the statement."""
        if self.fixed:
            given = [values[name] if name in values or name not in self.fixed else self.fixed[name]
                     for name in self.names]
        else:
            given = list(self._getter(values))
        for i, proc, for_none in self._processed:
            value = given[i]
            given[i] = for_none if value is None else proc(value)  # None too: JSON stores it as 'null'
        return given

    def multi_row_sql(self, count: int) -> str | None:
        """This INSERT's SQL for ``count`` rows in one statement (``VALUES (…), (…)``), or None when
        the statement is no plain single-row INSERT. Built once per count."""
        cache = self._multi_row
        sql = cache.get(count)
        if sql is None and count not in cache:
            head, sep, values = self.sql.partition(" VALUES ")
            plain = (sep and head.startswith("INSERT ") and values.startswith("(") and values.endswith(")")
                     and values.count("(") == 1)
            sql = cache[count] = f"{head}{sep}{', '.join([values] * count)}" if plain else None
        return sql

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        """A fetched row with the columns' result processors applied."""
        return tuple(value if proc is None else proc(value) for proc, value in zip(self.result, raw))


def compile_statement(statement: ClauseElement, dialect: Dialect,
                      column_keys: Iterable[str] | None = None) -> DriverStatement:
    """Compile ``statement`` for ``dialect`` (a positional paramstyle such as SQLite's ``qmark``).

    ``column_keys`` names the columns an INSERT sets (all others keep their server side value);
    every bound parameter must then be given by name to :meth:`DriverStatement.params`.
    """
    compiled = statement.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
    names = tuple(compiled.positiontup or ())
    if dialect.paramstyle not in ("qmark", "numeric") or (compiled.binds and not names):
        raise ValueError(f"{dialect.name}: driver statements need a positional paramstyle")
    bind = tuple(compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
    result: tuple[Processor, ...] = ()
    if isinstance(statement, Select) or (isinstance(statement, Insert) and statement._returning):
        result = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                       for column in statement.selected_columns)  # type: ignore[union-attr]
    fixed = {name: compiled.binds[name].value for name in names
             if compiled.binds[name].value is not None and not compiled.binds[name].required}
    return DriverStatement(compiled.string, names, bind, result, fixed)


def _raise_wrapped(error: Exception, statement: DriverStatement, params: Any, dialect: Dialect) -> None:
    raise sa_exc.DBAPIError.instance(statement.sql, params, error, dialect.loaded_dbapi.Error,
                                     dialect=dialect) from error


def fetch_all(connection: Connection, statement: DriverStatement, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Run a SELECT on the connection's driver cursor; every row, types processed."""
    params = statement.params(values)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        rows = cursor.execute(statement.sql, params).fetchall()
    except connection.dialect.loaded_dbapi.Error as error:
        _raise_wrapped(error, statement, params, connection.dialect)
    finally:
        cursor.close()
    return [statement.row(raw) for raw in rows] if any(statement.result) else [tuple(raw) for raw in rows]


#: Bound parameters per statement at most (SQLite before 3.32 allowed 999).
MAX_PARAMETERS = 999


def execute_many(connection: Connection, statement: DriverStatement, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write ``rows`` with ``statement``: an INSERT as multi-row INSERTs (``VALUES (…), (…)``, at
    most MAX_PARAMETERS parameters each), anything else (an UPDATE) with one ``executemany``.

    One statement for a response's answers instead of one step per answer: the driver releases
    and retakes the GIL around every step, and the writer holds SQLite's write lock meanwhile, so
    under load each retake could queue behind another thread's Python work.
    """
    params = [statement.params(row) for row in rows]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if len(params) == 1:
            cursor.execute(statement.sql, params[0])
        elif statement.multi_row_sql(2) is not None:
            per = max(1, MAX_PARAMETERS // max(1, len(statement.names)))
            for start in range(0, len(params), per):
                chunk = params[start:start + per]
                cursor.execute(statement.multi_row_sql(len(chunk)), [v for p in chunk for v in p])
        else:
            cursor.executemany(statement.sql, params)
    except connection.dialect.loaded_dbapi.Error as error:
        _raise_wrapped(error, statement, params, connection.dialect)
    finally:
        cursor.close()


class StatementCache:
    """Driver statements built on first use per dialect (SQLite only; None elsewhere)."""

    def __init__(self, build: Callable[[Dialect, Any], DriverStatement]) -> None:
        self._build = build
        self._built: dict[tuple[Any, ...], DriverStatement] = {}

    def get(self, dialect: Dialect, variant: Any = None) -> DriverStatement | None:
        """The statement for ``dialect`` (and ``variant``, e.g. a number of list items), or None
        when the dialect is not SQLite."""
        if dialect.name != "sqlite":
            return None
        key = (dialect.driver, dialect.server_version_info, variant)
        statement = self._built.get(key)
        if statement is None:
            statement = self._built[key] = self._build(dialect, variant)
        return statement


def execute_plain(connection: Connection, sql: str) -> None:
    """Run one parameterless statement (``BEGIN IMMEDIATE``) on the connection's driver; a driver
    error is raised as SQLAlchemy's wrapper, so "database is locked" is still a 503."""
    try:
        connection.connection.driver_connection.execute(sql)  # type: ignore[union-attr]
    except connection.dialect.loaded_dbapi.Error as error:
        raise sa_exc.DBAPIError.instance(sql, None, error, connection.dialect.loaded_dbapi.Error,
                                         dialect=connection.dialect) from error


def commit_driver(connection: Connection) -> None:
    """COMMIT on the connection's driver, errors wrapped as SQLAlchemy's (see ``execute_plain``)."""
    try:
        connection.connection.driver_connection.commit()  # type: ignore[union-attr]
    except connection.dialect.loaded_dbapi.Error as error:
        raise sa_exc.DBAPIError.instance("COMMIT", None, error, connection.dialect.loaded_dbapi.Error,
                                         dialect=connection.dialect) from error
