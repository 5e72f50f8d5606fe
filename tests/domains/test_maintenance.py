"""Maintenance reads on both paths: the integrity verdict (sound and damaged), size and row counts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from plexpy import database


def test_a_sound_database(facade_mode: str, sample_db: Path) -> None:
    assert database.integrity_check() == {"integrity_check": "ok"}
    size = database.get_database_size()
    assert size["page_size"] == 4096 and size["size_bytes"] == size["page_count"] * 4096
    assert size["size_bytes"] == sample_db.stat().st_size and size["freelist_count"] >= 0
    counts = database.get_table_row_counts()
    assert list(counts) == sorted(counts) and len(counts) == 22 and "sqlite_sequence" not in counts
    assert (counts["session_history"], counts["users"], counts["library_sections"], counts["version_info"]) == (
        4061, 61, 10, 1)


def test_a_damaged_index_is_reported_with_its_first_message(facade_mode: str, sample_db: Path) -> None:
    conn = sqlite3.connect(sample_db, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX idx_session_history_user ON session_history "
                 "(ip_address)' WHERE name = 'idx_session_history_user'")
    conn.close()
    assert database.integrity_check() == {"integrity_check": "row 1 missing from index idx_session_history_user"}


def test_an_empty_table_counts_zero(facade_mode: str, edit_db, sample_db: Path) -> None:
    edit_db("DELETE FROM exports")
    edit_db("CREATE TABLE extra_table (a)")
    counts = database.get_table_row_counts()
    assert counts["exports"] == 0 and counts["extra_table"] == 0
    conn = sqlite3.connect(sample_db)
    assert conn.execute("SELECT COUNT(*) FROM exports").fetchone() == (0,)
    conn.close()
