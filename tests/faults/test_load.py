"""Load: N threads of mixed reads and writes for a bounded time on one SQLite file in ``shadow`` mode.

Every write a thread was told succeeded must be in the file afterwards, no caller sees ``database is locked``
(or any other error), and the latency of each call is measured; the p50/p95/p99 are printed and written to
``load.json`` in the test's folder (never asserted: speed is measured, not tested). The default run loads for
``LOAD_SECONDS`` (6 s); the soak variant runs for ``TAUTULLI_SOAK_SECONDS`` (default 600)::

    TAUTULLI_SOAK_SECONDS=1800 .venv/bin/python -m pytest tests/faults/test_load.py -m soak -s
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from plexpy import bootstrap, config, context, runtime
from plexpy.libraries import Libraries
from plexpy.users import Users

THREADS = 8
LOAD_SECONDS = 6.0
NOW = 1768478400


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_load(db: Path, folder: Path, seconds: float, threads: int = THREADS) -> dict[str, Any]:
    """Run the mixed load; return the figures (also written to ``folder / 'load.json'``)."""
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{db}", "data_dir": str(folder), "backends": {"default": "shadow"},
        "report_dir": str(folder / "reports"), "sample_rate": 1.0})
    rt = bootstrap.build(settings)
    errors: list[str] = []
    latencies: dict[str, list[float]] = {"read": [], "write": []}
    written: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(n: int) -> None:
        users, libraries = Users(), Libraries()
        reads = [users.get_user_names, users.get_users, libraries.get_sections,
                 lambda: users.get_datatables_user_login(user_id=900000 + n)]
        i = 0
        with context.call_context(now=NOW, tz="UTC"):
            while time.monotonic() < deadline:
                i += 1
                is_write = i % 3 == 0
                started = time.perf_counter()
                try:
                    if is_write:  # user_login is keyed by (second, user): each write gets its own second
                        with context.call_context(now=NOW + i, tz="UTC"):
                            users.set_user_login(user_id=900000 + n, user=f"load{n}", user_group="guest",
                                             ip_address="192.0.2.1", host=f"h{n}-{i}",
                                                 user_agent="load", success=1)
                    else:
                        reads[i % len(reads)]()
                except Exception as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    latencies["write" if is_write else "read"].append(elapsed)
                    if is_write:
                        written.append(n * 10_000_000 + i)

    with runtime.use(rt):
        pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    rt.close()
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT host FROM user_login WHERE user_agent = 'load'").fetchall()
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    hosts = {r[0] for r in rows}
    expected = {f"h{w // 10_000_000}-{w % 10_000_000}" for w in written}
    everything = latencies["read"] + latencies["write"]
    figures = {
        "threads": threads, "seconds": seconds, "mode": "shadow", "reads": len(latencies["read"]),
        "writes_attempted": len(written) + sum("set_user_login" in e for e in errors),
        "writes_acknowledged": len(written),
        "writes_present": len(expected & hosts), "rows_written": len(rows), "errors": len(errors),
        "locked_errors": sum("locked" in e for e in errors), "integrity": integrity,
        "p50_ms": round(statistics.median(everything) * 1000, 2) if everything else None,
        "p95_ms": round(_percentile(everything, 0.95) * 1000, 2),
        "p99_ms": round(_percentile(everything, 0.99) * 1000, 2),
        "p95_write_ms": round(_percentile(latencies["write"], 0.95) * 1000, 2),
        "p95_read_ms": round(_percentile(latencies["read"], 0.95) * 1000, 2),
        "first_errors": errors[:5],
    }
    (folder / "load.json").write_text(json.dumps(figures, indent=2), "utf-8")
    print(json.dumps(figures))
    return figures


def _check(figures: dict[str, Any]) -> None:
    assert figures["errors"] == 0, figures["first_errors"]
    assert figures["writes_acknowledged"] > 0 and figures["reads"] > 0
    assert figures["writes_present"] == figures["writes_acknowledged"]  # every acknowledged write is there
    assert figures["rows_written"] == figures["writes_acknowledged"]  # and none twice (shadow verifies, no re-apply)
    assert figures["integrity"] == "ok"


def test_mixed_load_in_shadow_loses_no_write(sample_db: Path, tmp_path: Path) -> None:
    _check(run_load(sample_db, tmp_path, LOAD_SECONDS))


@pytest.mark.soak
def test_soak_mixed_load_in_shadow(sample_db: Path, tmp_path: Path) -> None:
    seconds = float(os.environ.get("TAUTULLI_SOAK_SECONDS", "600"))
    _check(run_load(sample_db, tmp_path, seconds, threads=int(os.environ.get("TAUTULLI_SOAK_THREADS", THREADS))))
