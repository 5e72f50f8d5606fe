"""Fixtures of the migration tests: pytest-alembic's config and engine, corpus copies."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pytest_alembic.config import Config

from plexpy.commands.migrate import ALEMBIC_DIR

# The tests import their corpus helpers as ``migration_corpus``; keep that working whatever
# pytest's import mode (this folder has no __init__.py, see STYLE: no test folder named alembic).
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def alembic_config() -> Config:
    """The project's revisions. None can be undone (Tautulli has no downgrade), so none is tried."""
    from plexpy.commands.migrate import _head

    return Config(
        config_options={"script_location": str(ALEMBIC_DIR)},
        minimum_downgrade_revision=_head(),
    )


@pytest.fixture
def alembic_engine(tmp_path: Path) -> Iterator[sa.Engine]:
    """An empty SQLite file."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'alembic.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def copy_of(tmp_path: Path):
    """Copy a corpus file into the test's folder as ``tautulli.db`` (corpus files are never opened for writing)."""

    def copy(source: Path, name: str = "tautulli.db") -> Path:
        target = tmp_path / name
        shutil.copyfile(source, target)
        return target

    return copy
