"""The ORM-based helpers of the SQLAlchemy twins answer what SQLite (and the legacy twin) answers."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from plexpy.db.engine import build_engine
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.exports import sqla_orm as exports_orm
from plexpy.domains.history.legacy import LegacyHistory
from plexpy.domains.history.sqla import SqlaHistory
from plexpy.domains.mobile_devices import sqla_orm as devices_orm
from plexpy.domains.notifications import sqla_orm as notifiers_orm
from plexpy.domains.notifications.shaping import NOTIFIER_COLUMNS

HISTORY_TABLES = ("session_history", "session_history_media_info", "session_history_metadata")
EXPORT_COLUMNS = ("timestamp", "title", "file_format", "thumb_level", "art_level", "logo_level", "squareArt_level",
                  "theme_level", "individual_files", "complete")


def _dict_rows(path: Path, sql: str, *args: Any) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def test_notifier_rows_are_the_rows_sqlite_holds(engine: Engine, sample_db: Path) -> None:
    expected = _dict_rows(sample_db, f"SELECT {', '.join(NOTIFIER_COLUMNS)} FROM notifiers ORDER BY id")
    assert expected
    for row in expected:
        assert notifiers_orm.notifier_row(engine, row["id"], NOTIFIER_COLUMNS) == row
    assert notifiers_orm.notifier_row(engine, 10**6, NOTIFIER_COLUMNS) == {}


def test_device_rows_are_the_rows_sqlite_holds(engine: Engine, sample_db: Path) -> None:
    expected = _dict_rows(sample_db, "SELECT * FROM mobile_devices ORDER BY id")
    assert expected
    for row in expected:
        assert devices_orm.device_row(engine, row["id"]) == row
    assert devices_orm.device_row(engine, 10**6) == {}


@pytest.mark.parametrize("form", [int, str, lambda i: f" {i}", lambda i: f"{i}.0", lambda i: "abc", float])
def test_export_rows_match_ids_as_sqlite_compares_them(engine: Engine, sample_db: Path, form) -> None:
    ids = [r["id"] for r in _dict_rows(sample_db, "SELECT id FROM exports ORDER BY id")]
    assert ids
    for export_id in ids:
        value = form(export_id)
        expected = _dict_rows(sample_db, f"SELECT {', '.join(EXPORT_COLUMNS)} FROM exports WHERE id = ? "
                                         "ORDER BY id LIMIT 1", value)
        assert exports_orm.export_row(engine, value, EXPORT_COLUMNS) == (expected[0] if expected else {})


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
