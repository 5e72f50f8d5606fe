"""The api_sql domain on raw sqlite3: user SQL under an authorizer and ``query_only`` (the control path)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from plexpy.db.errors import QueryRefusedError, TautulliDBError, translating
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.api_sql import guard

__all__ = ["TWIN", "LegacyApiSql"]


class LegacyApiSql:
    """Raw SQL reads on the legacy executor, refused unless they are one read-only statement."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    @contextmanager
    def _read_only(self, conn: sqlite3.Connection) -> Iterator[list[str]]:
        """The authorizer, ``query_only`` and a time limit on ``conn`` for the block, all restored after.

        The time limit (a progress handler) covers fetching too: a statement that streams rows forever stops.
        """
        denials: list[str] = []
        previous = conn.execute("PRAGMA query_only").fetchone()[0]
        ends = time.monotonic() + guard.time_limit()
        conn.execute("PRAGMA query_only = 1")
        conn.set_authorizer(guard.authorizer(denials))
        conn.set_progress_handler(lambda: 1 if time.monotonic() >= ends else 0, 1000)
        try:
            yield denials
        finally:
            conn.set_progress_handler(None, 0)
            conn.set_authorizer(None)
            conn.execute(f"PRAGMA query_only = {int(previous)}")

    def _run(self, checked: guard.CheckedQuery, op: str) -> list[dict[str, Any]]:
        if checked.empty:
            return []
        conn = self._db.connection()
        with self._read_only(conn) as denials:
            try:
                with translating(op, sqlite3.Error):
                    cursor = conn.execute(checked.sql, list(checked.args))
                    if cursor.description is None:
                        return []
                    return guard.collect([d[0] for d in cursor.description], cursor)
            except TautulliDBError as exc:
                if denials and not isinstance(exc, QueryRefusedError):
                    raise guard.refused(denials[0]) from exc
                raise

    def select(self, query: Any, args: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Every row of a read-only query, as dicts (a repeated column name keeps its last value)."""
        return self._run(guard.check_query(query, args), "api_sql.select")

    def select_single(self, query: Any, args: Sequence[Any] | None = None) -> dict[str, Any]:
        """The first row of a read-only query, or ``{}``."""
        rows = self._run(guard.check_query(query, args), "api_sql.select_single")
        return rows[0] if rows else {}


TWIN = LegacyApiSql
