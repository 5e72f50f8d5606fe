"""SQLite database files as files: a WAL-safe snapshot, the integrity check, a checksum, a lock probe.

- :func:`snapshot` opens the source **read-only** (``mode=ro`` URI: SQLite never writes it, so its bytes and
  mtime stay as they are) and copies it with the online backup API, which reads one consistent state of the
  database including the committed pages still in its ``-wal`` file, while other connections keep working.
  The copy is switched to rollback-journal mode, so it is one self-contained file. Like any reader of a
  database in WAL mode, the read-only connection needs the ``-wal`` and ``-shm`` files beside the database
  and SQLite creates them (empty) when they are missing; :func:`_tidy` then lets SQLite remove them again.
  The database file itself is never written.
- :func:`in_use` tells whether another connection holds the database: it asks for an exclusive lock in
  exclusive locking mode with a short timeout. In WAL mode (Tautulli's default) every open connection keeps a
  shared lock, so an idle Tautulli is detected too; in rollback-journal mode only a connection inside a
  transaction is.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path

from plexpy.db.errors import TautulliDBError, translating

__all__ = ["in_use", "integrity_problems", "read_only_uri", "sha256", "snapshot"]

#: The chunk size of :func:`sha256`.
_CHUNK = 1 << 20


def read_only_uri(path: Path) -> str:
    """The ``file:`` URI that opens ``path`` read-only."""
    return f"{Path(path).resolve().as_uri()}?mode=ro"


def snapshot(source: Path, target: Path) -> Path:
    """Copy ``source`` (WAL included, opened read-only) into ``target`` with SQLite's online backup API.

    Raises:
        TautulliDBError: ``source`` is missing, is not a SQLite database, or cannot be read.
    """
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise TautulliDBError(f"no database file at {source}", op="snapshot")
    target.parent.mkdir(parents=True, exist_ok=True)
    sides = [Path(f"{source}{suffix}") for suffix in ("-wal", "-shm")]
    had_sides = any(side.exists() for side in sides)
    with translating("snapshot", sqlite3.Error):
        src = sqlite3.connect(read_only_uri(source), uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal/-shm beside it
            finally:
                dst.close()
        finally:
            src.close()
    if not had_sides and any(side.exists() for side in sides):
        _tidy(source)
    return target


def _tidy(source: Path) -> None:
    """Let SQLite remove the empty ``-wal``/``-shm`` files our reader left: the last connection to close does.

    Nothing was committed through them (the reader wrote nothing and no other connection had the database
    open when they were missing), so this close checkpoints nothing and the database file is not written. If
    Tautulli opened the database meanwhile, it is not the last connection and the files stay, as they would.
    """
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(source, timeout=0.1)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()


def integrity_problems(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of ``path`` (opened read-only): empty when the database is sound.

    Raises:
        TautulliDBError: the file is not a SQLite database.
    """
    with translating("integrity_check", sqlite3.Error):
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        with contextlib.closing(conn):
            lines = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    return [] if lines == ["ok"] else lines


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def in_use(path: Path, *, timeout: float = 0.5) -> bool:
    """True when another connection holds ``path`` (an exclusive lock is refused within ``timeout`` seconds)."""
    if not Path(path).exists():
        return False
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise TautulliDBError(f"cannot probe {Path(path).name}: {exc}", op="lock_probe") from exc
    except sqlite3.DatabaseError as exc:
        raise TautulliDBError(f"cannot probe {Path(path).name}: {exc}", op="lock_probe") from exc
    finally:
        conn.close()
    return False
