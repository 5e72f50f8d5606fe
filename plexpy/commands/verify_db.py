"""``verify --db PATH``: prove both paths on a user's own Tautulli database, without ever writing it.

1. **Snapshot.** The database is copied with SQLite's online backup API from a read-only connection
   (:func:`plexpy.db.sqlite_files.snapshot`) into a scratch folder: the original's bytes and mtime never
   change, and committed pages still in its ``-wal`` file are in the copy, even while Tautulli runs.
2. **Discover** users, sections, rating keys, history rows and range, sessions and the other ids
   (:func:`plexpy.commands.workload.discover`).
3. **Workload.** Every read operation of every domain, as Tautulli calls it (the bundled sample's recorded
   calls are the shapes), with arguments redrawn from what was discovered
   (:func:`plexpy.commands.workload.build_workload`).
4. **Drive** it through every domain in ``shadow`` at 100 % sampling on the snapshot: the legacy path
   answers, the SQLAlchemy path is compared, every call lands in a parity report run under the report folder.

5. **Writes** (only with ``writes``, off by default): the recorded write script (the bundled
   ``writes.jsonl``: every write operation Tautulli makes, in order) runs in ``shadow`` on a second copy of
   the snapshot, each write verified by applying both twins and comparing their changes (write
   verification). Its ids and arguments are the sample's, so some steps act on rows this database does not
   have: both paths must then agree on doing nothing. The original database is never written.

There is no oracle here (nobody recorded what Tautulli returned on this database): the verdict is parity.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from plexpy import bootstrap, config, runtime
from plexpy.commands.replay import load_records, record_context, resolve_target
from plexpy.commands.replay_writes import replay_writes
from plexpy.commands.workload import Discovery, build_workload, discover
from plexpy.db import sqlite_files
from plexpy.db.errors import TautulliDBError

__all__ = ["OwnDomain", "OwnVerifyResult", "verify_own_db"]

log = structlog.get_logger(__name__)

#: Called after each call of the workload: (calls done, calls in all, domain of the call).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class OwnDomain:
    """One domain's line of the summary: how its calls compared."""

    domain: str
    calls: int
    compared: int = 0
    matches: int = 0
    mismatches: int = 0
    errors: int = 0
    timeouts: int = 0
    p50_legacy_ms: float | None = None
    p50_sqlalchemy_ms: float | None = None
    verdict: str = "no-data"

    @property
    def ok(self) -> bool:
        """Every call compared and matched."""
        return self.calls > 0 and self.matches == self.compared >= self.calls


@dataclass(frozen=True, slots=True)
class OwnVerifyResult:
    """The run on one database: per-domain figures, what was found, where the report is."""

    database: Path
    domains: tuple[OwnDomain, ...]
    discovery: Discovery
    report_dir: Path | None
    original_unchanged: bool
    writes: tuple[OwnDomain, ...] = ()
    writes_report_dir: Path | None = None

    @property
    def ok(self) -> bool:
        """Every domain was exercised, every comparison (reads, and writes when run) matched."""
        return bool(self.domains) and all(d.ok for d in (*self.domains, *self.writes))

    @property
    def report_html(self) -> Path | None:
        """The HTML report."""
        return None if self.report_dir is None else Path(self.report_dir) / "report.html"


def _fingerprint(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def verify_own_db(
    settings: config.Settings,
    db: Path,
    *,
    templates: Path,
    domains: Sequence[str] | None = None,
    per_operation: int = 8,
    seed: int = 0,
    off_thread: bool | None = None,
    report_dir: Path | None = None,
    progress: Progress | None = None,
    writes: Path | None = None,
) -> OwnVerifyResult:
    """Snapshot ``db``, discover it, and drive the generic read workload through every domain in shadow mode.

    Args:
        settings: the operator's settings (report folder, candidate timeout, pool, time zone).
        db: the user's Tautulli database (only ever opened read-only).
        templates: recorded read calls giving the shape of every operation (the bundled ``calls.jsonl``).
        domains: only these domains (default: every domain with both twins).
        per_operation: calls per read operation.
        seed: the workload's random draws.
        off_thread: compare off the caller's thread (default: the setting).
        report_dir: where the report run goes (default: the setting).
        progress: called after each call (and each write step).
        writes: a recorded write script (the bundled ``writes.jsonl``) to run in shadow on a copy of the
            snapshot after the reads; None (the default) runs no write.

    Raises:
        TautulliDBError: ``db`` is missing or is not a SQLite database.
    """
    db = Path(db).expanduser()
    if not db.is_file():
        raise TautulliDBError(f"verify --db: no database file at {db}", op="verify")
    before = _fingerprint(db)
    implemented = [d for d in bootstrap.implemented_domains() if domains is None or d in domains]
    shim = settings.shim
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tautulli-db-verify-")))
        copy = sqlite_files.snapshot(db, workdir / "tautulli.db")
        found = discover(copy, seed=seed)
        records = build_workload(found, load_records(templates), per_operation=per_operation, seed=seed,
                                 tz=settings.db.timezone, domains=implemented)
        run_settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{copy}", "data_dir": str(workdir), "timezone": settings.db.timezone,
            "backends": {"default": "shadow"}, "sample_rate": 1.0, "candidate_timeout": shim.candidate_timeout,
            "pool_size": shim.pool_size, "queue_size": max(shim.queue_size, len(records)),
            "off_thread": shim.off_thread if off_thread is None else off_thread,
            "report_dir": str(report_dir or shim.report_dir), "recheck": shim.recheck, "demote_failures": 0,
        })
        meta = {"database": f"a snapshot of {db.name}", "calls": len(records), "workload": "generic reads",
                "per operation": per_operation, "seed": seed}
        router = bootstrap.build_router(run_settings, always_report=True, report_meta=meta,
                                        report_title=f"Parity report: tautulli-db verify --db {db.name}")
        with ExitStack() as run:  # the read runtime is closed before the writes open their own copy
            rt = bootstrap.build(run_settings, router=router)
            run.callback(rt.close)
            run.enter_context(runtime.use(rt))
            router.declare(implemented)
            _drive(records, workdir, progress)
            report = router.finish()
        written = _writes(writes, copy, report_dir or shim.report_dir, progress) if writes is not None else None
    summary = _summary(report)
    by_domain = {d["domain"]: d for d in summary.get("domains", [])}
    counts = {d: sum(1 for r in records if r["domain"] == d) for d in implemented}
    rows = tuple(_row(d, counts[d], by_domain.get(d)) for d in implemented)
    unchanged = _fingerprint(db) == before
    if not unchanged:  # pragma: no cover - would be a bug: the original is only opened read-only
        log.error("verify.original_changed", database=db.name)
    write_rows: tuple[OwnDomain, ...] = ()
    if written is not None:  # a write step may route more than one call: count the routed calls
        write_rows = tuple(_row(d["domain"], int(d.get("calls", 0)), d)
                           for d in (written.parity or {}).get("domains", []))
    return OwnVerifyResult(database=db, domains=rows, discovery=found, report_dir=report,
                           original_unchanged=unchanged, writes=write_rows,
                           writes_report_dir=written.report_dir if written is not None else None)


def _writes(script: Path, snapshot: Path, report_dir: Path, progress: Progress | None) -> Any:
    """The write script in shadow on a copy of the snapshot (``replay_writes`` copies it again)."""
    steps = len(load_records(script))
    done = 0

    def step_done(_result: Any) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, steps, "writes")

    return replay_writes(script, snapshot, mode="shadow", report_dir=report_dir, progress=step_done)


def _drive(records: Sequence[Mapping[str, Any]], workdir: Path, progress: Progress | None) -> None:
    """Call every record's target in its context; the answering path's own errors are the caller's, not ours."""
    for done, record in enumerate(records, start=1):
        func = resolve_target(str(record["target"]))
        with record_context(record, workdir), structlog.contextvars.bound_contextvars(record=record["id"]):
            try:
                func(**dict(record.get("kwargs") or {}))
            except Exception as exc:  # the answer may be an error: the router compared it, the caller gets it
                log.debug("verify.call_raised", record=record["id"], error=type(exc).__name__)
        if progress is not None:
            progress(done, len(records), str(record["domain"]))


def _summary(report: Path | None) -> dict[str, Any]:
    if report is None or not (Path(report) / "summary.json").exists():
        return {}
    return dict(json.loads((Path(report) / "summary.json").read_text(encoding="utf-8")))


def _row(domain: str, calls: int, entry: Mapping[str, Any] | None) -> OwnDomain:
    entry = entry or {}
    timings = entry.get("timings", {})
    return OwnDomain(
        domain=domain, calls=calls, compared=int(entry.get("compared", 0)), matches=int(entry.get("matches", 0)),
        mismatches=int(entry.get("mismatches", 0)) + int(entry.get("wrong_type", 0)),
        errors=int(entry.get("candidate_errors", 0)) + int(entry.get("shim_errors", 0)),
        timeouts=int(entry.get("timeouts", 0)),
        p50_legacy_ms=timings.get("legacy", {}).get("p50_ms"),
        p50_sqlalchemy_ms=timings.get("sqlalchemy", {}).get("p50_ms"),
        verdict=str(entry.get("verdict", "no-data")),
    )

