"""Reconcile's parallel checksums on SQLite files: worker processes give the same buckets as one connection."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from shim.fingerprint import register_sqlite_functions, sqlite_bucket_sums, sqlite_bucket_sums_in_subprocess
from shim.reconcile import TableDiffer

VALUES = [None, "NULL", "", 1, 1.0, "1", b"\x00\x01", "a|b", "ü", -7, 2.5e300]


def _table(path: Path, rows: int, changes: dict[int, object] | None = None) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v, w TEXT)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)",
                        [(i, VALUES[i % len(VALUES)], f"row {i}") for i in range(1, rows + 1)])
        for key, value in (changes or {}).items():
            con.execute("UPDATE t SET v = ? WHERE id = ?", (value, key))
    con.close()


def test_worker_sums_equal_the_in_connection_query(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _table(db, 3000)
    con = sqlite3.connect(db)
    register_sqlite_functions(con)
    expected = con.execute("SELECT (id - 1) / 500, count(*), sum(tdb_row_hash(id, v, w)) FROM t GROUP BY 1").fetchall()
    con.close()
    parts = [sqlite_bucket_sums(str(db), "t", "id", ["id", "v", "w"], 1, 500, lo, lo + 1500) for lo in (1, 1501)]
    assert [tuple(r) for r in expected] == parts[0] + parts[1]
    assert sqlite_bucket_sums_in_subprocess(str(db), "t", "id", ["id", "v", "w"], 1, 500, 1, 1501) == parts[0]


@pytest.mark.parametrize("workers", [1, 3])
def test_parallel_ranges_locate_each_change(tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shim.reconcile.PARALLEL_MIN_ROWS", 1)
    left, right = tmp_path / "l.db", tmp_path / "r.db"
    _table(left, 5000)
    shutil.copyfile(left, right)
    con = sqlite3.connect(right)
    with con:  # 1 -> 1.0 -> '1' and NULL -> 'NULL': only storage classes change
        con.execute("UPDATE t SET v = 1.0 WHERE id = 3")  # was 1
        con.execute("UPDATE t SET v = NULL WHERE id = 1")  # was 'NULL'
        con.execute("UPDATE t SET v = '1' WHERE id = 3302")  # was ''
        con.execute("DELETE FROM t WHERE id = 4999")
    con.close()
    engines = [sa.create_engine(f"sqlite:///{p}") for p in (left, right)]
    tables = [sa.Table("t", sa.MetaData(), autoload_with=e) for e in engines]
    report = TableDiffer(*engines, *tables, bucket=1024, workers=workers).diff()
    assert {(d.key, d.kind) for d in report.differences} == {((1,), "changed"), ((3,), "changed"),
                                                             ((3302,), "changed"), ((4999,), "missing")}
    assert report.chunks == 5
    for e in engines:
        e.dispose()
