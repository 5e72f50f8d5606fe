"""``tautulli-db backup`` and ``tautulli-db restore``: plain functions, result objects, no printing.

``backup`` is :func:`plexpy.db.checked_backup.take_backup` (WAL-safe snapshot, Tautulli's zip name, a manifest
with the checksum) followed by the retention clean-up (setting ``backup_keep``).

``restore`` puts a backup in place of the database, and refuses, changing nothing, when:

- the backup is neither a SQLite file nor a zip holding one (Tautulli's ``tautulli.backup-*.db.zip`` holds
  ``tautulli.db``; a zip with exactly one ``.db`` member is accepted too), or the zip is damaged (CRC);
- the checksum recorded in its manifest at backup time differs from the file's (a backup without a manifest,
  such as Tautulli's own, has no checksum to check: the result says so);
- ``PRAGMA integrity_check`` of the backup is not ``ok``, or it holds no ``session_history`` table (not a
  Tautulli database);
- another process holds the database (:func:`plexpy.db.sqlite_files.in_use`): stop Tautulli first.

The database being replaced is kept aside as ``<db>.replaced-<UTC timestamp>``, with everything committed to
it: the lock probe's connection is the last one to close, so SQLite checkpoints the ``-wal`` into the file
(as it does whenever the last connection closes, Tautulli's own shutdown included); a ``-wal`` or ``-shm``
still there afterwards is renamed with it (SQLite finds a WAL file by the database's name, so the pair opens).
The backup is unpacked beside the database and renamed into place, so the database is either the old file
or the whole restored one, never half of each.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from plexpy.db import backup_on_first_run, checked_backup, sqlite_files
from plexpy.db.errors import TautulliDBError, translating

__all__ = ["BackupResult", "RestoreRefused", "RestoreResult", "backup", "restore"]

#: Files beside a SQLite database that belong to it.
SIDE_FILES = ("-wal", "-shm")


class RestoreRefused(Exception):
    """``restore`` found a reason not to replace the database; nothing was changed."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    """A backup taken: its file, manifest record and the backups the retention removed."""

    path: Path
    record: checked_backup.BackupRecord
    pruned: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """A restore done: what was put in place, and where the replaced database went."""

    database: Path
    source: Path
    sha256: str
    checksum_verified: bool
    replaced: tuple[Path, ...] = ()


def backup(database: Path, *, to: Path | None = None, keep: int = 5, now: int | None = None,
           tz: str = "UTC") -> BackupResult:
    """Back ``database`` up into ``to`` (default: ``backups`` beside it) and keep the newest ``keep``.

    Raises:
        TautulliDBError: the database is missing or unreadable, or the backup cannot be written.
    """
    database = Path(database).expanduser()
    if not database.is_file():
        raise TautulliDBError(f"backup: no database file at {database}", op="backup")
    folder = Path(to).expanduser() if to is not None else database.resolve().parent / "backups"
    stamp = int(time.time()) if now is None else now
    record = checked_backup.take_backup(database, folder, now=stamp, tz=tz, reason="manual")
    pruned = checked_backup.prune(folder, keep, protect=backup_on_first_run.first_run_backups(folder))
    return BackupResult(path=folder / record.backup, record=record, pruned=tuple(pruned))


def _unpack(source: Path, workdir: Path) -> Path:
    """The SQLite file inside ``source`` (a zip, or the file itself), copied into ``workdir``."""
    target = workdir / "restore.db"
    if zipfile.is_zipfile(source):
        try:
            with zipfile.ZipFile(source) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                named = [m for m in members if Path(m.filename).name == "tautulli.db"]
                dbs = named or [m for m in members if m.filename.endswith(".db")]
                if len(dbs) != 1:
                    raise RestoreRefused(f"{source.name}: expected one tautulli.db (or one .db file) inside the "
                                         f"zip, found {len(dbs)}")
                with archive.open(dbs[0]) as inside, target.open("wb") as out:  # the CRC is checked on read
                    shutil.copyfileobj(inside, out)
        except zipfile.BadZipFile as exc:
            raise RestoreRefused(f"{source.name}: damaged zip ({exc})") from exc
        return target
    with source.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise RestoreRefused(f"{source.name}: neither a SQLite database nor a zip holding one")
    shutil.copyfile(source, target)
    return target


def _check(candidate: Path, source: Path) -> tuple[str, bool]:
    """Checksum (against the manifest, when there is one), integrity and schema of the unpacked backup."""
    digest = sqlite_files.sha256(candidate)
    try:
        manifest = checked_backup.read_manifest(source)
    except TautulliDBError as exc:
        raise RestoreRefused(str(exc)) from exc
    if manifest is not None and manifest.sha256 != digest:
        raise RestoreRefused(f"{source.name}: checksum differs from the one recorded at backup time "
                             f"(recorded {manifest.sha256[:12]}…, found {digest[:12]}…)")
    try:
        problems = sqlite_files.integrity_problems(candidate)
    except TautulliDBError as exc:
        raise RestoreRefused(f"{source.name}: not a readable SQLite database ({exc})") from exc
    if problems:
        raise RestoreRefused(f"{source.name}: integrity check failed: {'; '.join(problems[:3])}")
    with translating("restore.schema", sqlite3.Error), \
            contextlib.closing(sqlite3.connect(sqlite_files.read_only_uri(candidate), uri=True)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "session_history" not in tables:
        raise RestoreRefused(f"{source.name}: not a Tautulli database (no session_history table)")
    return digest, manifest is not None


def restore(source: Path, database: Path, *, now: datetime | None = None, lock_timeout: float = 0.5) -> RestoreResult:
    """Replace ``database`` with the backup ``source`` after checking it; keep the replaced file aside.

    Raises:
        RestoreRefused: the backup failed a check, or another process holds the database (nothing changed).
        FileNotFoundError: ``source`` does not exist.
    """
    source, database = Path(source).expanduser(), Path(database).expanduser()
    if not source.is_file():
        raise FileNotFoundError(f"restore: no backup file at {source}")
    if database.resolve() == source.resolve():
        raise RestoreRefused("restore: the backup and the database are the same file")
    database.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".tautulli-restore-", dir=database.parent) as scratch:
        candidate = _unpack(source, Path(scratch))
        digest, verified = _check(candidate, source)
        if database.exists() and sqlite_files.in_use(database, timeout=lock_timeout):
            raise RestoreRefused(f"restore: another process holds {database.name}; stop Tautulli and try again")
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        moved = _move_aside(database, f"{database.name}.replaced-{stamp}")
        try:
            os.replace(candidate, database)
        except OSError:
            for original, aside in moved:
                os.replace(aside, original)
            raise
    return RestoreResult(database=database, source=source, sha256=digest, checksum_verified=verified,
                         replaced=tuple(aside for _, aside in moved))


def _move_aside(database: Path, new_name: str) -> list[tuple[Path, Path]]:
    """Rename the database and its side files to ``new_name`` (+ suffix); return (original, new) pairs."""
    moved = []
    for suffix in ("", *SIDE_FILES):
        original = Path(f"{database}{suffix}")
        if original.exists():
            aside = database.with_name(new_name + suffix)
            os.replace(original, aside)
            moved.append((original, aside))
    return moved
