"""``alembic`` from the repository root, and autogenerate staying honest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import produce_migrations
from alembic.runtime.migration import MigrationContext
from migration_corpus import FRESH, differences

from plexpy.commands.migrate import ALEMBIC_DIR
from plexpy.db.schema import metadata

ROOT = ALEMBIC_DIR.parent


def _alembic(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "alembic", *args], cwd=ROOT, capture_output=True, text=True,
                          check=False)


def test_upgrade_head_and_check_from_the_repository_root(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgraded = _alembic("-x", f"url={url}", "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr
    assert differences(tmp_path / "cli.db", FRESH, ignore_tables=["alembic_version"]) == []
    checked = _alembic("-x", f"url={url}", "check")
    assert checked.returncode == 0 and "No new upgrade operations detected" in checked.stdout + checked.stderr


def test_autogenerate_against_an_empty_database_yields_the_whole_schema() -> None:
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        script = produce_migrations(MigrationContext.configure(conn), metadata)
    created = sorted(op.table_name for op in script.upgrade_ops.ops if type(op).__name__ == "CreateTableOp")
    assert created == sorted(metadata.tables)
