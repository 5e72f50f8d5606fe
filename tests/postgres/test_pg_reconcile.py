"""``reconcile`` SQLite↔PostgreSQL and SQLite↔SQLite on the sample: drift found, located, repaired, resumed."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from plexpy.commands.reconcile import SequenceDifference, default_checkpoint, reconcile
from shim.reconcile import ReconcileProgress

postgresql = pytest.mark.postgresql


def _pg(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for sql in statements:
            conn.exec_driver_sql(sql)
    engine.dispose()


def _found(result) -> set[tuple[str, tuple, str, tuple[str, ...]]]:
    return {(t.table, d.key, d.kind, d.columns) for t in result.tables for d in t.differences}


@postgresql
def test_copied_sample_reconciles_with_no_difference(sample_db: Path, pg_sample: str) -> None:
    result = reconcile(f"sqlite:///{sample_db}", pg_sample, resume=False)
    assert result.equal and result.differences == 0 and result.sequences == []
    assert len(result.tables) == 22
    # both engines spell every row the same: no range needed a bisection
    assert [(t.table, t.chunks_differing) for t in result.tables if t.chunks_differing] == []
    history = next(t for t in result.tables if t.table == "session_history")
    assert (history.left_rows, history.right_rows, history.chunks) == (4061, 4061, 2)  # ids 1..4133, 4096 a range


@postgresql
def test_changes_behind_the_shims_back_are_found_and_repaired(sample_db: Path, pg_sample: str) -> None:
    _pg(pg_sample,
        "UPDATE session_history SET platform = 'Chromecast' WHERE id = 1200",
        "UPDATE session_history_metadata SET year = NULL WHERE id = 7",            # was 2013
        "UPDATE session_history_metadata SET year = '2013' WHERE id = 8",          # integer -> text '2013'
        "DELETE FROM session_history_media_info WHERE id = 4000",                   # missing
        "INSERT INTO users (id, user_id, username) VALUES (500, '\"NULL\"', 'ghost')",  # extra (and a counter)
        "UPDATE users SET thumb = 'NULL' WHERE id = (SELECT min(id) FROM users WHERE thumb IS NULL)",
        "UPDATE session_history_media_info SET subtitle_forced = '\"0\"' WHERE id = 3")
    left = f"sqlite:///{sample_db}"
    with sqlite3.connect(sample_db) as conn:
        year8 = conn.execute("SELECT year FROM session_history_metadata WHERE id = 8").fetchone()[0]
        null_thumb = conn.execute("SELECT min(id) FROM users WHERE thumb IS NULL").fetchone()[0]
    assert isinstance(year8, int)

    result = reconcile(left, pg_sample, tables=["session_history", "session_history_metadata",
                                                "session_history_media_info", "users"])

    assert _found(result) == {
        ("session_history", (1200,), "changed", ("platform",)),
        ("session_history_metadata", (7,), "changed", ("year",)),
        ("session_history_metadata", (8,), "changed", ("year",)),
        ("session_history_media_info", (4000,), "missing", ()),
        ("session_history_media_info", (3,), "changed", ("subtitle_forced",)),
        ("users", (500,), "extra", ()),
        ("users", (null_thumb,), "changed", ("thumb",)),
    }
    assert result.sequences == [SequenceDifference("users", 62, 501)]
    assert not result.equal

    repaired = reconcile(left, pg_sample, tables=["session_history", "session_history_metadata",
                                                  "session_history_media_info", "users"], repair=True)
    assert repaired.equal and repaired.sequences == []  # the extra row's removal brought the counter back
    assert sum(t.repaired for t in repaired.tables) == 7
    assert all(t.remaining == 0 for t in repaired.tables if t.found)  # each repaired table was checked again


# (SQLite value, PostgreSQL jsonb) pairs that must differ, each set on its own row of the untyped column
_DIFFERENT = [
    (None, "'\"NULL\"'"), ("NULL", "NULL"), ("", "NULL"), ("", "'\"NULL\"'"), ("NULL", "'\"\"'"),
    (1, "'\"1\"'"), (1, "'1.0'"), ("1", "'1'"), (1.0, "'1'"), (1.5, "'1.5000001'"), ("a", "'\"A\"'"),
]


@postgresql
def test_null_null_text_empty_and_number_classes_differ(sample_db: Path, pg_sample: str) -> None:
    with sqlite3.connect(sample_db) as conn:
        for row, (value, _) in enumerate(_DIFFERENT, 100):
            conn.execute("UPDATE session_history_media_info SET subtitle_forced = ? WHERE id = ?", (value, row))
    _pg(pg_sample, *(f"UPDATE session_history_media_info SET subtitle_forced = {json} WHERE id = {row}"
                     for row, (_, json) in enumerate(_DIFFERENT, 100)))
    result = reconcile(f"sqlite:///{sample_db}", pg_sample, tables=["session_history_media_info"])
    assert _found(result) == {("session_history_media_info", (row,), "changed", ("subtitle_forced",))
                              for row in range(100, 100 + len(_DIFFERENT))}


@postgresql
def test_same_values_in_both_stores_are_equal(sample_db: Path, pg_sample: str) -> None:
    with sqlite3.connect(sample_db) as conn:
        conn.execute("UPDATE session_history_media_info SET subtitle_forced = 'NULL' WHERE id = 1")
        conn.execute("UPDATE session_history_media_info SET subtitle_forced = 2.5 WHERE id = 2")
        conn.execute("UPDATE session_history_metadata SET title = 'Ünïcode ''q'' %_\\' WHERE id = 3")
        conn.execute("UPDATE session_history_metadata SET title = ?, summary = '' WHERE id = 4",
                     ('line\nbreak\t"q" \x01 \u2028 end',))
    _pg(pg_sample, "UPDATE session_history_media_info SET subtitle_forced = '\"NULL\"' WHERE id = 1",
        "UPDATE session_history_media_info SET subtitle_forced = '2.5' WHERE id = 2",
        "UPDATE session_history_metadata SET title = 'Ünïcode ''q'' %%_\\' WHERE id = 3",
        "UPDATE session_history_metadata SET title = E'line\\nbreak\\t\"q\" \\x01 \u2028 end', summary = '' "
        "WHERE id = 4")
    result = reconcile(f"sqlite:///{sample_db}", pg_sample,
                       tables=["session_history_media_info", "session_history_metadata"])
    assert result.equal, _found(result)
    # the fingerprints themselves agree across the engines (escapes, quotes, 'NULL', a real): nothing bisected
    assert [t.chunks_differing for t in result.tables] == [0, 0]


@postgresql
def test_repair_from_postgresql_into_sqlite(sample_db: Path, pg_sample: str) -> None:
    with sqlite3.connect(sample_db) as conn:
        conn.execute("UPDATE session_history_metadata SET year = 1999 WHERE year = '' AND id < 100")
        conn.execute("DELETE FROM notify_log WHERE id > 5000")
    result = reconcile(pg_sample, f"sqlite:///{sample_db}", tables=["session_history_metadata", "notify_log"],
                       repair=True)
    assert result.equal
    with sqlite3.connect(sample_db) as conn:
        assert conn.execute("SELECT typeof(year), count(*) FROM session_history_metadata WHERE id < 100 "
                            "GROUP BY 1 ORDER BY 1").fetchall() == [("integer", 97), ("text", 2)]
        assert conn.execute("SELECT count(*) FROM notify_log").fetchone() == (5779,)


def test_sqlite_to_sqlite_with_counters_and_resume(sample_db: Path, tmp_path: Path) -> None:
    right = tmp_path / "right.db"
    shutil.copy2(sample_db, right)
    with sqlite3.connect(right) as conn:
        conn.execute("UPDATE sessions SET state = 'paused' WHERE id = (SELECT max(id) FROM sessions)")
        conn.execute("UPDATE sqlite_sequence SET seq = 9000 WHERE name = 'sessions'")
    left_url, right_url = f"sqlite:///{sample_db}", f"sqlite:///{right}"

    def stop_after_exports(tick: ReconcileProgress) -> None:
        if tick.table == "image_hash_lookup":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reconcile(left_url, right_url, progress=stop_after_exports)
    checkpoint = default_checkpoint(left_url, right_url, None)
    assert checkpoint.exists()

    result = reconcile(left_url, right_url, resume=True)
    assert [t.table for t in result.tables if t.resumed] == ["cloudinary_lookup", "exports"]
    assert [(t.table, d.columns) for t in result.tables for d in t.differences] == [("sessions", ("state",))]
    assert result.sequences == [SequenceDifference("sessions", 5101, 9001)]
    assert not checkpoint.exists()

    fixed = reconcile(left_url, right_url, repair=True)
    assert fixed.equal
    with sqlite3.connect(right) as conn:
        assert conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'sessions'").fetchone() == (5100,)


@pytest.mark.parametrize("workers", [1, 3])
@postgresql
def test_parallel_key_ranges_find_the_same_rows(sample_db: Path, pg_sample: str, workers: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Checksums split over worker processes (SQLite) and snapshot-sharing connections (PostgreSQL) agree."""
    monkeypatch.setattr("shim.reconcile.PARALLEL_MIN_ROWS", 1)
    _pg(pg_sample, "UPDATE session_history SET platform = 'Chromecast' WHERE id = 17",
        "UPDATE session_history SET relayed = NULL WHERE id = 4100",
        "DELETE FROM session_history_metadata WHERE id = 2222")
    from shim import reconcile as differ

    monkeypatch.setattr(differ.TableDiffer.__init__, "__kwdefaults__",
                        {**differ.TableDiffer.__init__.__kwdefaults__, "workers": workers})
    result = reconcile(f"sqlite:///{sample_db}", pg_sample, tables=["session_history", "session_history_metadata"])
    assert _found(result) == {
        ("session_history", (17,), "changed", ("platform",)),
        ("session_history", (4100,), "changed", ("relayed",)),
        ("session_history_metadata", (2222,), "missing", ()),
    }
    history = next(t for t in result.tables if t.table == "session_history")
    assert history.chunks == 2 and history.chunks_differing == 2
