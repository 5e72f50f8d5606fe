"""schema.py + seed_fresh() build exactly the fresh Tautulli v2.17.2 database."""

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
    assert "subtitle_forced TEXT" in ddl


def test_schema_module_does_not_import_sqlite3() -> None:
    import subprocess
    import sys

    code = "import sys, plexpy.db.schema, plexpy.db.fresh; sys.exit('sqlite3' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
