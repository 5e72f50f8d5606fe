"""Write verification on one SQLite file: the compared path is captured and rolled back, the answer kept.

Implements ``shim.writes.WriteVerifier`` for the runtime's two executors. The compared path runs in a
``BEGIN IMMEDIATE`` transaction (legacy: the executor's thread connection; SQLAlchemy: a pinned connection
every ``connect``/``transaction`` inside joins) that is rolled back at the end; the answering path runs in the
same kind of scope and commits. Both capture the rows they touched with temporary triggers
(``plexpy.db.snapshot``), read inside the transaction. Nothing is applied twice: the rollback also undoes the
AUTOINCREMENT counters, and work deferred to after a commit (VACUUM) never runs for the compared path.
Operations whose effects leave the database (files, the import that deletes its source) declare
``verify="none"`` in their contract and are answered alone, with the reason in the event.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import structlog
from sqlalchemy.engine import Engine

from plexpy.db.engine import transaction
from plexpy.db.schema import TABLES
from plexpy.db.snapshot import ChangeSet, diff_changes, finish_capture, start_capture
from plexpy.db.sqlite_executor import SqliteExecutor
from shim.operation import Operation
from shim.writes import ChangeBox

__all__ = ["SqliteWriteVerifier"]

log = structlog.get_logger(__name__)

_WATCHED = tuple(sorted(TABLES))


class SqliteWriteVerifier:
    """Captures what each path of a write changes on the runtime's SQLite file."""

    def __init__(self, executor: SqliteExecutor, engine: Engine) -> None:
        self._executor = executor
        self._engine = engine

    def method(self, op: Operation) -> str | None:
        """``"transaction"`` for writes whose every effect is inside the database, else None."""
        return None if op.verify in ("none", "scratch") else "transaction"

    @contextlib.contextmanager
    def _captured(self, dbapi_conn: Any, box: ChangeBox) -> Iterator[ChangeBox]:
        try:
            before = start_capture(dbapi_conn, _WATCHED)
        except Exception as exc:  # capture must never break the write itself
            box.failure = f"{type(exc).__name__}: {exc}"
            before = None
        try:
            yield box
        finally:
            if before is not None:
                try:
                    changes = finish_capture(dbapi_conn, before)
                    box.changes = changes
                    box.summary = _summary(changes)
                except Exception as exc:  # the answer matters more than the evidence
                    box.failure = f"{type(exc).__name__}: {exc}"

    @contextlib.contextmanager
    def _scope(self, path: str, rollback: bool) -> Iterator[ChangeBox]:
        box = ChangeBox()
        if path == "legacy":
            with self._executor.transaction(rollback=rollback) as conn, self._captured(conn, box):
                yield box
        else:
            with transaction(self._engine, "verify", rollback=rollback) as conn:
                raw = conn.connection.dbapi_connection
                with self._captured(raw, box):
                    yield box

    def trial(self, path: str, op: Operation) -> contextlib.AbstractContextManager[ChangeBox]:
        """Run ``path`` captured, then roll everything back."""
        del op
        return self._scope(path, rollback=True)

    def real(self, path: str, op: Operation) -> contextlib.AbstractContextManager[ChangeBox]:
        """Run ``path`` captured, and commit."""
        del op
        return self._scope(path, rollback=False)

    def diff(self, answering: ChangeBox, compared: ChangeBox) -> str | None:
        """The first difference between the two paths' change sets."""
        left = answering.changes if isinstance(answering.changes, ChangeSet) else ChangeSet()
        right = compared.changes if isinstance(compared.changes, ChangeSet) else ChangeSet()
        return diff_changes(left, right)


def _summary(changes: ChangeSet) -> dict[str, Any]:
    return {"rows": changes.row_count, **changes.as_json()}
