"""Backups that can be checked: a WAL-safe snapshot, zipped under Tautulli's name, with a manifest beside it.

:func:`take_backup` snapshots a SQLite database (:func:`plexpy.db.sqlite_files.snapshot`: read-only, WAL
included), runs SQLite's integrity check on the snapshot, records its SHA-256 and size, and zips it the way
:func:`plexpy.db.backup.write_backup` does (``tautulli.backup-<local time>.db.zip`` holding ``tautulli.db``,
so Tautulli's own restore accepts it). The manifest, ``<zip>.json``, is what ``tautulli-db restore`` checks
the backup against. :func:`prune` keeps the newest ``keep`` backups that carry a manifest (Tautulli's own
backups, without one, are left to Tautulli's ``BACKUP_DAYS`` clean-up), never the first-run backup.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import structlog

from plexpy.db import sqlite_files
from plexpy.db.backup import backup_name, write_backup
from plexpy.db.errors import TautulliDBError

__all__ = ["MANIFEST_SUFFIX", "BackupRecord", "manifest_of", "prune", "read_manifest", "take_backup"]

log = structlog.get_logger(__name__)

#: The manifest of ``X.db.zip`` is ``X.db.zip.json``.
MANIFEST_SUFFIX = ".json"


@dataclass(frozen=True, slots=True)
class BackupRecord:
    """What a manifest says about one backup."""

    backup: str
    database: str
    sha256: str
    size: int
    created: int
    integrity: str
    reason: str
    tool: str = "tautulli-db"

    @property
    def sound(self) -> bool:
        """The snapshot passed SQLite's integrity check when it was taken."""
        return self.integrity == "ok"


def manifest_of(backup: Path) -> Path:
    """The manifest's path beside ``backup``."""
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def read_manifest(backup: Path) -> BackupRecord | None:
    """The manifest of ``backup``, or None when it has none (e.g. Tautulli's own backups).

    Raises:
        TautulliDBError: the manifest exists but cannot be read.
    """
    path = manifest_of(backup)
    if not path.exists():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return BackupRecord(**{k: data[k] for k in BackupRecord.__dataclass_fields__ if k in data})
    except (OSError, ValueError, TypeError) as exc:
        raise TautulliDBError(f"unreadable backup manifest {path.name}: {exc}", op="backup.manifest") from exc


def _free_name(folder: Path, now: int, tz: str) -> Path:
    """Tautulli's backup name for ``now``; a second backup within the same second gets ``-2``, ``-3`` …."""
    first = folder / backup_name(now, tz)
    if not first.exists():
        return first
    stem = first.name.removesuffix(".db.zip")
    for n in range(2, 1000):
        candidate = folder / f"{stem}-{n}.db.zip"
        if not candidate.exists():
            return candidate
    raise TautulliDBError(f"too many backups named {first.name} in {folder}", op="backup")


def take_backup(database: Path, folder: Path, *, now: int, tz: str = "UTC", reason: str = "manual") -> BackupRecord:
    """Back ``database`` up into ``folder`` (zip + manifest); the original is only read.

    Args:
        database: the SQLite file.
        folder: where the backup goes (created if missing).
        now: the time in the backup's name (UNIX seconds).
        tz: the zone of the name's local time (Tautulli names backups in local time).
        reason: why (``manual``, ``first-run`` …), recorded in the manifest.

    Raises:
        TautulliDBError: the database cannot be read, or the backup cannot be written.
    """
    database = Path(database).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, now, tz)
    facts: dict[str, Any] = {}

    def copy_into(snapshot: Path) -> None:
        sqlite_files.snapshot(database, snapshot)
        problems = sqlite_files.integrity_problems(snapshot)
        facts.update(sha256=sqlite_files.sha256(snapshot), size=snapshot.stat().st_size,
                     integrity="ok" if not problems else "; ".join(problems[:5]))

    try:
        write_backup(copy_into, target)
    except OSError as exc:
        raise TautulliDBError(f"cannot write the backup into {folder}: {exc}", op="backup") from exc
    record = BackupRecord(backup=target.name, database=str(database), created=now, reason=reason, **facts)
    partial = manifest_of(target).with_name("." + manifest_of(target).name + ".part")
    partial.write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")
    partial.replace(manifest_of(target))
    log.info("backup.written", file=target.name, reason=reason, integrity=record.integrity)
    return record


def prune(folder: Path, keep: int, *, protect: frozenset[str] = frozenset()) -> list[Path]:
    """Delete all but the newest ``keep`` backups with a manifest in ``folder`` (not those named in ``protect``)."""
    found = []
    for manifest in folder.glob(f"*.db.zip{MANIFEST_SUFFIX}"):
        backup = manifest.with_name(manifest.name.removesuffix(MANIFEST_SUFFIX))
        if backup.name in protect or not backup.exists():
            continue
        try:
            created = int(json.loads(manifest.read_text(encoding="utf-8")).get("created", 0))
        except (OSError, ValueError):
            continue
        found.append((created, manifest.stat().st_mtime_ns, backup, manifest))
    found.sort(reverse=True)
    removed = []
    for _created, _written, backup, manifest in found[max(keep, 0):]:
        with contextlib.suppress(OSError):
            backup.unlink()
            manifest.unlink()
            removed.append(backup)
            log.info("backup.pruned", file=backup.name)
    return removed
