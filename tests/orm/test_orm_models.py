"""The models are mapped onto the one schema: same Table objects, every column, no second definition."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.orm import configure_mappers

from plexpy.db import orm, schema

ROOT = Path(__file__).resolve().parents[2]


def test_every_keyed_table_has_one_model_on_its_core_table() -> None:
    configure_mappers()
    keyed = {name for name, table in schema.TABLES.items() if table.primary_key.columns}
    assert set(orm.MODELS) == keyed  # version_info (no key) is the only table left to Core
    for name, model in orm.MODELS.items():
        mapper = inspect(model)
        assert mapper.local_table is schema.TABLES[name]
        assert [c.name for c in mapper.columns] == [c.name for c in schema.TABLES[name].columns]
    assert orm.Base.metadata is schema.metadata


def test_column_attributes_keep_the_column_names() -> None:
    """``as_row`` gives the dict the shaping functions take: column names, even ``squareArt_level``."""
    export = orm.Export(id=3, squareArt_level=2, title="x")
    row = orm.as_row(export, ["id", "squareArt_level", "title"])
    assert row == {"id": 3, "squareArt_level": 2, "title": "x"}
    assert list(orm.as_row(orm.MobileDevice(device_id="d"))) == [c.name for c in schema.mobile_devices.columns]


def test_orm_modules_declare_no_columns_and_no_sql_text() -> None:
    """One schema: no ``Column``/``mapped_column`` in the models; no ``text()`` or raw driver SQL in ORM code."""
    paths = [*(ROOT / "plexpy" / "db" / "orm").glob("*.py"), *(ROOT / "plexpy" / "domains").glob("*/sqla_orm.py")]
    assert len(paths) >= 10
    for path in paths:
        tree = ast.parse(path.read_text())
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert not ({"Column", "mapped_column", "text", "exec_driver_sql"} & (names | imported)), path
        assert "sqlite3" not in path.read_text(), path
