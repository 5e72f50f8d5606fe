"""Per-call time of the recorded calls: legacy, SQLAlchemy with its statement caches, and without them.

Every recorded call of the sample runs on three paths, in a seeded shuffled order per call, ``--passes``
times; each call's time is its best pass ("warm", as ``tautulli-db bench calls``) or its first ("cold").
The table gives, per domain and overall, the median and the mean per call and their ratios to legacy, all
from the same run. "uncached" turns ``plexpy.db.stmt_cache`` off (``set_enabled(False)``): each call builds
its statements anew, as before the caches; everything else is the same code.

    .venv/bin/python tools/bench_stmt_cache.py --passes 3 --json /tmp/stmt-cache.json
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from plexpy.commands.bench import backend_runtime, time_records
from plexpy.commands.replay import load_records
from plexpy.db import stmt_cache
from plexpy.domains import DOMAINS

SAMPLE = Path(__file__).resolve().parents[1] / "plexpy" / "sample"
PATHS = ("legacy", "sqlalchemy", "uncached")


def measure(calls: Path, db: Path, passes: int, seed: int = 0) -> dict[str, Any]:
    """Time every record on every path; per-domain medians and means (ms) with ratios to legacy."""
    records = load_records(calls)
    times: dict[str, dict[str, list[float]]] = defaultdict(lambda: {p: [] for p in PATHS})
    rng = random.Random(seed)  # noqa: S311 - run order, not security
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stmt-cache-bench-")))
        legacy = stack.enter_context(backend_runtime(db, workdir, "legacy"))
        sqla = stack.enter_context(backend_runtime(db, workdir, "sqlalchemy"))
        runtimes = {"legacy": legacy, "sqlalchemy": sqla, "uncached": sqla}
        for _ in range(max(1, passes)):
            for record in records:
                order = list(PATHS)
                rng.shuffle(order)
                for path in order:
                    previous = stmt_cache.set_enabled(path != "uncached")
                    try:
                        times[str(record["id"])][path].append(time_records(runtimes[path], [record], workdir))
                    finally:
                        stmt_cache.set_enabled(previous)
    by_domain: dict[str, list[str]] = defaultdict(list)
    for record in records:
        by_domain[str(record.get("domain"))].append(str(record["id"]))
    by_domain["all"] = [str(r["id"]) for r in records]
    rows = []
    for domain in [*(d for d in DOMAINS if d in by_domain), "all"]:
        ids = by_domain[domain]
        for label, pick in (("warm", min), ("cold", lambda v: v[0])):
            row: dict[str, Any] = {"domain": domain, "calls": len(ids), "pick": label}
            for path in PATHS:
                values = [pick(times[i][path]) * 1000 for i in ids]
                row[f"{path} median"] = statistics.median(values)
                row[f"{path} mean"] = statistics.mean(values)
            for path in PATHS[1:]:
                for stat in ("median", "mean"):
                    row[f"{path} {stat} ratio"] = row[f"{path} {stat}"] / row[f"legacy {stat}"]
            rows.append(row)
    return {"passes": passes, "rows": rows}


def main() -> None:
    """Run the measurement and print the warm table (ratios to legacy)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=Path, default=SAMPLE / "calls.jsonl")
    parser.add_argument("--db", type=Path, default=SAMPLE / "tautulli.db")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    result = measure(args.calls, args.db, args.passes)
    print(f"{'domain':15} {'calls':>5} | median ms: legacy  sqla  uncached (ratios) | mean ms: legacy  sqla  uncached")
    for row in result["rows"]:
        if row["pick"] != "warm":
            continue
        print(f"{row['domain']:15} {row['calls']:5} | {row['legacy median']:6.3f} {row['sqlalchemy median']:6.3f} "
              f"{row['uncached median']:6.3f} ({row['sqlalchemy median ratio']:.2f} / "
              f"{row['uncached median ratio']:.2f}) | {row['legacy mean']:7.3f} {row['sqlalchemy mean']:7.3f} "
              f"{row['uncached mean']:7.3f} ({row['sqlalchemy mean ratio']:.2f} / {row['uncached mean ratio']:.2f})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
