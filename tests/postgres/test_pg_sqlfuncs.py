"""The SQLite-quirk constructs (``plexpy.db.sqlfuncs``) on a real PostgreSQL server, with tricky values.

Each query runs on SQLite (the truth: Tautulli's own database) and on PostgreSQL with the same table and rows,
the dynamic column holding integers, a real, ``''``, text and NULL (``JSONB`` on PostgreSQL), and must give the
same rows, values and Python types on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import INTEGER, TEXT, Column, MetaData, Table, func, select

from plexpy import context
from plexpy.db import pgtypes
from plexpy.db.engine import build_engine
from plexpy.db.sqlfuncs import (
    affinity_equals,
    ascii_like,
    ascii_upper,
    binary_collate,
    blank_as_null,
    group_concat,
    local_strftime,
    nocase,
    nocase_equals,
    sqlite_max,
    sqlite_min,
    sqlite_number,
    sqlite_sum,
    stored_text,
    typed_literal,
)

pytestmark = pytest.mark.postgresql

metadata = MetaData()
things = Table(
    "things", metadata,
    Column("id", INTEGER, primary_key=True),
    Column("n", INTEGER),  # dynamic on PostgreSQL: numbers, '' and text, as Tautulli stores from Plex
    Column("t", TEXT),
    Column("g", INTEGER),  # a group key
    Column("stamp", INTEGER),
)
pgtypes.apply_postgresql_types(metadata)

# 2026-03-08 06:59:59 / 07:00:00 UTC: New York's clocks go from 01:59:59 EST to 03:00:00 EDT.
DST = 1772953200
ROWS: list[dict[str, Any]] = [
    {"id": 1, "n": 10, "t": "apple", "g": 1, "stamp": DST - 1},
    {"id": 2, "n": 2, "t": "Banana", "g": 1, "stamp": DST},
    {"id": 3, "n": "", "t": "étoile", "g": 2, "stamp": DST + 3600},
    {"id": 4, "n": None, "t": "Étoile", "g": 2, "stamp": None},
    {"id": 5, "n": "abc", "t": "100%_sure\\", "g": 3, "stamp": 0},
    {"id": 6, "n": 1.5, "t": "100 percent", "g": 3, "stamp": 1735689600},
    {"id": 7, "n": -3, "t": "", "g": 4, "stamp": 1720000000},
    {"id": 8, "n": "B", "t": None, "g": 4, "stamp": 1704067200},
]


@pytest.fixture(scope="module")
def engines(pg_server, tmp_path_factory) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    """The same table and rows on SQLite and on PostgreSQL."""
    name = "sqlfuncs_" + str(id(metadata))
    pg = build_engine(pg_server.create_database(name))
    lite = build_engine(f"sqlite:///{tmp_path_factory.mktemp('sqlfuncs') / 'things.db'}")
    for engine in (lite, pg):
        metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(things.insert(), ROWS)
    yield lite, pg
    pg.dispose()
    lite.dispose()
    pg_server.drop_database(name)


def both(engines: tuple[sa.Engine, sa.Engine], stmt: Any) -> list[tuple[Any, ...]]:
    """The rows of ``stmt`` on SQLite, after checking PostgreSQL gives the same rows with the same types."""
    lite, pg = engines
    results = []
    for engine in (lite, pg):
        with engine.connect() as conn:
            results.append([tuple(row) for row in conn.execute(stmt)])
    expected, actual = results
    assert actual == expected
    assert [[type(v) for v in row] for row in actual] == [[type(v) for v in row] for row in expected]
    return expected


def test_dynamic_values_read_back_with_their_class(engines) -> None:
    rows = both(engines, select(things.c.id, things.c.n).order_by(things.c.id))
    assert [n for _, n in rows] == [10, 2, "", None, "abc", 1.5, -3, "B"]


def test_sort_key_puts_null_numbers_then_text(engines) -> None:
    key = binary_collate(things.c.n)
    up = both(engines, select(things.c.id).order_by(key.asc().nulls_first(), things.c.id))
    assert [r[0] for r in up] == [4, 7, 6, 2, 1, 3, 8, 5]  # NULL, -3, 1.5, 2, 10, '', 'B', 'abc'
    down = both(engines, select(things.c.id).order_by(key.desc().nulls_last(), things.c.id))
    assert [r[0] for r in down] == [5, 8, 3, 1, 2, 6, 7, 4]


def test_nocase_folds_ascii_only(engines) -> None:
    rows = both(engines, select(things.c.t).where(things.c.t.is_not(None))
                .order_by(nocase(things.c.t).asc(), things.c.id))
    # ASCII letters fold ('apple' < 'Banana'); 'É' and 'é' do not, and sort after ASCII by their bytes.
    assert [r[0] for r in rows] == ["", "100 percent", "100%_sure\\", "apple", "Banana", "Étoile", "étoile"]
    keyed = both(engines, select(things.c.id).order_by(nocase(things.c.n).asc().nulls_first(), things.c.id))
    assert [r[0] for r in keyed] == [4, 7, 6, 2, 1, 3, 5, 8]  # numbers as numbers, then '', 'abc', 'B'


def test_nocase_equals_and_upper(engines) -> None:
    hits = both(engines, select(things.c.id).where(nocase_equals(things.c.t, "ÉTOILE")).order_by(things.c.id))
    assert hits == [(4,)]
    upper = both(engines, select(ascii_upper(things.c.t)).where(things.c.id.in_([1, 3])).order_by(things.c.id))
    assert upper == [("APPLE",), ("éTOILE",)]


@pytest.mark.parametrize(("pattern", "ids"), [
    ("%APPLE%", [1]),
    ("é%", [3]),  # no folding outside ASCII
    ("100%", [5, 6]),
    ("100_s%", []),  # '_' is one character, then 's': neither text has 's' fifth
    ("100__sure%", [5]),
    ("%\\", [5]),  # a backslash is an ordinary character (no ESCAPE)
    ("", [7]),
    ("%A%", [1, 2]),  # 'apple', 'Banana'
])
def test_like_is_sqlite_like(engines, pattern: str, ids: list[int]) -> None:
    rows = both(engines, select(things.c.id).where(ascii_like(things.c.t, pattern)).order_by(things.c.id))
    assert [r[0] for r in rows] == ids


def test_like_reads_numbers_and_text_of_dynamic_columns(engines) -> None:
    rows = both(engines, select(things.c.id).where(ascii_like(things.c.n, "1%")).order_by(things.c.id))
    assert [r[0] for r in rows] == [1, 6]  # 10 and 1.5, not the JSON text
    rows = both(engines, select(things.c.id).where(ascii_like(things.c.n, "b")).order_by(things.c.id))
    assert [r[0] for r in rows] == [8]


@pytest.mark.parametrize(("value", "ids"), [(10, [1]), ("10", [1]), (" 2 ", [2]), ("", [3]), ("abc", [5]),
                                            ("b", []), (1.5, [6]), (None, [])])
def test_affinity_equals_on_a_dynamic_column(engines, value: Any, ids: list[int]) -> None:
    rows = both(engines, select(things.c.id).where(affinity_equals(things.c.n, value)).order_by(things.c.id))
    assert [r[0] for r in rows] == ids


def test_comparison_binds_with_the_column_type(engines) -> None:
    rows = both(engines, select(things.c.id).where(things.c.n == typed_literal(things.c.n, 2)))
    assert rows == [(2,)]


def test_text_of_values_and_blank_as_null(engines) -> None:
    rows = both(engines, select(stored_text(things.c.n), blank_as_null(things.c.n)).order_by(things.c.id))
    assert rows == [("10", 10), ("2", 2), ("", None), (None, None), ("abc", "abc"), ("1.5", 1.5), ("-3", -3),
                    ("B", "B")]


def test_sum_is_an_int_over_integers_and_a_float_over_reals(engines) -> None:
    rows = both(engines, select(things.c.g, sqlite_sum(things.c.n), sqlite_sum(things.c.stamp))
                .group_by(things.c.g).order_by(things.c.g))
    # Any text makes SQLite's sum a real: '' alone sums to 0.0.
    assert rows == [(1, 12, 2 * DST - 1), (2, 0.0, DST + 3600), (3, 1.5, 1735689600), (4, -3, 1720000000 + 1704067200)]
    product = both(engines, select(sqlite_number(things.c.n) * 1.0).where(things.c.id.in_([2, 3]))
                   .order_by(things.c.id))
    assert product == [(2.0,), (0.0,)]


def test_max_and_min_across_storage_classes(engines) -> None:
    rows = both(engines, select(things.c.g, sqlite_max(things.c.n), sqlite_min(things.c.n))
                .group_by(things.c.g).order_by(things.c.g))
    assert rows == [(1, 10, 2), (2, "", ""), (3, "abc", 1.5), (4, "B", -3)]


def test_group_concat_in_window_order(engines) -> None:
    joined = group_concat(things.c.n).over(partition_by=things.c.g, order_by=things.c.id.desc(), rows=(None, None))
    rows = both(engines, select(things.c.g, joined).distinct().order_by(things.c.g))
    # SQLite: one '' joins to NULL in a window, to '' as an aggregate.
    assert rows == [(1, "2,10"), (2, None), (3, "1.5,abc"), (4, "B,-3")]
    aggregate = both(engines, select(group_concat(things.c.n)).where(things.c.g == 2))
    assert aggregate == [("",)]


@pytest.mark.parametrize("fmt", ["%Y-%m-%d %H:%M:%S", "%H", "%w", "%Y-%m"])
def test_local_strftime_across_dst(engines, fmt: str) -> None:
    with context.call_context(tz="America/New_York"):
        rows = both(engines, select(things.c.id, local_strftime(fmt, things.c.stamp)).order_by(things.c.id))
    if fmt == "%H":
        assert [r[1] for r in rows[:3]] == ["01", "03", "04"]  # the hour 02:00 does not exist that night
    if fmt.startswith("%Y-%m-%d"):
        assert rows[4][1] == "1969-12-31 19:00:00"  # epoch 0 in New York
        assert rows[3][1] is None
    if fmt == "%w":
        assert rows[0][1] == "0"  # a Sunday


def test_sum_of_bigint_is_not_decimal(engines) -> None:
    _lite, pg = engines
    with pg.connect() as conn:
        value = conn.execute(select(sqlite_sum(things.c.id)).select_from(things)).scalar_one()
        raw = conn.execute(select(func.sum(things.c.id)).select_from(things)).scalar_one()
    assert value == 36 and type(value) is int
    assert type(raw).__name__ == "Decimal"  # what PostgreSQL gives without the construct
