"""The legacy executor: raw sqlite3 with the semantics of Tautulli's ``MonitorDatabase``.

``select`` returns a list of dicts (a repeated output name keeps the last value), ``select_single`` one dict
or ``{}``, ``action`` runs one statement in its own transaction, ``upsert`` updates by key and inserts when
nothing matched. Connections are per thread; WAL, synchronous and cache size follow Tautulli's config. A
deadline set by the shim interrupts a running statement. Holds no domain SQL.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import structlog

from plexpy.db.errors import TautulliDBError, translating
from plexpy.db.localtime import SQL_FUNCTIONS
from plexpy.db.retry import on_locked
from plexpy.db.statement_cache_size import STATEMENT_CACHE
from shim import deadline

__all__ = ["Row", "SqliteExecutor"]

log = structlog.get_logger(__name__)

Row = dict[str, Any]
Tracer = Callable[[str, Sequence[Any], float], None]

#: What the driver raises for a statement: its own errors, and OverflowError for an int it cannot bind
#: (beyond 64 bits), which Tautulli's callers meet as a failed query.
DRIVER_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, OverflowError)

_WRITE_LOCK = threading.RLock()
_VALID_JOURNAL = {"DELETE", "TRUNCATE", "PERSIST", "MEMORY", "WAL", "OFF"}
_VALID_SYNC = {"OFF", "NORMAL", "FULL", "EXTRA"}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class SqliteExecutor:
    """Raw sqlite3 access to one database file, one connection per thread."""

    def __init__(
        self,
        path: str | Path,
        *,
        journal_mode: str = "WAL",
        synchronous: str = "NORMAL",
        cache_size_mb: int = 32,
        busy_timeout: float = 20.0,
        read_only: bool = False,
        tracer: Tracer | None = None,
    ) -> None:
        self.path = str(path)
        self.journal_mode = journal_mode.upper() if journal_mode.upper() in _VALID_JOURNAL else "WAL"
        self.synchronous = synchronous.upper() if synchronous.upper() in _VALID_SYNC else "NORMAL"
        self.cache_size_mb = int(cache_size_mb)
        self.busy_timeout = busy_timeout
        self.read_only = read_only
        self.tracer = tracer
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()

    # -- connections -------------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        with translating("connect", sqlite3.Error):
            if self.read_only:
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                conn = sqlite3.connect(uri, uri=True, timeout=self.busy_timeout, isolation_level=None,
                                       check_same_thread=False, cached_statements=STATEMENT_CACHE)
            else:
                conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None,
                                       check_same_thread=False, cached_statements=STATEMENT_CACHE)
            if not self.read_only:
                conn.execute(f"PRAGMA journal_mode = {self.journal_mode}")
                conn.execute(f"PRAGMA synchronous = {self.synchronous}")
            conn.execute(f"PRAGMA cache_size = -{self.cache_size_mb * 1024}")
            for name, (nargs, func) in SQL_FUNCTIONS.items():
                conn.create_function(name, nargs, func, deterministic=True)
        with self._all_lock:
            self._all.append(conn)
        return conn

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close every connection this executor opened (all threads)."""
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:  # pragma: no cover - closing is best effort
                log.debug("db.close_failed", path=self.path)
        self._local = threading.local()

    # -- execution ---------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _guarded(self, conn: sqlite3.Connection) -> Iterator[None]:
        """Interrupt statements (execution and fetching) once the shim's deadline passes."""
        if not deadline.active() or getattr(self._local, "guarded", False):
            yield
            return
        conn.set_progress_handler(lambda: 1 if deadline.expired() else 0, 1000)
        self._local.guarded = True
        try:
            yield
        finally:
            self._local.guarded = False
            conn.set_progress_handler(None, 0)

    def _execute(self, conn: sqlite3.Connection, query: str, args: Sequence[Any]) -> sqlite3.Cursor:
        started = time.perf_counter()
        try:
            with self._guarded(conn):
                return conn.execute(query, list(args))
        finally:
            if self.tracer is not None:
                self.tracer(query, args, time.perf_counter() - started)

    def select(self, query: str, args: Sequence[Any] | None = None) -> list[Row]:
        """Run a query and return every row as a dict (a repeated output name keeps its last value)."""
        conn = self.connection()
        with translating("select", *DRIVER_ERRORS), self._guarded(conn):
            cursor = self._execute(conn, query, args or ())
            if cursor.description is None:
                return []
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def select_single(self, query: str, args: Sequence[Any] | None = None) -> Row:
        """The first row of a query as a dict, or ``{}`` (never None)."""
        rows = self.select(query, args)
        return rows[0] if rows else {}

    @contextlib.contextmanager
    def transaction(self, *, rollback: bool = False) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction on this thread's connection for the whole block.

        Every :meth:`action` inside joins it, so a write function is all or nothing. A nested block becomes a
        savepoint. ``rollback=True`` undoes everything at the end (write verification). Waiting for the write
        lock is bounded: busy timeout, then a few retries, then :class:`TautulliDBError` — never a silent drop.
        """
        conn = self.connection()
        depth = getattr(self._local, "depth", 0)
        with _WRITE_LOCK:
            if depth:
                name = f"tdb_sp{depth}"
                conn.execute(f"SAVEPOINT {name}")
                self._local.depth = depth + 1
                try:
                    yield conn
                except BaseException:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                    raise
                finally:
                    self._local.depth = depth
                if rollback:
                    conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                return
            with translating("begin", sqlite3.Error):
                on_locked(lambda: conn.execute("BEGIN IMMEDIATE"))
            self._local.depth = 1
            self._local.after_commit = []
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                self._local.depth = 0
                pending, self._local.after_commit = self._local.after_commit, []
            with translating("commit", sqlite3.Error):
                conn.execute("ROLLBACK" if rollback else "COMMIT")
        if not rollback:
            for func in pending:
                func()

    def after_commit(self, func: Callable[[], Any]) -> None:
        """Run ``func`` once the current transaction commits (now, outside one); never after a rollback."""
        if getattr(self._local, "depth", 0):
            self._local.after_commit.append(func)
        else:
            func()

    def vacuum(self) -> None:
        """``VACUUM`` the file (outside any transaction), as Tautulli does after deletes."""
        conn = self.connection()
        with _WRITE_LOCK, translating("vacuum", sqlite3.Error):
            on_locked(lambda: conn.execute("VACUUM"))

    def action(self, query: str, args: Sequence[Any] | None = None) -> int:
        """Run one statement (in its own transaction unless inside :meth:`transaction`); return changed rows."""
        with self.transaction() as conn, translating("action", *DRIVER_ERRORS):
            cursor = self._execute(conn, query, args or ())
            inserted = query.lstrip().split(None, 1)[0].upper() in ("INSERT", "REPLACE") and cursor.rowcount > 0
            # Tautulli opens a connection per call, so its last insert id is 0 unless that call inserted.
            self._local.last_insert_id = (cursor.lastrowid or 0) if inserted else 0
            return cursor.rowcount

    def upsert(self, table_name: str, value_dict: Mapping[str, Any], key_dict: Mapping[str, Any]) -> str:
        """Update the rows matching ``key_dict``; insert when none matched. Returns ``'update'``/``'insert'``."""
        values = dict(value_dict)
        keys = dict(key_dict)
        if not table_name.replace("_", "").isalnum():
            raise TautulliDBError(f"upsert: invalid table name {table_name!r}", op="upsert")
        table = _quote(table_name)
        sets = ", ".join(f"{_quote(k)} = ?" for k in values)
        where = " AND ".join(f"{_quote(k)} = ?" for k in keys)
        changed = self.action(f"UPDATE {table} SET {sets} WHERE {where}", [*values.values(), *keys.values()])
        if changed:
            return "update"
        merged = {**keys, **values}
        columns = ", ".join(_quote(k) for k in merged)
        marks = ", ".join("?" for _ in merged)
        try:
            self.action(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(merged.values()))
        except TautulliDBError as exc:
            if not isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise
            log.info("db.upsert_insert_ignored", table=table_name)
        return "insert"

    def last_insert_id(self) -> int:
        """The rowid of this thread's last insert through :meth:`action`, 0 if none."""
        return int(getattr(self._local, "last_insert_id", 0) or 0)
