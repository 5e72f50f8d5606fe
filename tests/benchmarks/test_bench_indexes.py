"""Before and after revision 0016: the top three history queries on a generated database with and without the
performance indexes (same seed, same rows), on the legacy and the SQLAlchemy path.

One pytest-benchmark group per scenario, four columns: ``legacy``/``sqlalchemy`` × ``before``/``after``. The
issue's targets read from it: the default page on ``sqlalchemy after`` at least 10× faster than ``legacy
before``; each history query's ``sqlalchemy after`` at least 3× faster than ``sqlalchemy before``. Run::

    .venv/bin/python -m pytest tests/benchmarks/test_bench_indexes.py -m benchmark --benchmark-json=indexes.json

``TAUTULLI_BENCH_SESSIONS`` sets the size (default 20000); ``TAUTULLI_BENCH_DB`` names an existing file
*without* the indexes to time instead (its copy gets them; it must fit twice on the disk).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXISTING, SEED, SESSIONS

from plexpy.commands.bench import Workload
from plexpy.db.perf_indexes import PERF_INDEXES, create_sql, drop_sql
from plexpy.generate import generate

pytestmark = pytest.mark.benchmark

SCENARIOS = ("history_page", "history_user", "history_search")
PATHS = ("legacy", "sqlalchemy")


@pytest.fixture(scope="module")
def revision_pair(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same database without (``before``) and with (``after``) the performance indexes."""
    folder = tmp_path_factory.mktemp("indexes")
    before, after = folder / "before.db", folder / "after.db"
    if EXISTING:
        shutil.copy2(EXISTING, before)
    else:
        generate(before, sessions=SESSIONS, seed=SEED)
    with sqlite3.connect(before) as conn:
        for name, _table, _columns in PERF_INDEXES:
            conn.execute(drop_sql(name))
    shutil.copy2(before, after)
    with sqlite3.connect(after) as conn:
        for name, table, columns in PERF_INDEXES:
            conn.execute(create_sql(name, table, columns))
    return {"before": before, "after": after}


@pytest.fixture(scope="module", params=["before", "after"])
def revision_workload(request: pytest.FixtureRequest, revision_pair: dict[str, Path]) -> Iterator[Workload]:
    """Legacy and SQLAlchemy runtimes on one side of the pair (read in place)."""
    with Workload(revision_pair[request.param], paths=PATHS, copy=False, label=request.param) as work:
        yield work


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", SCENARIOS)
def test_history_before_after(benchmark, revision_workload: Workload, bench_rounds: int, name: str,
                              path: str) -> None:
    scenario = revision_workload.scenario(name)
    benchmark.group = f"revision 0016: {name}"
    benchmark.name = f"{path} {revision_workload.label}"
    benchmark.extra_info.update({"side": revision_workload.label, "path": path,
                                 "history_rows": revision_workload.facts.history_rows,
                                 "history_indexes": list(revision_workload.facts.history_indexes)})
    answer = benchmark.pedantic(revision_workload.invoke, args=(scenario, path), rounds=bench_rounds,
                                warmup_rounds=1)
    assert answer == revision_workload.invoke(scenario, "legacy")  # the indexes change speed, never answers
