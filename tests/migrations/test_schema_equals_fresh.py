"""The schema package + seed_fresh() build exactly the fresh Tautulli v2.17.2 database."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_corpus import FRESH, differences
from sqlalchemy import create_engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from plexpy.db.fresh import seed_fresh
from plexpy.db.schema import TABLES, metadata


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "built.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        metadata.create_all(conn)
        seed_fresh(conn)
    engine.dispose()
    return path


def test_schema_only_equals_fresh(built: Path) -> None:
    assert differences(built, FRESH, schema_only=True) == []


def test_schema_and_data_equal_fresh(built: Path) -> None:
    assert differences(built, FRESH) == []


def test_tables_are_the_22_application_tables() -> None:
    assert len(TABLES) == 22
    assert list(TABLES) == list(metadata.tables)
    assert list(TABLES["notify_log"].c.keys())[-1] == "poster_url"
    assert "squareArt_level" in TABLES["exports"].c


def test_schema_compiles_for_postgresql() -> None:
    dialect = postgresql.dialect()
    for table in metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert ddl.startswith("\nCREATE TABLE")
        for index in table.indexes:
            CreateIndex(index).compile(dialect=dialect)
    ddl = str(CreateTable(TABLES["session_history_media_info"]).compile(dialect=dialect))
    assert "subtitle_forced JSONB" in ddl  # untyped: dynamic values (plexpy.db.pgtypes)


def test_schema_module_does_not_import_sqlite3() -> None:
    import subprocess
    import sys

    code = "import sys, plexpy.db.schema, plexpy.db.fresh; sys.exit('sqlite3' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_generated_files_are_up_to_date() -> None:
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("gen_schema", root / "tools" / "gen_schema.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    for name, text in gen.generate(FRESH).items():
        assert (root / "plexpy" / "db" / "schema" / name).read_text() == text, name
    assert (root / "alembic" / "versions" / "0001_baseline_v2_17_2.py").read_text() == gen.generate_baseline(FRESH)


def test_baseline_creates_what_schema_py_declares() -> None:
    from alembic.script import ScriptDirectory
    from sqlalchemy.dialects import sqlite

    from plexpy.commands.migrate import alembic_config

    baseline = ScriptDirectory.from_config(alembic_config()).get_revision("0001").module._metadata
    assert list(baseline.tables) == list(metadata.tables)
    for name, table in metadata.tables.items():
        ours = str(CreateTable(table).compile(dialect=sqlite.dialect()))
        assert str(CreateTable(baseline.tables[name]).compile(dialect=sqlite.dialect())) == ours
        assert sorted(i.name for i in baseline.tables[name].indexes) == sorted(i.name for i in table.indexes)
