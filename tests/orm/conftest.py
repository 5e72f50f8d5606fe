"""ORM fixtures: engines on a temporary file database (a copy of the sample, or a fresh one) and a statement counter."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from plexpy.db.engine import build_engine
from plexpy.db.fresh import seed_fresh
from plexpy.db.schema import metadata


@pytest.fixture
def engine(sample_db: Path) -> Iterator[Engine]:
    """An engine on a private file copy of the bundled sample."""
    built = build_engine(f"sqlite:///{sample_db}")
    yield built
    built.dispose()


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new file database holding what a fresh Tautulli install holds."""
    built = build_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    metadata.create_all(built)
    with built.begin() as conn:
        seed_fresh(conn)
    yield built
    built.dispose()


@pytest.fixture
def raw(sample_db: Path) -> Callable[..., list[tuple[Any, ...]]]:
    """``raw(sql, *args)``: rows read with plain sqlite3 (an independent look at the file)."""

    def run(sql: str, *args: Any) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(sample_db)
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    return run


class StatementCounter:
    """The SQL statements an engine ran while counting."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        """Forget what was counted so far."""
        self.statements.clear()


@pytest.fixture
def count_statements(engine: Engine) -> Iterator[StatementCounter]:
    """Count the statements ``engine`` executes (``before_cursor_execute``; BEGIN goes straight to the driver)."""
    counter = StatementCounter()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield counter
    event.remove(engine, "before_cursor_execute", record)
