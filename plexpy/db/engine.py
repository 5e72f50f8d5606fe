"""SQLAlchemy engines: built from the settings' URL, SQLite pragmas and functions set on connect.

``hide_parameters=True`` keeps bound values out of error messages and logs. A deadline set by the shim
interrupts a SQLite statement through a progress handler and becomes ``statement_timeout`` on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import QueuePool, StaticPool

from plexpy.db import held_reads
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.errors import TautulliDBError, translating
from plexpy.db.localtime import SQL_FUNCTIONS
from plexpy.db.retry import on_locked
from plexpy.db.statement_cache_size import STATEMENT_CACHE
from shim import deadline

__all__ = ["after_commit", "build_engine", "connect", "guarded", "read_each", "transaction", "vacuum"]

#: What a statement can raise from the driver: SQLAlchemy's wrapped DBAPI errors, and OverflowError, which
#: sqlite3 raises unwrapped for an int it cannot bind (beyond 64 bits).
STATEMENT_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, OverflowError)

_pinned: contextvars.ContextVar[tuple[Engine, Connection] | None] = contextvars.ContextVar(
    "tautulli_pinned_connection", default=None
)
_after_commit: contextvars.ContextVar[list[Callable[[], Any]] | None] = contextvars.ContextVar(
    "tautulli_after_commit", default=None
)

#: Idle connections a SQLite file engine keeps: threads hold up to half of them between reads (held_reads).
_SQLITE_POOL_SIZE = 10
_VALID_JOURNAL = {"DELETE", "TRUNCATE", "PERSIST", "MEMORY", "WAL", "OFF"}
_VALID_SYNC = {"OFF", "NORMAL", "FULL", "EXTRA"}


def _install_sqlite_hooks(engine: Engine, *, journal_mode: str, synchronous: str, cache_size_mb: int,
                          busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN drive transactions
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if journal_mode:
            cursor.execute(f"PRAGMA journal_mode = {journal_mode}")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute(f"PRAGMA cache_size = -{cache_size_mb * 1024}")
        cursor.close()
        for name, (nargs, func) in SQL_FUNCTIONS.items():
            dbapi_conn.create_function(name, nargs, func, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        statement = "BEGIN IMMEDIATE" if options.get("tautulli_begin") == "IMMEDIATE" else "BEGIN"
        # Straight to the driver: BEGIN needs no statement cache, result or events, and every read pays
        # for it (SQLAlchemy's own execution of it cost about a third of a small read's overhead). A driver
        # error is wrapped as SQLAlchemy wraps it (e.g. "database is locked" -> OperationalError).
        dbapi_error = conn.dialect.loaded_dbapi.Error
        try:
            conn.connection.dbapi_connection.execute(statement)  # type: ignore[union-attr]
        except dbapi_error as exc:
            raise DBAPIError.instance(statement, None, exc, dbapi_error, hide_parameters=True,
                                      dialect=conn.dialect) from exc


def build_engine(
    url: URL | str,
    *,
    journal_mode: str = "WAL",
    synchronous: str = "NORMAL",
    cache_size_mb: int = 32,
    busy_timeout: float = 20.0,
    echo: bool = False,
) -> Engine:
    """Create the engine for ``url`` with the project's connection settings."""
    with translating("create_engine", SQLAlchemyError, ValueError):
        kwargs: dict[str, Any] = {"hide_parameters": True, "echo": echo, "future": True}
        backend = URL.get_backend_name(url) if isinstance(url, URL) else str(url).split(":", 1)[0].split("+")[0]
        if backend == "sqlite":
            database = make_url(url).database
            if not database or database == ":memory:":
                kwargs["poolclass"] = StaticPool
                journal = ""
            else:
                journal = journal_mode.upper() if journal_mode.upper() in _VALID_JOURNAL else "WAL"
                kwargs["pool_size"] = _SQLITE_POOL_SIZE
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": busy_timeout,
                                      "cached_statements": STATEMENT_CACHE}
            engine = create_engine(url, **kwargs)
            if isinstance(engine.pool, QueuePool):  # a file: threads may keep a connection for reads (held_reads)
                held_reads.hold_reads(engine, limit=max(1, engine.pool.size() // 2))
            sync = synchronous.upper() if synchronous.upper() in _VALID_SYNC else "NORMAL"
            _install_sqlite_hooks(engine, journal_mode=journal, synchronous=sync, cache_size_mb=int(cache_size_mb),
                                  busy_timeout=busy_timeout)
            return engine
        kwargs["pool_pre_ping"] = True
        return create_engine(url, **kwargs)


@contextlib.contextmanager
def guarded(conn: Connection) -> Iterator[Connection]:
    """Apply the shim's deadline to statements run on ``conn`` inside the block."""
    if not deadline.active():
        yield conn
        return
    dialect = conn.dialect.name
    if dialect == "sqlite":
        raw = conn.connection.dbapi_connection
        raw.set_progress_handler(lambda: 1 if deadline.expired() else 0, 1000)  # type: ignore[union-attr]
        try:
            yield conn
        finally:
            raw.set_progress_handler(None, 0)  # type: ignore[union-attr]
    elif dialect == "postgresql":
        left = max(1, int((deadline.remaining() or 0) * 1000))
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {left}")
        yield conn
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        yield conn


@contextlib.contextmanager
def connect(engine: Engine, op: str = "query") -> Iterator[Connection]:
    """A connection in a transaction, with the deadline applied and errors translated.

    Inside :func:`transaction` on the same engine, this is that transaction's connection.
    """
    pinned = _pinned.get()
    if pinned is not None and pinned[0] is engine:
        with translating(op, *STATEMENT_ERRORS), guarded(pinned[1]) as guarded_conn:
            yield guarded_conn
        return
    if engine.dialect.name != "sqlite":
        with translating(op, *STATEMENT_ERRORS), engine.begin() as conn, guarded(conn) as guarded_conn:
            yield guarded_conn
        return
    # SQLite: the transaction begins with the first statement SQLAlchemy executes (reads answered by
    # compiled_rows.fetch_dicts run as autocommit SELECTs, as the legacy twin's do) and commits at the end.
    # The thread's held connection serves it when idle (held_reads); otherwise one is checked out.
    with translating(op, *STATEMENT_ERRORS):
        held = held_reads.take(engine)
        with contextlib.nullcontext(held) if held is not None else engine.connect() as conn:
            try:
                if deadline.active():
                    with guarded(conn) as guarded_conn:
                        yield guarded_conn
                else:  # the common case: no deadline, so no progress handler to install and remove
                    yield conn
            except BaseException:
                if conn.in_transaction():
                    conn.rollback()
                raise
            else:
                if conn.in_transaction():
                    conn.commit()
            finally:
                if held is not None:
                    held_reads.give_back(engine, held)


def read_each(engine: Engine, op: str,
              statements: Sequence[tuple[Any, Mapping[str, Any] | None]]) -> list[list[dict[str, Any]] | None]:
    """Run independent reads in one transaction: each statement's rows as dicts, or None where it failed.

    A pool checkout with BEGIN and COMMIT costs about as much as one cached small read, so a call making
    several reads (one per window of days) shares them. If any statement fails, each runs again in its own
    transaction, so a failure (which aborts the whole transaction on PostgreSQL) costs only its own rows, as
    separate calls would.
    """
    try:
        with connect(engine, op) as conn:
            return [fetch_dicts(conn, stmt, params) for stmt, params in statements]
    except TautulliDBError:
        pass
    answers: list[list[dict[str, Any]] | None] = []
    for stmt, params in statements:
        try:
            with connect(engine, op) as conn:
                answers.append(fetch_dicts(conn, stmt, params))
        except TautulliDBError:
            answers.append(None)
    return answers


@contextlib.contextmanager
def transaction(engine: Engine, op: str = "write", *, rollback: bool = False) -> Iterator[Connection]:
    """One write transaction (``BEGIN IMMEDIATE`` on SQLite) that every :func:`connect` inside joins.

    A nested block becomes a savepoint. ``rollback=True`` undoes the block at the end (write verification).
    Waiting for the write lock is bounded, then :class:`TautulliDBError` reaches the caller.
    """
    pinned = _pinned.get()
    if pinned is not None and pinned[0] is engine:
        with translating(op, *STATEMENT_ERRORS):
            nested = pinned[1].begin_nested()
        try:
            with translating(op, *STATEMENT_ERRORS):
                yield pinned[1]
        except BaseException:
            nested.rollback()
            raise
        with translating(op, *STATEMENT_ERRORS):
            nested.rollback() if rollback else nested.commit()
        return
    with translating(op, *STATEMENT_ERRORS):
        conn = engine.connect().execution_options(tautulli_begin="IMMEDIATE")
    try:
        with translating(op, *STATEMENT_ERRORS):
            trans = on_locked(conn.begin)
        token = _pinned.set((engine, conn))
        pending: list[Callable[[], Any]] = []
        pending_token = _after_commit.set(pending)
        try:
            with translating(op, *STATEMENT_ERRORS):
                yield conn
        except BaseException:
            trans.rollback()
            raise
        finally:
            _pinned.reset(token)
            _after_commit.reset(pending_token)
        with translating(op, *STATEMENT_ERRORS):
            trans.rollback() if rollback else trans.commit()
    finally:
        conn.close()
    if not rollback:
        for func in pending:
            func()


def after_commit(func: Callable[[], Any]) -> None:
    """Run ``func`` once the current :func:`transaction` commits (now, outside one); never after a rollback."""
    pending = _after_commit.get()
    if pending is None:
        func()
    else:
        pending.append(func)


def vacuum(engine: Engine) -> None:
    """``VACUUM`` the database outside any transaction (a documented maintenance statement)."""
    with (
        translating("vacuum", SQLAlchemyError),
        engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
    ):
        on_locked(lambda: conn.exec_driver_sql("VACUUM"))
