"""Measure the dual-write outbox: the sample write script fills it, then one drain applies it (issue 9 figures).

Usage::

    .venv/bin/python tools/bench_outbox_drain.py [--mode shadow|legacy] [--url postgresql+psycopg://…]

Without ``--url`` a throwaway server is started (``plexpy.db.pgserver``) and removed at the end. The sample
database is copied to a temporary folder and to PostgreSQL; the write script runs with the drainer stopped (so
every entry waits in the outbox), then ``DualWriter.drain`` applies them in order with the read-back. Prints
the entries, the seconds and entries/s, with and without the resync entries (whole tables rewritten by
``reconcile --repair``), then reconciles both stores (0 differences expected).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from plexpy import bootstrap, config, runtime
from plexpy.commands.copy import copy
from plexpy.commands.reconcile import reconcile
from plexpy.commands.replay import load_records
from plexpy.commands.replay_writes import _replay_step
from plexpy.db import pgserver
from plexpy.db.dual_write import DualWriteRouter, DualWriteVerifier, open_writer

SAMPLE = Path(__file__).resolve().parents[1] / "plexpy" / "sample"


def main() -> int:
    """Run the measurement; exit 0 when both stores reconcile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="shadow", choices=["shadow", "legacy", "reverse-shadow", "sqlalchemy"])
    parser.add_argument("--url", default=None, help="an empty PostgreSQL database (default: a throwaway server)")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.url
        if url is None:
            server = stack.enter_context(pgserver.running())
            url = server.create_database("outbox_bench")
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="outbox-bench-")))
        db = work / "tautulli.db"
        shutil.copy2(SAMPLE / "tautulli.db", db)
        copy(f"sqlite:///{db}", url)
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{db}", "data_dir": str(work), "timezone": "UTC",
            "backends": {"default": args.mode}, "report_dir": str(work / "reports"),
        })
        rt = bootstrap.build(settings)
        writer = open_writer(db, sa.make_url(url))  # no drainer thread: every entry waits
        verifier = DualWriteVerifier(rt.router.write_verifier, writer)
        rt.router.write_verifier = verifier
        rt.router = DualWriteRouter(rt.router, verifier)
        with runtime.use(rt):
            for step in load_records(SAMPLE / "writes.jsonl"):
                _replay_step(step, work, SAMPLE)
        entries = writer.outbox.pending(100_000)
        resyncs = [e.seq for e in entries if e.payload.get("resync")]
        resync_seconds = 0.0
        original = writer.store.apply

        def timed(entry, **kwargs):
            started = time.perf_counter()
            try:
                return original(entry, **kwargs)
            finally:
                if entry.seq in resyncs:
                    nonlocal resync_seconds
                    resync_seconds += time.perf_counter() - started

        writer.store.apply = timed  # type: ignore[method-assign]
        result = writer.drain()
        rt.close()
        writer.close()
        others = result.applied - len(resyncs)
        rest = result.seconds - resync_seconds
        print(f"{result.applied} entries ({len(resyncs)} resync) drained in {result.seconds:.2f} s: "
              f"{result.per_second:.1f} entries/s; change-set entries alone {others} in {rest:.2f} s: "
              f"{others / rest if rest else 0:.1f} entries/s; read-back mismatches {result.mismatches}")
        check = reconcile(f"sqlite:///{db}", url)
        print(f"reconcile: {check.differences} differences, {len(check.sequences)} counter differences")
        return 0 if check.equal and result.mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
