"""The write side of :mod:`plexpy.commands.migrate`: the write lock, the backup and the commit.

One connection takes the write lock (``BEGIN IMMEDIATE``) and keeps one real transaction open,
DDL included, until the caller commits; anything else rolls back and leaves the file as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
import structlog
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from plexpy.commands.migrate_errors import DatabaseBusyError

#: The events keep the logger name of :mod:`plexpy.commands.migrate`, where they were first logged.
log = structlog.get_logger("plexpy.commands.migrate")


def _writer_engine(path: Path, busy_timeout: float) -> Engine:
    """One real transaction per ``begin()``, DDL included, taking the write lock at once."""
    engine = sa.create_engine(URL.create("sqlite", database=str(path)), poolclass=NullPool,
                              connect_args={"timeout": busy_timeout})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def _locked(path: Path, busy_timeout: float) -> Iterator[Connection]:
    """A connection holding the write lock in an open transaction (rolled back unless committed)."""
    engine = _writer_engine(path, busy_timeout)
    try:
        with engine.connect() as conn:
            try:
                conn.begin()
            except OperationalError as exc:
                raise DatabaseBusyError(
                    "another process is writing the database (is Tautulli running?); stop it and retry"
                ) from exc
            try:
                yield conn
            finally:
                if conn.in_transaction():
                    conn.rollback()
    finally:
        engine.dispose()


def _backup(path: Path, label: str, now: Callable[[], datetime]) -> Path:
    """Copy the database with SQLite's online backup API.

    Called while the caller holds the write lock and has changed nothing yet, so the copy, read
    on a connection of its own, is exactly the database the upgrade starts from.
    """
    folder = path.parent / "backups"
    folder.mkdir(exist_ok=True)
    stamp = now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{path.stem}.{stamp}.{label}{path.suffix or '.db'}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}.{stamp}.{label}.{n}{path.suffix or '.db'}"
    partial = target.with_name(f".{target.name}.part")
    source = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    partial.replace(target)  # a backup that failed half-way leaves no file under a backup's name
    log.info("migrate.backup", path=str(target))
    return target


def _commit(conn: Connection) -> None:
    """Commit; a commit SQLite cannot finish (readers kept the lock busy) leaves nothing changed."""
    try:
        conn.commit()
    except OperationalError as exc:
        raise DatabaseBusyError("other connections kept the database busy at commit; nothing was changed, "
                                "retry with Tautulli stopped") from exc
