"""Database backups: Tautulli's file names, folder and clean-up, with a WAL-safe copy inside.

Tautulli's ``make_backup`` takes a write lock and zips the main database file only, so whatever is still in
the ``-wal`` file (committed, not yet checkpointed) is missing from its backup. Here the copy is made with
SQLite's online backup API, which reads the database as one consistent snapshot (WAL included) while other
connections keep reading and writing; that snapshot is then zipped under Tautulli's name and layout
(``tautulli.backup-<YYYYmmddHHMMSS>[.corrupt][.sched].db.zip`` in ``BACKUP_DIR``, holding ``tautulli.db``), so
restoring and the clean-up of scheduled backups work as before. The zip is written next to its final name
and renamed into place, so a failed backup leaves no partial file. PostgreSQL has no online file copy:
backing it up is the operator's ``pg_dump``, and ``make_backup`` reports False there.

This module imports no database driver: each twin passes ``copy_into(path)``, which writes the snapshot with
its own connection (the legacy executor's ``sqlite3`` connection, or the engine's driver connection).

The backups the project takes itself (``tautulli-db backup``, the backup on first run) use the same name and
zip through :mod:`plexpy.db.checked_backup`, which adds a checksum manifest that ``tautulli-db restore`` checks.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import structlog

from plexpy import context
from plexpy.db.errors import TautulliDBError

__all__ = ["backup_folder", "backup_name", "make_backup", "prune_scheduled", "write_backup"]

log = structlog.get_logger(__name__)

ARCNAME = "tautulli.db"


def backup_name(now: int, tz: str, *, corrupt: bool = False, scheduler: bool = False) -> str:
    """Tautulli's backup file name: the local time of ``now`` in zone ``tz``, then the flags."""
    stamp = datetime.fromtimestamp(now, UTC).astimezone(ZoneInfo(tz)).strftime("%Y%m%d%H%M%S")
    return f"tautulli.backup-{stamp}{'.corrupt' if corrupt else ''}{'.sched' if scheduler else ''}.db.zip"


def backup_folder(configured: object, database_file: str | None) -> Path | None:
    """``BACKUP_DIR``, or (Tautulli's default) ``backups`` beside the database file; None when there is neither."""
    if configured:
        return Path(str(configured))
    if database_file and database_file != ":memory:":
        return Path(database_file).resolve().parent / "backups"
    return None


def write_backup(copy_into: Callable[[Path], None], target: Path) -> None:
    """Snapshot the database with ``copy_into`` and zip it as ``target`` (replaced atomically)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, snapshot_name = tempfile.mkstemp(prefix=".tautulli-snapshot-", suffix=".db", dir=target.parent)
    os.close(handle)
    snapshot = Path(snapshot_name)
    partial = target.with_name(f".{target.name}.part")
    try:
        copy_into(snapshot)
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(snapshot, arcname=ARCNAME)
        partial.replace(target)
    finally:
        snapshot.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)


def prune_scheduled(folder: Path, now: int, days: int) -> list[Path]:
    """Delete scheduled backups (``.sched.db`` in the name, in any subfolder) older than ``days``; return them."""
    removed = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            try:
                if ".sched.db" not in name or path.stat().st_mtime >= now - days * 86400:
                    continue
                path.unlink()
                removed.append(path)
            except OSError as exc:
                log.error("backup.prune_failed", file=name, error=str(exc))
    return removed


def make_backup(copy_into: Callable[[Path], None], *, database_file: str | None, integrity_ok: bool,
                cleanup: bool = False, scheduler: bool = False) -> bool:
    """Tautulli's ``make_backup``: True when the backup file is in the folder afterwards.

    A database that fails its integrity check is still backed up, with ``.corrupt`` in the name (Tautulli
    also queues an ``on_plexpydbcorrupt`` notification; here it is the ``backup.database_corrupt`` event).
    Only a sound database's scheduled backups are pruned, after ``BACKUP_DAYS``.
    """
    if not integrity_ok:
        log.error("backup.database_corrupt")
    folder = backup_folder(context.config("BACKUP_DIR"), database_file)
    if folder is None:
        log.error("backup.failed", reason="no backup folder")
        return False
    now = context.now()
    name = backup_name(now, context.local_tz_name(), corrupt=not integrity_ok, scheduler=bool(scheduler))
    try:
        write_backup(copy_into, folder / name)
    except (OSError, TautulliDBError) as exc:
        log.error("backup.failed", file=name, error=type(exc).__name__)
        return False
    if cleanup and integrity_ok:
        prune_scheduled(folder, now, int(context.config("BACKUP_DAYS") or 0))
    with contextlib.suppress(OSError):
        if name in os.listdir(folder):
            log.debug("backup.written", file=name)
            return True
    log.error("backup.failed", file=name, reason="file missing afterwards")
    return False
