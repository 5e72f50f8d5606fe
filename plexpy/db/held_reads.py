"""Each thread keeps one idle SQLite connection per engine between reads, as the legacy executor keeps its own.

A pool checkout and a new ``Connection`` cost about as much as a small cached read on SQLite (14 µs when the
same call repeats, 50-60 µs in a mixed workload), and a Tautulli call makes one to three of them. A thread's
held connection is checked out once and reused by :func:`plexpy.db.engine.connect` while it is idle; a read
nested in a read on the same thread, a write transaction, or a thread beyond the holding limit checks out a
connection of its own as before. Every use begins and ends its own transaction, so between uses a held
connection is as idle as a pooled one.

A held connection is given back when the engine is disposed (idle ones at once, one in use when its use ends),
when it was invalidated or the driver was left inside a transaction, when its thread has ended and the limit
is reached, and when the engine itself is collected. At most ``limit`` connections are checked out before a
thread starts holding one, so writers and other threads always find free connections in the pool.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

__all__ = ["give_back", "held_count", "hold_reads", "release", "take"]

_ATTRIBUTE = "_tautulli_held_reads"


class _Held:
    """One thread's held connection, the pool it came from, and whether a read is using it."""

    __slots__ = ("busy", "conn", "pool")

    def __init__(self, conn: Connection, pool: Any) -> None:
        self.conn = conn
        self.pool = pool
        self.busy = True

    def close(self) -> None:
        with contextlib.suppress(Exception):  # giving a connection back never raises
            if self.conn.engine.pool is not self.pool:
                self.conn.invalidate()  # its pool was disposed: close the driver connection now
            self.conn.close()

    def __del__(self) -> None:  # the engine was collected with connections still held
        self.close()


class _Readers:
    """An engine's held connections by thread ident (kept on the engine, so they go when it goes)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lock = threading.Lock()
        self.by_thread: dict[int, _Held] = {}

    def drop(self, ident: int) -> None:
        """Close thread ``ident``'s held connection and forget it (caller holds the lock)."""
        self.by_thread.pop(ident).close()

    def drop_idle(self, *, only_ended: bool) -> None:
        """Close the idle held connections, or only those of threads that have ended (caller holds the lock)."""
        alive = {thread.ident for thread in threading.enumerate()} if only_ended else set()
        for ident, held in list(self.by_thread.items()):
            if ident not in alive and not held.busy:
                self.drop(ident)

    def close_idle(self) -> None:
        """Close every idle held connection (the engine was disposed)."""
        with self.lock:
            self.drop_idle(only_ended=False)


def hold_reads(engine: Engine, limit: int) -> None:
    """Let ``engine``'s threads hold a connection between reads, while fewer than ``limit`` are checked out."""
    readers = _Readers(limit)
    setattr(engine, _ATTRIBUTE, readers)
    event.listen(engine, "engine_disposed", lambda _engine: readers.close_idle())


def take(engine: Engine) -> Connection | None:
    """This thread's held connection, now in use; None where the caller checks out a connection of its own.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the first checkout on this thread failed.
    """
    readers: _Readers | None = getattr(engine, _ATTRIBUTE, None)
    if readers is None:
        return None
    ident = threading.get_ident()
    with readers.lock:
        held = readers.by_thread.get(ident)
        if held is not None:
            if held.busy:
                return None  # a read nested in a read on this thread: a connection of its own, as before
            if held.pool is engine.pool and not held.conn.invalidated and not held.conn.closed:
                held.busy = True
                return held.conn
            readers.drop(ident)
        if engine.pool.checkedout() >= readers.limit:
            readers.drop_idle(only_ended=True)
            if engine.pool.checkedout() >= readers.limit:
                return None
    pool = engine.pool
    conn = engine.connect()  # outside the lock: opening a connection may wait for the file
    with readers.lock:
        readers.by_thread[ident] = _Held(conn, pool)
    return conn


def give_back(engine: Engine, conn: Connection) -> None:
    """Mark this thread's held ``conn`` idle again, or close it where it cannot be reused."""
    readers: _Readers = getattr(engine, _ATTRIBUTE)
    ident = threading.get_ident()
    with readers.lock:
        held = readers.by_thread.get(ident)
        if held is None or held.conn is not conn:
            with contextlib.suppress(Exception):
                conn.close()
            return
        held.busy = False
        reusable = not conn.invalidated and not conn.closed and held.pool is engine.pool
        if not reusable or conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            readers.drop(ident)  # closing rolls back what was left open (the pool's reset on return)


def release(engine: Engine) -> None:
    """Give back this thread's idle held connection to ``engine``."""
    readers: _Readers | None = getattr(engine, _ATTRIBUTE, None)
    if readers is None:
        return
    ident = threading.get_ident()
    with readers.lock:
        held = readers.by_thread.get(ident)
        if held is not None and not held.busy:
            readers.drop(ident)


def held_count(engine: Engine) -> int:
    """How many of ``engine``'s connections threads hold now (idle or in use)."""
    readers: _Readers | None = getattr(engine, _ATTRIBUTE, None)
    if readers is None:
        return 0
    with readers.lock:
        return len(readers.by_thread)
