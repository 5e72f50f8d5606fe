"""The ORM-based helpers of the SQLAlchemy twins answer what SQLite (and the legacy twin) answers."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from plexpy.db.engine import build_engine
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.history.legacy import LegacyHistory
from plexpy.domains.history.sqla import SqlaHistory

HISTORY_TABLES = ("session_history", "session_history_media_info", "session_history_metadata")

def _dict_rows(path: Path, sql: str, *args: Any) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


@pytest.mark.parametrize("row_ids", [
    "1,2,3,10",
    [5, "6", 7.0, None, "x", 5, 999999999],
    "abc, 12,13",
    list(range(100, 1300)),  # more than one chunk
    "orphans",
])
def test_deleting_plays_leaves_what_the_legacy_twin_leaves(sample_db: Path, tmp_path: Path, row_ids: Any) -> None:
    if row_ids == "orphans":  # companion rows whose play row is gone, and a play without metadata
        with sqlite3.connect(sample_db) as conn:
            conn.execute("DELETE FROM session_history WHERE id IN (20, 21)")
            conn.execute("DELETE FROM session_history_metadata WHERE id = 22")
        conn.close()
        row_ids = [20, 21, 22, 23]
    legacy_copy = tmp_path / "legacy.db"
    shutil.copy2(sample_db, legacy_copy)
    legacy = LegacyHistory(SqliteExecutor(legacy_copy))
    engine = build_engine(f"sqlite:///{sample_db}")
    try:
        orm_answer = SqlaHistory(engine).delete_session_history_rows(row_ids=row_ids)
    finally:
        engine.dispose()
    assert orm_answer == legacy.delete_session_history_rows(row_ids=row_ids) is True
    for table in HISTORY_TABLES:
        left = _dict_rows(sample_db, f"SELECT id FROM {table} ORDER BY id")
        right = _dict_rows(legacy_copy, f"SELECT id FROM {table} ORDER BY id")
        assert left == right, table
