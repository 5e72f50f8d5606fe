"""The api_sql domain on SQLAlchemy: user SQL as ``text()``, in a transaction that cannot write.

On SQLite the connection gets the same authorizer and ``query_only`` as the legacy path; on PostgreSQL the
transaction is ``READ ONLY`` with a statement timeout, and a ``PRAGMA`` or a query on SQLite's catalogue
(``sqlite_master``…) raises a ``TautulliDBError`` naming it before anything runs. Either way it is rolled
back, never committed. The per-dialect set-up is chosen once per connection here, outside any query
(``text()`` and driver SQL are allowed in this twin only: the SQL is the user's).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from plexpy.db.engine import guarded
from plexpy.db.errors import QueryRefusedError, TautulliDBError, translating
from plexpy.domains.api_sql import guard
from shim import deadline

__all__ = ["TWIN", "SqlaApiSql"]


@contextmanager
def _sqlite_read_only(conn: Connection) -> Iterator[Callable[[BaseException], str | None]]:
    raw: Any = conn.connection.dbapi_connection
    denials: list[str] = []
    # Connection settings, not statements of the transaction: straight to the driver, as the legacy twin does.
    previous = raw.execute("PRAGMA query_only").fetchone()[0]
    raw.execute("PRAGMA query_only = 1")
    raw.set_authorizer(guard.authorizer(denials))
    try:
        yield lambda _exc: denials[0] if denials else None
    finally:
        raw.set_authorizer(None)
        raw.execute(f"PRAGMA query_only = {int(previous)}")


def _read_only_violation(exc: BaseException) -> str | None:
    """PostgreSQL's ``read_only_sql_transaction`` (SQLSTATE 25006) as a refusal reason."""
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == "25006":
        return "the statement would change the database"
    return None


@contextmanager
def _postgresql_read_only(conn: Connection) -> Iterator[Callable[[BaseException], str | None]]:
    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
    yield _read_only_violation


def _untyped(args: Mapping[str, Any]) -> dict[str, Any]:
    """PostgreSQL: numbers bound as untyped text, so the server reads them as the column's type.

    psycopg sends a ``str`` with no type (``unknown``) and PostgreSQL converts it to whatever the other
    operand is: ``bigint``, ``text`` or the ``jsonb`` of a dynamic column (where ``'12'`` reads as the number
    12, as SQLite's INTEGER affinity reads it). A typed ``int`` would fail against ``jsonb``.
    """
    return {k: str(int(v)) if isinstance(v, bool) else repr(v) if isinstance(v, float) else
            str(v) if isinstance(v, int) else v for k, v in args.items()}


#: Per dialect: how ``?`` arguments are bound.
_BIND_ARGS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {"postgresql": _untyped}

#: Per dialect: put the connection's transaction in read-only mode; yields how to read a refusal from an error.
_READ_ONLY: dict[str, Callable[[Connection], Any]] = {
    "sqlite": _sqlite_read_only,
    "postgresql": _postgresql_read_only,
}


@functools.lru_cache(maxsize=256)
def _text(sql: str) -> TextClause:
    """The ``text()`` construct of a checked query, parsed once per SQL (a repeated dashboard query)."""
    return text(sql)


class SqlaApiSql:
    """Raw SQL reads on SQLAlchemy, refused unless they are one read-only statement."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _run(self, checked: guard.CheckedQuery, op: str) -> list[dict[str, Any]]:
        if checked.empty:
            return []
        read_only = _READ_ONLY.get(self._engine.dialect.name)
        if read_only is None:
            raise guard.refused(f"raw SQL is not supported on {self._engine.dialect.name}")
        sqlite_only = guard.sqlite_only(checked.sql) if self._engine.dialect.name != "sqlite" else None
        if sqlite_only:
            raise TautulliDBError(f"api_sql: {sqlite_only}, not available on {self._engine.dialect.name}",
                                  op=op, domain="api_sql")
        with translating(op, SQLAlchemyError), self._engine.connect() as conn:
            try:
                conn.begin()  # before the authorizer, which refuses BEGIN
                with read_only(conn) as refusal:
                    try:
                        with deadline.within(guard.time_limit()), guarded(conn):
                            bind = _BIND_ARGS.get(self._engine.dialect.name, dict)
                            result = conn.execute(_text(checked.named_sql), bind(checked.named_args))
                            if not result.returns_rows:
                                return []
                            return guard.collect(list(result.keys()), result)
                    except (SQLAlchemyError, TautulliDBError) as exc:
                        reason = refusal(exc)
                        if reason and not isinstance(exc, QueryRefusedError):
                            raise guard.refused(reason) from exc
                        raise
            finally:
                conn.rollback()

    def select(self, query: Any, args: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Every row of a read-only query, as dicts (a repeated column name keeps its last value)."""
        return self._run(guard.check_query(query, args), "api_sql.select")

    def select_single(self, query: Any, args: Sequence[Any] | None = None) -> dict[str, Any]:
        """The first row of a read-only query, or ``{}``."""
        rows = self._run(guard.check_query(query, args), "api_sql.select_single")
        return rows[0] if rows else {}


TWIN = SqlaApiSql
