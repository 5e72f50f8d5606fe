"""Write verification on one SQLite file: the compared path is captured and rolled back, the answer kept.

Implements ``shim.writes.WriteVerifier`` for the runtime's two executors. The compared path runs in a
``BEGIN IMMEDIATE`` transaction (legacy: the executor's thread connection; SQLAlchemy: a pinned connection
every ``connect``/``transaction`` inside joins) that is rolled back at the end; the answering path runs in the
same kind of scope and commits. Both capture the rows they touched with temporary triggers
(``plexpy.db.snapshot``), read inside the transaction. Nothing is applied twice: the rollback also undoes the
AUTOINCREMENT counters, and work deferred to after a commit (VACUUM, removing export files) never runs for
the compared path.

Operations whose effects a transaction cannot hold (the import ATTACHes and then deletes its source file;
VACUUM; backup files) declare ``verify="scratch"``: the compared path runs, for real, on a scratch copy of the
database (``plexpy.db.scratch``) through twins built on that copy, with its own copy of every file argument
and ``BACKUP_DIR``/``EXPORT_DIR`` inside the scratch folder; the answering path then runs on the real file.
Each is captured as a before/after image (``snapshot.take_image``: the declared tables row by row, every
other table as a digest) plus the backup files it created (names, with the time stamp masked), so file
effects happen once, from the answering path. ``verify="none"`` is answered alone, with the reason in the
event.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.engine import Engine

from plexpy import context
from plexpy.db import backup
from plexpy.db.engine import transaction
from plexpy.db.schema import TABLES
from plexpy.db.scratch import ScratchCopy, scratch_copy
from plexpy.db.snapshot import (
    ChangeSet,
    TableImage,
    diff_changes,
    finish_capture,
    image_changes,
    install_capture,
    start_capture,
)
from plexpy.db.snapshot import take_image as _take_image
from plexpy.db.sqlite_executor import SqliteExecutor
from shim.operation import Operation
from shim.writes import ChangeBox

__all__ = ["METHODS", "SqliteWriteVerifier", "TwinFactory"]

log = structlog.get_logger(__name__)

_WATCHED = tuple(sorted(TABLES))

#: The verification methods a contract may declare (``Operation.verify``).
METHODS = ("transaction", "scratch", "none")

#: Builds a domain's twin: ``(domain, "legacy" | "sqla", executor | engine) -> twin``.
TwinFactory = Callable[[str, str, Any], Any]

_STAMP = re.compile(r"\d{14}")


class SqliteWriteVerifier:
    """Captures what each path of a write changes on the runtime's SQLite file."""

    def __init__(self, executor: SqliteExecutor, engine: Engine, *, twin_factory: TwinFactory | None = None,
                 scratch_parent: str | Path | None = None) -> None:
        """Verify writes on ``executor``'s file.

        Args:
            executor: the runtime's legacy executor.
            engine: the runtime's engine on the same file.
            twin_factory: builds twins on a scratch copy; without it ``scratch`` writes are answered alone.
            scratch_parent: where scratch copies are made (default: the system's temporary directory).
        """
        self._executor = executor
        self._engine = engine
        self._twin_factory = twin_factory
        self._scratch_parent = scratch_parent
        if engine.dialect.name == "sqlite":
            # Each new connection gets the (switched-off) capture triggers outside any transaction, so a
            # rolled-back trial never takes them away and they are not created again at every write.
            event.listen(engine, "connect", _install_on_connect)

    def method(self, op: Operation) -> str | None:
        """``"transaction"`` or ``"scratch"`` as the contract declares; None when it cannot be verified."""
        if op.verify == "transaction":
            return "transaction"
        if op.verify == "scratch" and self._twin_factory is not None:
            return "scratch"
        return None

    @contextlib.contextmanager
    def _captured(self, dbapi_conn: Any, box: ChangeBox) -> Iterator[ChangeBox]:
        started = time.perf_counter()
        try:
            before = start_capture(dbapi_conn, _WATCHED)
        except Exception as exc:  # capture must never break the write itself
            box.failure = f"{type(exc).__name__}: {exc}"
            before = None
        spent = time.perf_counter() - started
        try:
            yield box
        finally:
            if before is not None:
                try:
                    started = time.perf_counter()
                    changes = finish_capture(dbapi_conn, before)
                    box.changes = changes
                    box.summary = _summary(changes, spent + time.perf_counter() - started)
                except Exception as exc:  # the answer matters more than the evidence
                    box.failure = f"{type(exc).__name__}: {exc}"

    @contextlib.contextmanager
    def _scope(self, path: str, rollback: bool) -> Iterator[ChangeBox]:
        box = ChangeBox()
        if path == "legacy":
            with contextlib.suppress(Exception):  # _captured installs them inside the transaction otherwise
                install_capture(self._executor.connection(), _WATCHED)
            with self._executor.transaction(rollback=rollback) as conn, self._captured(conn, box):
                yield box
        else:
            with transaction(self._engine, "verify", rollback=rollback) as conn:
                raw = conn.connection.dbapi_connection
                with self._captured(raw, box):
                    yield box

    def trial(self, path: str, op: Operation) -> contextlib.AbstractContextManager[ChangeBox]:
        """Run ``path`` captured, then roll everything back (or, for ``scratch``, run it on a scratch copy)."""
        if self.method(op) == "scratch":
            return self._scratch_trial(path, op)
        return self._scope(path, rollback=True)

    def real(self, path: str, op: Operation) -> contextlib.AbstractContextManager[ChangeBox]:
        """Run ``path`` captured, and commit (for ``scratch``: captured by before/after images)."""
        if self.method(op) == "scratch":
            return self._imaged(Path(self._executor.path), op, _backup_folder(self._executor.path), ChangeBox())
        return self._scope(path, rollback=False)

    # -- scratch verification --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _scratch_trial(self, path: str, op: Operation) -> Iterator[ChangeBox]:
        if self._twin_factory is None:  # pragma: no cover - method() never answers scratch without one
            raise RuntimeError("scratch verification needs a twin factory")
        with scratch_copy(self._executor, parent=self._scratch_parent) as scratch:
            legacy = path == "legacy"
            twin = self._twin_factory(op.domain, "legacy" if legacy else "sqla",
                                      scratch.executor if legacy else scratch.engine)
            box = ChangeBox(target=_on_scratch(scratch, getattr(twin, op.name)))
            with self._imaged(scratch.path, op, scratch.backup_dir, box):
                yield box

    @contextlib.contextmanager
    def _imaged(self, database: Path, op: Operation, folder: Path | None, box: ChangeBox) -> Iterator[ChangeBox]:
        """Capture ``database`` before and after the block as images, and the files created in ``folder``."""
        started = time.perf_counter()
        try:
            before: TableImage | None = _image(database, op.tables)
            files_before = _listing(folder)
        except Exception as exc:  # capture must never break the write itself
            box.failure = f"{type(exc).__name__}: {exc}"
            before, files_before = None, set()
        spent = time.perf_counter() - started
        try:
            yield box
        finally:
            if before is not None:
                try:
                    started = time.perf_counter()
                    created = {_STAMP.sub("<stamp>", name) for name in _listing(folder) - files_before}
                    changes = image_changes(before, _image(database, op.tables), created)
                    box.changes = changes
                    box.summary = _summary(changes, spent + time.perf_counter() - started)
                except Exception as exc:  # the answer matters more than the evidence
                    box.failure = f"{type(exc).__name__}: {exc}"

    def diff(self, answering: ChangeBox, compared: ChangeBox) -> str | None:
        """The first difference between the two paths' change sets."""
        left = answering.changes if isinstance(answering.changes, ChangeSet) else ChangeSet()
        right = compared.changes if isinstance(compared.changes, ChangeSet) else ChangeSet()
        return diff_changes(left, right)


def _install_on_connect(dbapi_connection: Any, _record: Any) -> None:
    try:
        install_capture(dbapi_connection, _WATCHED)
    except Exception as exc:  # never fail a connection over evidence
        log.warning("write_verifier.install_failed", error=type(exc).__name__)


def _summary(changes: ChangeSet, seconds: float) -> dict[str, Any]:
    return {"rows": changes.row_count, **changes.as_json(), "capture_ms": round(seconds * 1000, 3)}


def _on_scratch(scratch: ScratchCopy, method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` with file arguments copied into the scratch folder and backups/exports kept there."""
    overlay = {"BACKUP_DIR": str(scratch.backup_dir), "EXPORT_DIR": str(scratch.export_dir)}

    def run(**arguments: Any) -> Any:
        with context.call_context(session=context.session(), config=overlay):
            return method(**scratch.file_arguments(arguments))

    return run


def _image(database: Path, tables: tuple[str, ...]) -> TableImage:
    """One consistent image of ``database`` read on a connection of its own."""
    with contextlib.closing(sqlite3.connect(database, isolation_level=None, timeout=20)) as conn:
        conn.execute("BEGIN")
        try:
            return _take_image(conn, tables)
        finally:
            conn.execute("ROLLBACK")


def _backup_folder(database: str) -> Path | None:
    try:
        return backup.backup_folder(context.config("BACKUP_DIR"), database)
    except KeyError:
        return None


def _listing(folder: Path | None) -> set[str]:
    if folder is None:
        return set()
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()
