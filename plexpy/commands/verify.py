"""``verify``: replay the bundled oracle sample in ``shadow`` mode and judge both parity and the oracle.

Every recorded call of every domain whose two twins exist runs through the shim's router at 100 % sampling:
the legacy path answers (and is judged against what Tautulli v2.17.2 returned), the SQLAlchemy path is
compared with it. Domains without twins are listed as not implemented, never as failures.

A user's own database (``verify --db``) has no recorded answers: :func:`verify_own_db` (in ``verify_db``)
drives a generic read workload through a snapshot of it and judges parity only.

Also here: :func:`measure_overhead`, the figures of what shadowing costs the caller (not a timed test).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plexpy import bootstrap, config
from plexpy.commands.replay import ReplayResult, load_records, replay_calls
from plexpy.commands.verify_db import OwnVerifyResult, verify_own_db
from plexpy.domains import DOMAINS

__all__ = [
    "DomainFigures", "Overhead", "OwnVerifyResult", "VerifyResult", "measure_overhead", "verify", "verify_own_db",
]


@dataclass(frozen=True, slots=True)
class DomainFigures:
    """One domain's line of the verify summary."""

    domain: str
    implemented: bool
    records: int = 0
    compared: int = 0
    parity_matches: int = 0
    oracle_matches: int = 0
    mismatches: int = 0
    candidate_errors: int = 0
    timeouts: int = 0
    p50_legacy_ms: float | None = None
    p50_sqlalchemy_ms: float | None = None
    verdict: str = "not implemented"

    @property
    def ok(self) -> bool:
        """Every record matched the oracle and every call was a parity match (vacuously true if not implemented)."""
        if not self.implemented:
            return True
        return self.oracle_matches == self.records and self.parity_matches == self.compared >= self.records


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The verify run: per-domain figures and where the report is."""

    domains: tuple[DomainFigures, ...]
    report_dir: Path | None
    replay: ReplayResult

    @property
    def ok(self) -> bool:
        """No parity mismatch and no oracle failure among implemented domains."""
        return all(d.ok for d in self.domains)

    @property
    def report_html(self) -> Path | None:
        """The HTML report."""
        return None if self.report_dir is None else Path(self.report_dir) / "report.html"


def _figures(domain: str, entry: Mapping[str, Any] | None, records: int) -> DomainFigures:
    entry = entry or {}
    timings = entry.get("timings", {})
    oracle = entry.get("checks", {}).get("oracle", {})
    return DomainFigures(
        domain=domain, implemented=True, records=records, compared=int(entry.get("compared", 0)),
        parity_matches=int(entry.get("matches", 0)), oracle_matches=int(oracle.get("passed", 0)),
        mismatches=int(entry.get("mismatches", 0)) + int(entry.get("wrong_type", 0)),
        candidate_errors=int(entry.get("candidate_errors", 0)), timeouts=int(entry.get("timeouts", 0)),
        p50_legacy_ms=timings.get("legacy", {}).get("p50_ms"),
        p50_sqlalchemy_ms=timings.get("sqlalchemy", {}).get("p50_ms"),
        verdict=str(entry.get("verdict", "no-data")),
    )


def verify(
    settings: config.Settings | None,
    *,
    calls: Path,
    sample_db: Path,
    off_thread: bool | None = None,
    report_dir: Path | None = None,
    domains: Sequence[str] | None = None,
) -> VerifyResult:
    """Replay ``calls`` on a copy of ``sample_db`` in shadow mode at 100 % sampling and judge every call.

    Args:
        settings: the operator's settings (report folder, candidate timeout, pool); None means defaults.
        calls: the recorded calls (the bundled ``calls.jsonl``).
        sample_db: the database they were recorded on.
        off_thread: compare off the caller's thread (default: the setting).
        report_dir: where the report run goes (default: the setting).
        domains: only these domains (default: every domain with both twins).
    """
    shim = (settings or config.load(None, environ={})).shim
    implemented = [d for d in bootstrap.implemented_domains() if domains is None or d in domains]
    missing = [d for d in DOMAINS if d not in implemented and (domains is None or d in domains)]
    records = [r for r in load_records(calls) if r.get("domain") in implemented]
    replayed = replay_calls(
        calls, sample_db, mode="shadow", domains=implemented or None, records=records,
        shim={"sample_rate": 1.0, "candidate_timeout": shim.candidate_timeout, "pool_size": shim.pool_size,
              # every call must be compared: off-thread, the waiting room holds the whole replay (no shedding)
              "queue_size": max(shim.queue_size, len(records)),
              "off_thread": shim.off_thread if off_thread is None else off_thread,
              "report_dir": str(report_dir or shim.report_dir)},
        declare=implemented, not_implemented=missing, report_title="Parity report: tautulli-db verify",
    )
    by_domain = {d["domain"]: d for d in (replayed.parity or {}).get("domains", [])}
    counts = {d: sum(1 for r in records if r.get("domain") == d) for d in implemented}
    figures = [
        _figures(d, by_domain.get(d), counts[d]) if d in implemented else DomainFigures(domain=d, implemented=False)
        for d in DOMAINS if d in implemented or d in missing
    ]
    return VerifyResult(domains=tuple(figures), report_dir=replayed.report_dir, replay=replayed)


@dataclass(frozen=True, slots=True)
class Overhead:
    """What shadowing costs, measured in one run: caller latency and wall time per configuration."""

    records: int
    rounds: int
    caller_ms: Mapping[str, float]
    wall_ms: Mapping[str, float]

    def ratio(self, name: str, *, wall: bool = False) -> float:
        """``name``'s cost relative to ``legacy`` (1.0 = no overhead)."""
        figures = self.wall_ms if wall else self.caller_ms
        return figures[name] / figures["legacy"] if figures["legacy"] else float("nan")

    @property
    def shim_ms_per_call(self) -> float:
        """The router's own inline cost per call: shadow inline minus running both paths alone."""
        both = self.caller_ms["legacy"] + self.caller_ms["sqlalchemy"]
        return (self.caller_ms["shadow inline"] - both) / self.records if self.records else float("nan")


#: The configurations :func:`measure_overhead` compares: (name, mode, off-thread).
OVERHEAD_RUNS: tuple[tuple[str, str, bool], ...] = (
    ("legacy", "legacy", False),
    ("sqlalchemy", "sqlalchemy", False),
    ("shadow inline", "shadow", False),
    ("shadow off-thread", "shadow", True),
)


def measure_overhead(calls: Path, sample_db: Path, *, domains: Sequence[str] = ("users",),
                     rounds: int = 3) -> Overhead:
    """Measure shadowing's cost: the same records in each of :data:`OVERHEAD_RUNS`, 100 % sampling.

    Runs ``rounds`` interleaved rounds and returns the median caller time (sum of per-call latencies) and
    wall time of each configuration.
    """
    records = [r for r in load_records(calls) if r.get("domain") in domains]
    caller: dict[str, list[float]] = {name: [] for name, _, _ in OVERHEAD_RUNS}
    wall: dict[str, list[float]] = {name: [] for name, _, _ in OVERHEAD_RUNS}
    with tempfile.TemporaryDirectory(prefix="tautulli-db-overhead-") as scratch:
        for _ in range(max(1, rounds)):
            for name, mode, threaded in OVERHEAD_RUNS:
                started = time.perf_counter()
                result = replay_calls(calls, sample_db, mode=mode, domains=list(domains), records=records,
                                      shim={"sample_rate": 1.0, "off_thread": threaded, "report_dir": scratch,
                                            "queue_size": len(records)})
                wall[name].append((time.perf_counter() - started) * 1000)
                caller[name].append(sum(r.seconds for r in result.results) * 1000)
    return Overhead(records=len(records), rounds=max(1, rounds),
                    caller_ms={k: statistics.median(v) for k, v in caller.items()},
                    wall_ms={k: statistics.median(v) for k, v in wall.items()})
