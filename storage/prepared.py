"""Core statements compiled once per dialect and run straight on the driver's cursor.

A few statements run on every message a person sends. Through `Connection.execute`, each call
builds an execution context, looks the statement up in the compiled cache and wraps the
result, which costs several times what the statement itself costs on SQLite. A `Prepared`
statement is compiled once for each dialect and run on the DB-API cursor of the caller's
connection, inside the caller's transaction. The column types' own bind and result processors
still convert every value, so what is stored and read back is what `Connection.execute` gives.
Errors are raised as `Connection.execute` raises them (`OperationalError`, `IntegrityError`), and a connection
the database dropped is invalidated as it would invalidate it; connection events and statement logging are
bypassed: nothing here listens to them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None


class Prepared:
    """A statement whose parameters are all named `bindparam`s."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run in the connection's transaction; the rows returned (selected or RETURNING), converted."""
        dialect = connection.dialect
        compiled = self._compiled(dialect)
        parameters = compiled.parameters(values)
        driver = connection.connection.dbapi_connection
        cursor = driver.cursor()  # type: ignore[union-attr]  # open: in a transaction
        try:
            cursor.execute(compiled.sql, parameters)
            rows = cursor.fetchall() if cursor.description else []
        except dialect.loaded_dbapi.Error as error:  # raised as `Connection.execute` would: OperationalError...
            lost = dialect.is_disconnect(error, driver, cursor)
            if lost:  # the database dropped the connection: the pool must not lend it again
                connection.invalidate(error)
            raise DBAPIError.instance(compiled.sql, parameters, error, dialect.loaded_dbapi.Error,
                                      connection_invalidated=lost) from error
        finally:
            cursor.close()
        return [compiled.converted(row) for row in rows]

    def _compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = _Compiled(self.statement, dialect)
        return compiled


class _Compiled:
    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.sql = str(compiled)
        self.positional = compiled.positiontup is not None
        self.binds: list[tuple[str, Processor]] = [
            (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in (compiled.positiontup or compiled.binds)
        ]
        self.results: list[Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in getattr(statement, "exported_columns", ())
        ]

    def parameters(self, values: Mapping[str, Any]) -> list[Any] | dict[str, Any]:
        if self.positional:
            return [values[name] if process is None else process(values[name]) for name, process in self.binds]
        return {name: values[name] if process is None else process(values[name]) for name, process in self.binds}

    def converted(self, row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(value if process is None else process(value) for value, process in zip(row, self.results))
