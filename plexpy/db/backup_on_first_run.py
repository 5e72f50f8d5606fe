"""Backup on first run: the first time the new data layer opens a database, a WAL-safe backup goes beside it.

The backup is :func:`plexpy.db.checked_backup.take_backup` into ``backups/`` beside the database (zip +
manifest). The marker ``backups/first_run.json`` names every database backed up this way by its resolved path
and inode, with the backup's file, checksum and size, so it happens once per database file: a database that
is replaced (a restore, a new file under the same name: another inode) gets its own first-run backup.

When it runs (:func:`on_open`, called by :func:`plexpy.bootstrap.build`, and by ``tautulli-db migrate``
before it changes anything):

- the database is a SQLite file that exists, and setting ``backup_on_first_run`` is on (the default);
- the settings come from an installation's configuration (``Settings.config_path`` is set: Tautulli itself
  through :func:`plexpy.runtime.current`, every ``tautulli-db`` command that reads ``--config``). Internal
  tools that build settings programmatically on scratch copies (``replay``, ``verify``, ``bench``, the
  tests: ``config.load(None, …)``) have no ``config_path`` and never back their temporary copies up.

A failed backup never stops the data layer from opening: it is logged (``backup.first_run_failed``), no
marker is written, and the next start tries again.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import structlog

from plexpy.db import checked_backup
from plexpy.db.errors import TautulliDBError

__all__ = ["MARKER", "backed_up", "ensure_backup", "first_run_backups", "on_open"]

log = structlog.get_logger(__name__)

#: The marker file in ``backups/``.
MARKER = "first_run.json"


def _identity(database: Path) -> dict[str, Any]:
    resolved = database.resolve()
    return {"path": str(resolved), "inode": resolved.stat().st_ino}


def _entries(marker: Path) -> list[dict[str, Any]]:
    if not marker.exists():
        return []
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("backup.first_run_marker_unreadable", marker=marker.name)
        return []
    return [e for e in data.get("databases", []) if isinstance(e, dict)] if isinstance(data, dict) else []


def first_run_backups(folder: Path) -> frozenset[str]:
    """The file names of the first-run backups the marker in ``folder`` lists (retention never deletes them)."""
    return frozenset(str(e["backup"]) for e in _entries(folder / MARKER) if e.get("backup"))


def backed_up(database: Path, folder: Path | None = None) -> dict[str, Any] | None:
    """The marker's entry for ``database`` (same path and inode), or None when it has had no first-run backup."""
    database = Path(database)
    marker = (folder or database.resolve().parent / "backups") / MARKER
    me = _identity(database)
    return next((e for e in _entries(marker) if e.get("path") == me["path"] and e.get("inode") == me["inode"]),
                None)


def ensure_backup(database: Path, *, folder: Path | None = None, keep: int = 5, now: int | None = None,
                  tz: str = "UTC") -> checked_backup.BackupRecord | None:
    """Back ``database`` up unless the marker says it was already; return the new backup's record, or None.

    Args:
        database: the SQLite file.
        folder: the backup folder (default: ``backups`` beside the database).
        keep: how many backups with a manifest to keep afterwards (the first-run ones always stay).
        now: the time in the name (default: the system clock).
        tz: the zone of the name's local time.

    Raises:
        TautulliDBError: the backup could not be taken.
    """
    database = Path(database)
    folder = folder or database.resolve().parent / "backups"
    if backed_up(database, folder) is not None:
        return None
    stamp = int(time.time()) if now is None else now
    record = checked_backup.take_backup(database, folder, now=stamp, tz=tz, reason="first-run")
    marker = folder / MARKER
    entries = [*_entries(marker), {**_identity(database), "backup": record.backup, "sha256": record.sha256,
                                   "size": record.size, "created": record.created}]
    partial = marker.with_name(f".{MARKER}.part")
    partial.write_text(json.dumps({"databases": entries}, indent=2) + "\n", encoding="utf-8")
    partial.replace(marker)
    checked_backup.prune(folder, keep, protect=first_run_backups(folder))
    log.info("backup.first_run", file=record.backup)
    return record


def on_open(settings: Any) -> checked_backup.BackupRecord | None:
    """The hook of :func:`plexpy.bootstrap.build`: the first-run backup when the rules above say so; never raises."""
    path = settings.db.sqlite_path
    backup = getattr(settings, "backup", None)
    if path is None or settings.config_path is None or backup is None or not backup.first_run:
        return None
    if not Path(path).is_file():
        return None
    try:
        return ensure_backup(Path(path), keep=backup.keep, tz=settings.db.timezone)
    except (TautulliDBError, OSError) as exc:
        log.error("backup.first_run_failed", error=type(exc).__name__, detail=str(exc))
        return None
