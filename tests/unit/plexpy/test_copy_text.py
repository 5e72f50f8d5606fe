"""copy's text path: SQLite writes COPY text lines that mean what the row-by-row path sends."""

from __future__ import annotations

import sqlalchemy as sa

from plexpy.commands.copy_text import copy_text_sql, read_text_batch
from plexpy.db import pgtypes


def _tables() -> tuple[sa.Table, sa.Table]:
    source = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer),
                      sa.Column("s", sa.Text), sa.Column("d", sa.Integer))
    target = sa.Table("t", sa.MetaData(), sa.Column("id", sa.BigInteger, primary_key=True),
                      sa.Column("n", sa.BigInteger), sa.Column("s", sa.Text),
                      sa.Column("d", pgtypes.SqliteValue("integer")))
    return source, target


def _batch(rows: list[tuple]) -> tuple[list[str], bool]:
    source, target = _tables()
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, d INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
        sql = copy_text_sql(conn, source, target, "id")
        assert sql is not None
        batch = read_text_batch(conn, sql, None, 100)
    assert batch.rows == len(rows) and batch.last_key == max(r[0] for r in rows)
    return sorted(batch.text.split("\n")), batch.exact


def test_lines_escape_what_copy_text_format_needs() -> None:
    lines, exact = _batch([(1, 5, "plain é", 7), (2, None, 'a\\b\tc\nd\re "q"', ""), (3, -1, None, 'x"\\y\n'),
                           (4, 0, "", None)])
    assert exact
    assert lines == ["1\t5\tplain é\t7", '2\t\\N\ta\\\\b\\tc\\nd\\re "q"\t""', '3\t-1\t\\N\t"x\\\\"\\\\\\\\y\\\\n"',
                     "4\t0\t\t\\N"]


def test_values_this_path_does_not_spell_send_the_batch_row_by_row() -> None:
    for misfit in [(1, 2.5, "a", 1), (1, "x12", "a", 1), (1, 1, b"x", 1), (1, 1, "a", 1.5),
                   (1, 1, "a", "nul\x00")]:
        assert _batch([misfit, (2, 1, "fine", 2)])[1] is False, misfit


def test_resumes_after_the_given_key() -> None:
    source, target = _tables()
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, d INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (?, 1, 's', 1)", [(i,) for i in range(1, 11)])
        sql = copy_text_sql(conn, source, target, "id")
        assert sql is not None
        first, second, end = (read_text_batch(conn, sql, after, 4) for after in (None, 4, 10))
    assert (first.rows, first.last_key, second.rows, second.last_key, end.rows) == (4, 4, 4, 8, 0)


def test_each_special_character_alone_is_escaped() -> None:
    """A value holding just one of backslash, tab, newline or carriage return is found and escaped."""
    specials = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
    rows = [(n, None, f"a{char}b", None) for n, char in enumerate(specials, start=1)]
    lines, exact = _batch(rows)
    assert exact
    assert lines == [f"{n}\t\\N\ta{escaped}b\t\\N" for n, escaped in enumerate(specials.values(), start=1)]
