"""A scratch copy of the database, for verifying writes a transaction cannot hold.

SQLite's online backup API copies the live file (WAL included) page by page into a fresh temporary folder,
so rowids, AUTOINCREMENT counters and free pages are the original's. A throwaway legacy executor and
SQLAlchemy engine, with the runtime's connection settings, are opened on the copy; twins built on them write
only there. The folder also holds the compared path's own files: a copy of every file argument (a consumed
import source) and the backup and export folders, so no file outside it is touched. Everything is removed
when the block ends.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL
from sqlalchemy.engine import Engine

from plexpy.db.engine import build_engine
from plexpy.db.errors import translating
from plexpy.db.sqlite_executor import SqliteExecutor

__all__ = ["ScratchCopy", "scratch_copy"]

_PREFIX = "tautulli-db-scratch-"


@dataclass(slots=True)
class ScratchCopy:
    """The copied database and its folder, with an executor and an engine on the copy."""

    folder: Path
    path: Path
    executor: SqliteExecutor
    engine: Engine

    @property
    def backup_dir(self) -> Path:
        """Where the compared path's backups go (``BACKUP_DIR`` inside the scratch folder)."""
        return self.folder / "backups"

    @property
    def export_dir(self) -> Path:
        """Where the compared path's exports go (``EXPORT_DIR`` inside the scratch folder)."""
        return self.folder / "exports"

    def file_arguments(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """``arguments`` with every string naming an existing file replaced by a path to a copy of it.

        The compared path may consume or change a file it is given (an import deletes its source); the
        answering path keeps the original.
        """
        rewritten = dict(arguments)
        for number, (key, value) in enumerate(arguments.items()):
            if not isinstance(value, str) or not value or "\x00" in value:
                continue
            try:
                source = Path(value)
                if not source.is_file():
                    continue
            except (OSError, ValueError):
                continue
            target = self.folder / "arguments" / f"{number}-{source.name}"
            target.parent.mkdir(exist_ok=True)
            shutil.copy2(source, target)
            rewritten[key] = str(target)
        return rewritten


def _copy(source: str, target: Path) -> None:
    with (translating("scratch.copy", sqlite3.Error), contextlib.closing(sqlite3.connect(source)) as src,
          contextlib.closing(sqlite3.connect(target)) as dest):
        src.backup(dest)


@contextlib.contextmanager
def scratch_copy(executor: SqliteExecutor, *, parent: str | Path | None = None) -> Iterator[ScratchCopy]:
    """Copy ``executor``'s database into a new temporary folder and open both drivers on the copy.

    Args:
        executor: the runtime's legacy executor (its file and connection settings are used).
        parent: where to create the folder (default: the system's temporary directory).

    Raises:
        TautulliDBError: the copy could not be made.
    """
    folder = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=parent))
    try:
        path = folder / "tautulli.db"
        _copy(executor.path, path)
        settings = {"journal_mode": executor.journal_mode, "synchronous": executor.synchronous,
                    "cache_size_mb": executor.cache_size_mb}
        scratch_executor = SqliteExecutor(path, busy_timeout=executor.busy_timeout, **settings)
        engine = build_engine(URL.create("sqlite", database=str(path)), busy_timeout=executor.busy_timeout,
                              **settings)
        try:
            yield ScratchCopy(folder=folder, path=path, executor=scratch_executor, engine=engine)
        finally:
            scratch_executor.close()
            engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
