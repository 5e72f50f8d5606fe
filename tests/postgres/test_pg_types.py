"""PostgreSQL column types: dynamic columns keep SQLite's values and storage classes, bound with SQLite's affinity."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from plexpy.db import pgtypes, schema
from plexpy.db.pgtypes import StorageClassError, encode_dynamic

PG = pgtypes.with_postgresql_types(schema.metadata)


def _ddl(table: str, dialect) -> str:
    return str(sa.schema.CreateTable(PG.tables[table]).compile(dialect=dialect))


def test_sqlite_ddl_is_unchanged() -> None:
    for name, table in schema.TABLES.items():
        original = str(sa.schema.CreateTable(table).compile(dialect=sqlite.dialect()))
        assert _ddl(name, sqlite.dialect()) == original


def test_postgresql_ddl_types() -> None:
    ddl = _ddl("session_history", postgresql.dialect())
    assert "id BIGSERIAL" in ddl and "started BIGINT" in ddl and "paused_counter BIGINT DEFAULT 0" in ddl
    assert "rating_key JSONB" in ddl and "view_offset JSONB DEFAULT '0'::jsonb" in ddl
    assert "\"user\" TEXT" in ddl
    assert "subtitle_forced JSONB" in _ddl("session_history_media_info", postgresql.dialect())
    assert "\tid BIGINT, " in _ddl("session_history_metadata", postgresql.dialect())  # no sequence there
    assert "marker_credits_first JSONB DEFAULT NULL" in _ddl("session_history_metadata", postgresql.dialect())


def test_column_lists() -> None:
    dynamic = pgtypes.dynamic_columns(schema.metadata)
    assert "year" in dynamic["session_history_metadata"] and "musicbrainz_id" in dynamic["musicbrainz_lookup"]
    assert "started" not in dynamic["session_history"] and "id" not in dynamic["session_history"]
    assert "notifiers" not in dynamic and "newsletter_log" not in dynamic
    assert sum(len(c) for c in dynamic.values()) == 128


@pytest.mark.parametrize(("value", "affinity", "expected"), [
    (None, "integer", None), (7, "integer", "7"), ("7", "integer", "7"), (" 12 ", "integer", "12"),
    ("1.0", "integer", "1"), (2.0, "integer", "2"), (1.5, "integer", "1.5"), ("", "integer", '""'),
    ("0x10", "integer", '"0x10"'), (True, "integer", "1"), (1e20, "integer", "100000000000000000000.0"),
    ("1", "none", '"1"'), (1.0, "none", "1.0"), ("NULL", "none", '"NULL"'), ("é\"'\\", "none", '"é\\"\'\\\\"'),
    (2.5e-7, "none", "0.00000025"),
])
def test_encode_dynamic_applies_the_affinity(value, affinity, expected) -> None:
    assert encode_dynamic(value, affinity) == expected


@pytest.mark.parametrize("value", [b"\x00", float("inf"), float("nan"), "a\x00b", object()])
def test_values_postgresql_cannot_keep_are_refused(value) -> None:
    with pytest.raises(StorageClassError):
        encode_dynamic(value, "none")


@pytest.mark.postgresql
def test_bound_values_compare_as_on_sqlite(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    table = PG.tables["session_history_metadata"]
    table.create(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(table), [{"id": 1, "year": ""}, {"id": 2, "year": "2001"}, {"id": 3, "year": None},
                                        {"id": 4, "year": 1999.0}])
        assert conn.execute(sa.select(table.c.id, table.c.year).order_by(table.c.id)).all() == [
            (1, ""), (2, 2001), (3, None), (4, 1999)]
        assert conn.execute(sa.select(table.c.id).where(table.c.year == 2001)).scalars().all() == [2]
        coerced = sa.type_coerce("2001", table.c.year.type)
        assert conn.execute(sa.select(table.c.id).where(table.c.year == coerced)).scalars().all() == [2]
        blank = sa.type_coerce("", table.c.year.type)
        assert conn.execute(sa.select(table.c.id).where(table.c.year == blank)).scalars().all() == [1]
        assert conn.execute(sa.select(table.c.duration).where(table.c.id == 1)).scalar_one() == 0  # server default
    engine.dispose()
