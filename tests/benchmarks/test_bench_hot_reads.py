"""The hot reads on every path: the top three history queries, the home-stats page, the plays-per-day graph.

Each benchmark is one call through the facade; ``shadow`` columns are caller-visible time (the compared path
runs on the shim's pool and is drained, untimed, before the next round). Benchmarks of one scenario on one
database share a group, so pytest-benchmark's table compares the paths side by side.
"""

from __future__ import annotations

import pytest

from plexpy.commands.bench import PATHS, Workload, path_key

pytestmark = pytest.mark.benchmark

SCENARIOS = ("history_page", "history_user", "history_search", "home_stats", "plays_per_day")
KEYS = [path_key(p) for p in PATHS] + ["shadow@10%", "shadow@1%"]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("name", SCENARIOS)
def test_hot_read(benchmark, workload: Workload, bench_rounds: int, name: str, key: str) -> None:
    scenario = workload.scenario(name)
    benchmark.group = f"{workload.label}: {name}"
    benchmark.extra_info.update({"database": workload.label, "history_rows": workload.facts.history_rows,
                                 "path": key, "history_indexes": list(workload.facts.history_indexes)})

    def fresh() -> tuple[tuple[object, ...], dict[str, object]]:
        workload.settle()  # the previous round's shadow comparison is not this round's cost
        return (scenario, key), {}

    result = benchmark.pedantic(workload.invoke, setup=fresh, rounds=bench_rounds, warmup_rounds=1)
    workload.settle()
    assert result is not None
