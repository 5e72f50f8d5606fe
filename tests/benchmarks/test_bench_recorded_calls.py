"""Per-call overhead on everyday reads: one pass over a domain's recorded calls, on each path.

The recorded calls of the bundled sample (``plexpy/sample/calls.jsonl``) are small reads; this is where the
SQLAlchemy path's fixed cost per call (statement building, compiled-cache lookup, connection and transaction)
shows. Results are not judged here: ``tautulli-db replay calls`` and ``tests/oracle`` do that.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plexpy.commands.bench import time_records
from plexpy.commands.replay import load_records

pytestmark = pytest.mark.benchmark

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
RECORDS = load_records(SAMPLE / "calls.jsonl")
DOMAINS = sorted({r["domain"] for r in RECORDS} - {"maintenance"})  # integrity_check reads the whole file


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    from plexpy.commands.bench import backend_runtime

    workdir = tmp_path_factory.mktemp("recorded")
    with backend_runtime(SAMPLE / "tautulli.db", workdir, "legacy") as legacy, \
            backend_runtime(SAMPLE / "tautulli.db", workdir, "sqlalchemy") as sqla:
        yield {"legacy": legacy, "sqlalchemy": sqla, "workdir": workdir}


@pytest.mark.parametrize("backend", ["legacy", "sqlalchemy"])
@pytest.mark.parametrize("domain", DOMAINS)
def test_recorded_calls(benchmark, backends: dict[str, object], bench_rounds: int, domain: str, backend: str) -> None:
    records = [r for r in RECORDS if r["domain"] == domain]
    benchmark.group = f"recorded calls: {domain} ({len(records)} calls per round)"
    benchmark.extra_info.update({"domain": domain, "path": backend, "calls": len(records)})
    seconds = benchmark.pedantic(time_records, args=(backends[backend], records, backends["workdir"]),
                                 rounds=bench_rounds, warmup_rounds=1)
    assert seconds > 0
