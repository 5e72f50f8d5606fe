"""Maintenance writes on both paths: clears, backups (WAL-safe), VACUUM and optimize."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

from plexpy import context, database

BACKUP = "tautulli.backup-20260115120000.db.zip"  # the sample's frozen clock, UTC


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_delete_sessions_empties_the_table_and_keeps_the_sequence(facade_mode: str, sample_db: Path) -> None:
    assert rows(sample_db, "SELECT COUNT(*) FROM sessions") == [(8,)]
    assert database.delete_sessions() is True
    assert rows(sample_db, "SELECT COUNT(*) FROM sessions") == [(0,)]
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'sessions'") == [(5100,)]
    assert database.delete_sessions() is True  # an empty table clears too


def test_the_other_clears(facade_mode: str, sample_db: Path) -> None:
    assert database.delete_recently_added() is True
    assert database.delete_exports() is True
    assert rows(sample_db, "SELECT (SELECT COUNT(*) FROM recently_added), (SELECT COUNT(*) FROM exports)") == [(0, 0)]
    assert rows(sample_db, "SELECT COUNT(*) FROM users") == [(61,)]


@pytest.mark.parametrize(("table", "expected"), [
    (None, None), ("", None), ("NOTIFY_LOG", True), ("no_such_table", False),
    ("sessions; DROP TABLE users", False), ("sessions WHERE 1 = 0", False), ("sqlite_sequence", False), (7, False),
])
def test_clear_table_accepts_only_a_table_name(facade_mode: str, sample_db: Path, table: object,
                                               expected: object) -> None:
    counts = rows(sample_db, "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM sessions), "
                             "(SELECT COUNT(*) FROM sqlite_sequence)")
    assert database.clear_table(table=table) is expected
    assert rows(sample_db, "SELECT COUNT(*) FROM notify_log") == [(0 if expected else 5779,)]
    assert rows(sample_db, "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM sessions), "
                           "(SELECT COUNT(*) FROM sqlite_sequence)") == counts


def test_a_failing_clear_returns_false_and_keeps_every_row(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("CREATE TRIGGER refuse BEFORE DELETE ON exports BEGIN SELECT RAISE(ABORT, 'no'); END")
    assert database.delete_exports() is False
    assert rows(sample_db, "SELECT COUNT(*) FROM exports") == [(9,)]


def test_vacuum_after_a_clear_leaves_no_free_pages(facade_mode: str, sample_db: Path) -> None:
    assert database.clear_table(table="notify_log") is True
    assert database.get_database_size()["freelist_count"] == 0
    assert database.vacuum() is None and database.optimize() is None and database.optimize_db() is None
    assert database.integrity_check() == {"integrity_check": "ok"}


def _backed_up(folder: Path, name: str = BACKUP) -> Path:
    with zipfile.ZipFile(folder / name) as archive:
        assert archive.namelist() == ["tautulli.db"]
        archive.extractall(folder / "restored")
    return folder / "restored" / "tautulli.db"


def test_make_backup_is_wal_safe(facade_mode: str, sample_db: Path, tmp_path: Path) -> None:
    writer = sqlite3.connect(sample_db, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO users (user_id, username) VALUES (777, 'only-in-the-wal')")
    try:
        main_file_only = sqlite3.connect(f"file:{sample_db}?immutable=1", uri=True)  # what zipping the file sees
        assert main_file_only.execute("SELECT COUNT(*) FROM users WHERE user_id = 777").fetchone() == (0,)
        main_file_only.close()
        assert database.make_backup() is True
    finally:
        writer.close()
    restored = _backed_up(tmp_path / "backups")
    assert rows(restored, "SELECT username FROM users WHERE user_id = 777") == [("only-in-the-wal",)]
    assert rows(restored, "PRAGMA integrity_check") == [("ok",)]
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == ["restored", BACKUP]


def test_backup_names_folder_and_cleanup(facade_mode: str, sample_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    old = folder / "nested" / "tautulli.backup-20200101000000.sched.db.zip"
    manual = folder / "tautulli.backup-20200101000000.db.zip"
    old.parent.mkdir(parents=True)
    for path in (old, manual):
        path.write_bytes(b"old")
        os.utime(path, (1_600_000_000, 1_600_000_000))
    with context.call_context(config={"BACKUP_DIR": str(folder), "BACKUP_DAYS": 3}, tz="America/New_York"):
        assert database.make_backup(scheduler=True) is True
        assert old.exists()  # no cleanup unless asked
        assert database.make_backup(cleanup=True, scheduler=True) is True
    assert not old.exists() and manual.exists()
    assert (folder / "tautulli.backup-20260115070000.sched.db.zip").exists()  # local time of the zone


def test_a_corrupt_database_is_backed_up_under_another_name_and_not_pruned(facade_mode: str, sample_db: Path,
                                                                           tmp_path: Path) -> None:
    conn = sqlite3.connect(sample_db, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX idx_session_history_user ON session_history "
                 "(ip_address)' WHERE name = 'idx_session_history_user'")
    conn.close()
    stale = tmp_path / "backups" / "tautulli.backup-20200101000000.sched.db.zip"
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    os.utime(stale, (1_600_000_000, 1_600_000_000))
    assert database.make_backup(cleanup=True) is True
    assert (tmp_path / "backups" / "tautulli.backup-20260115120000.corrupt.db.zip").exists()
    assert stale.exists()


def test_a_backup_that_cannot_be_written_is_false(facade_mode: str, sample_db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with context.call_context(config={"BACKUP_DIR": str(blocker)}):
        assert database.make_backup() is False
    assert blocker.read_text() == "a file where the folder should be"
