"""A small generated database with the performance indexes, made awkward on purpose, and both paths on it."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from plexpy.commands.bench import Workload
from plexpy.generate import generate

sys.path.insert(0, str(Path(__file__).resolve().parent))

#: A zone with daylight saving time: day buckets are 23 or 25 hours long twice a year.
ZONE = "America/New_York"
SESSIONS = 5000

# Awkward rows the generator never writes: plays whose segments differ in the searched columns (the grouped
# row shows the picked segment's), plays newest-started at the same second (ties), a play with no start.
_AWKWARD = (
    """UPDATE session_history SET player = 'Other Player', platform = 'Chrome', ip_address = '10.9.9.9'
       WHERE id IN (SELECT MAX(id) FROM session_history GROUP BY reference_id HAVING COUNT(*) > 1
                    ORDER BY reference_id LIMIT 60)""",
    """UPDATE session_history SET player = 'Other Player'
       WHERE id IN (SELECT MIN(id) FROM session_history GROUP BY reference_id HAVING COUNT(*) > 1
                    ORDER BY reference_id DESC LIMIT 60)""",
    """UPDATE session_history SET started = (SELECT MAX(started) FROM session_history)
       WHERE id IN (SELECT MAX(id) FROM session_history GROUP BY reference_id ORDER BY MAX(started) DESC LIMIT 4)""",
    """UPDATE session_history SET started = 1760000000
       WHERE id IN (SELECT id FROM session_history ORDER BY id LIMIT 30 OFFSET 2000)""",
    "UPDATE session_history SET started = NULL WHERE id = 17",
    "UPDATE session_history SET view_offset = NULL WHERE id % 97 = 0",
)


@pytest.fixture(scope="session")
def perf_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 5,000-row generated database (seed 11, New York) with the performance indexes and awkward rows."""
    path = tmp_path_factory.mktemp("perf") / "generated.db"
    generate(path, sessions=SESSIONS, seed=11, tz=ZONE, with_indexes=True)
    with sqlite3.connect(path) as conn:
        for sql in _AWKWARD:
            conn.execute(sql)
    return path


@pytest.fixture(scope="session")
def both_paths(perf_db: Path) -> Iterator[Workload]:
    """Legacy and SQLAlchemy runtimes on one copy of ``perf_db`` (the generator's clock, New York)."""
    with Workload(perf_db, paths=("legacy", "sqlalchemy"), tz=ZONE) as work:
        yield work
