"""Benchmark fixtures: a workload on the bundled sample and one on a generated database.

Excluded from the default run by the ``benchmark`` marker. Run with::

    .venv/bin/python -m pytest tests/benchmarks -m benchmark --benchmark-json=bench.json

Environment: ``TAUTULLI_BENCH_SESSIONS`` (history rows of the generated database, default 20000),
``TAUTULLI_BENCH_SEED`` (default 42), ``TAUTULLI_BENCH_DB`` (time this file instead of generating one),
``TAUTULLI_BENCH_ROUNDS`` (timed rounds per benchmark, default 5).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from plexpy.commands.bench import Workload
from plexpy.generate import generate

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample" / "tautulli.db"
SESSIONS = int(os.environ.get("TAUTULLI_BENCH_SESSIONS", "20000"))
SEED = int(os.environ.get("TAUTULLI_BENCH_SEED", "42"))
EXISTING = os.environ.get("TAUTULLI_BENCH_DB")
ROUNDS = int(os.environ.get("TAUTULLI_BENCH_ROUNDS", "5"))
#: Shadow is timed at full sampling and at 10 % and 1 %.
SHADOW_RATES = (1.0, 0.1, 0.01)


@pytest.fixture(scope="session")
def generated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database the second workload times: ``TAUTULLI_BENCH_DB`` or a freshly generated one."""
    if EXISTING:
        return Path(EXISTING)
    path = tmp_path_factory.mktemp("bench") / f"generated-{SESSIONS}-seed{SEED}.db"
    generate(path, sessions=SESSIONS, seed=SEED)
    return path


@pytest.fixture(scope="session", params=["sample", "generated"])
def workload(request: pytest.FixtureRequest) -> Iterator[Workload]:
    """Runtimes of every path (shadow at each rate) on a private copy of one database."""
    db = SAMPLE if request.param == "sample" else request.getfixturevalue("generated_db")
    label = "sample" if request.param == "sample" else (Path(EXISTING).name if EXISTING else f"generated-{SESSIONS}")
    with Workload(db, shadow_rates=SHADOW_RATES, label=label) as work:
        yield work


@pytest.fixture(scope="session")
def bench_rounds() -> int:
    """Timed rounds per benchmark."""
    return ROUNDS
