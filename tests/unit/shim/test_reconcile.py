"""shim.reconcile on SQLite↔SQLite: fingerprints keep storage classes, bisection finds rows, repair fixes them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from shim.reconcile import (
    Checkpoint,
    ReconcileError,
    ReconcileProgress,
    TableDiffer,
    encode_value,
    register_sqlite_functions,
    row_hash,
)

metadata = sa.MetaData()
plays = sa.Table("plays", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("title", sa.Text),
                 sa.Column("value", sa.types.NullType()), sa.Column("n", sa.Integer))
keyless = sa.Table("keyless", metadata, sa.Column("a", sa.Integer), sa.Column("b", sa.Text))
texts = sa.Table("texts", metadata, sa.Column("key", sa.Text), sa.Column("value", sa.Text), sa.UniqueConstraint("key"))
wide = sa.Table("wide", metadata, sa.Column("id", sa.Integer, primary_key=True),
                *(sa.Column(f"c{i}", sa.Integer) for i in range(130)))


def _db(path: Path, rows: int = 2000) -> sa.Engine:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE plays (id INTEGER PRIMARY KEY, title TEXT, value, n INTEGER)")
    conn.executemany("INSERT INTO plays VALUES (?, ?, ?, ?)",
                     [(i, f"title {i} 'é'", i % 7, i * 3) for i in range(1, rows + 1)])
    conn.execute("CREATE TABLE keyless (a INTEGER, b TEXT)")
    conn.executemany("INSERT INTO keyless VALUES (?, ?)", [(1, "x"), (1, "x"), (2, None)])
    conn.execute("CREATE TABLE texts (key TEXT UNIQUE, value TEXT)")
    conn.executemany("INSERT INTO texts VALUES (?, ?)", [("b", "1"), ("a", "2"), (None, "3")])
    conn.execute(f"CREATE TABLE wide (id INTEGER PRIMARY KEY, {', '.join(f'c{i} INTEGER' for i in range(130))})")
    conn.executemany(f"INSERT INTO wide VALUES ({', '.join('?' * 131)})", [(r, *range(130)) for r in range(1, 6)])
    conn.commit()
    conn.close()
    return sa.create_engine(f"sqlite:///{path}")


@pytest.fixture
def pair(tmp_path: Path):
    left, right = _db(tmp_path / "left.db"), _db(tmp_path / "right.db")
    yield left, right, sqlite3.connect(tmp_path / "right.db", isolation_level=None)
    left.dispose()
    right.dispose()


def test_fingerprint_text_keeps_the_storage_class() -> None:
    values = [None, "NULL", "", 1, "1", 1.0, b"1", -0.0, 0.0, True]
    encoded = [encode_value(v) for v in values]
    assert len(set(encoded[:8])) == 8
    assert encoded[:6] == ["N", "t4:NULL", "t0:", "i1", "t1:1", "r3ff0000000000000"]
    assert encoded[9] == "i1"  # a boolean is SQLite's integer


def test_sql_fingerprint_equals_python() -> None:
    conn = sqlite3.connect(":memory:")
    register_sqlite_functions(conn)
    got = conn.execute("SELECT tdb_row_hash(NULL, 'a|\"b', 2, 2.5, 1.0, '1', x'00')").fetchone()[0]
    assert got == row_hash('[null, "a|\\"b", 2, 2.5, 1.0, "1", ["b", "00"]]')
    assert 0 <= got < 2**48
    classes = [conn.execute(f"SELECT tdb_row_hash({v})").fetchone()[0] for v in ("NULL", "'NULL'", "''", "1", "1.0",
                                                                                  "'1'", "x'31'")]
    assert len(set(classes)) == 7


def test_identical_tables_have_no_difference(pair) -> None:
    left, right, _ = pair
    report = TableDiffer(left, right, plays, plays, bucket=256).diff()
    assert (report.left_rows, report.right_rows, report.chunks, report.chunks_differing) == (2000, 2000, 8, 0)
    assert report.equal and report.found == 0


def test_changed_missing_and_extra_rows_are_located(pair) -> None:
    left, right, edit = pair
    edit.execute("UPDATE plays SET title = 'other', n = n WHERE id = 1500")
    edit.execute("DELETE FROM plays WHERE id = 77")
    edit.execute("INSERT INTO plays VALUES (9000, 'extra', NULL, NULL)")
    ticks: list[ReconcileProgress] = []
    report = TableDiffer(left, right, plays, plays, bucket=256, leaf=8, progress=ticks.append).diff()
    found = {(d.key, d.kind, d.columns) for d in report.differences}
    assert found == {((1500,), "changed", ("title",)), ((77,), "missing", ()), ((9000,), "extra", ())}
    assert (report.missing, report.extra, report.changed, report.chunks_differing) == (1, 1, 1, 3)
    assert ticks[0].phase == "checksum" and ticks[-1] == ReconcileProgress("plays", "bisect", 3, 3)


@pytest.mark.parametrize(("stored", "changed_to"), [
    ("NULL", None), ("", None), ("", "NULL"), (1, "1"), (1, 1.0), ("1", 1.0), (0, -0.0), ("a", "A"), ("é", "e"),
])
def test_values_told_apart(pair, stored, changed_to) -> None:
    left, right, edit = pair
    for conn in (sqlite3.connect(left.url.database, isolation_level=None), edit):
        conn.execute("UPDATE plays SET value = ? WHERE id = 10", (stored,))
    assert TableDiffer(left, right, plays, plays).diff().equal
    edit.execute("UPDATE plays SET value = ? WHERE id = 10", (changed_to,))
    report = TableDiffer(left, right, plays, plays).diff()
    assert [(d.key, d.kind, d.columns) for d in report.differences] == [((10,), "changed", ("value",))]


def test_repair_rewrites_the_right_side(pair) -> None:
    left, right, edit = pair
    edit.execute("UPDATE plays SET n = NULL WHERE id IN (3, 1999)")
    edit.execute("DELETE FROM plays WHERE id BETWEEN 500 AND 520")
    edit.execute("INSERT INTO plays VALUES (0, 'zero', 0, 0)")
    report = TableDiffer(left, right, plays, plays, bucket=128, leaf=4).diff(repair=True)
    assert (report.changed, report.missing, report.extra, report.repaired, report.remaining) == (2, 21, 1, 24, 0)
    assert report.equal
    assert TableDiffer(left, right, plays, plays).diff().found == 0


def test_keyless_table_is_a_multiset(pair) -> None:
    left, right, edit = pair
    edit.execute("INSERT INTO keyless VALUES (1, 'x')")
    edit.execute("UPDATE keyless SET b = 'NULL' WHERE a = 2")
    report = TableDiffer(left, right, keyless, keyless).diff(repair=True)
    assert sorted((d.kind, d.key) for d in report.differences) == [
        ("changed", (2, None)), ("extra", (1, "x"))] or report.found == 3
    assert report.remaining == 0
    rows = sorted(sqlite3.connect(right.url.database).execute("SELECT a, b FROM keyless").fetchall(), key=str)
    assert rows == sorted([(1, "x"), (1, "x"), (2, None)], key=str)


def test_text_keyed_table_with_a_null_key(pair) -> None:
    left, right, edit = pair
    edit.execute("UPDATE texts SET value = 3 WHERE key IS NULL")  # TEXT affinity: stored as '3', unchanged
    edit.execute("UPDATE texts SET value = 'B' WHERE key = 'b'")
    report = TableDiffer(left, right, texts, texts).diff()
    assert [(d.key, d.kind, d.columns) for d in report.differences] == [(("b",), "changed", ("value",))]


def test_tables_wider_than_sqlites_argument_limit(pair) -> None:
    left, right, edit = pair
    assert TableDiffer(left, right, wide, wide).diff().equal
    edit.execute("UPDATE wide SET c120 = -1 WHERE id = 4")
    report = TableDiffer(left, right, wide, wide).diff()
    assert [(d.key, d.columns) for d in report.differences] == [((4,), ("c120",))]


def test_empty_sides(tmp_path: Path) -> None:
    left, right = _db(tmp_path / "l.db", rows=0), _db(tmp_path / "r.db", rows=3)
    report = TableDiffer(left, right, plays, plays).diff(repair=True)
    assert (report.extra, report.remaining, report.chunks) == (3, 0, 1)


def test_missing_column_is_refused(pair) -> None:
    left, right, _ = pair
    narrow = sa.Table("plays", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))
    with pytest.raises(ReconcileError, match="columns missing on the right: title, value, n"):
        TableDiffer(left, right, plays, narrow)


def test_checkpoint_round_trip(tmp_path: Path, pair) -> None:
    left, right, edit = pair
    edit.execute("DELETE FROM plays WHERE id = 5")
    state = Checkpoint(tmp_path / "state.json")
    state.finish(TableDiffer(left, right, plays, plays).diff())
    again = Checkpoint(tmp_path / "state.json").finished("plays")
    assert again is not None and again["missing"] == 1 and again["differences"][0]["key"] == [5]
    state.clear()
    assert not (tmp_path / "state.json").exists()
