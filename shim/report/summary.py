"""Aggregate parity events (and external checks, such as the oracle) per domain and per operation.

Works on the events' JSON form, so a summary can be rebuilt from ``events.jsonl`` alone. Percentiles are
nearest-rank over the recorded durations (a deterministic reservoir keeps memory bounded).
"""

from __future__ import annotations

import bisect
import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shim.compare import TOLERANCES
from shim.observation import Outcome

__all__ = ["COUNTERS", "HISTOGRAM_EDGES_MS", "SummaryCollector", "histogram", "percentile", "verdict"]

#: Counter name per outcome (``calls`` counts every event).
_COUNTER_OF: dict[str, str] = {
    Outcome.MATCH.value: "matches",
    Outcome.MISMATCH.value: "mismatches",
    Outcome.WRONG_TYPE.value: "wrong_type",
    Outcome.CANDIDATE_ERROR.value: "candidate_errors",
    Outcome.TIMED_OUT.value: "timeouts",
    Outcome.SHED.value: "shed",
    Outcome.SKIPPED.value: "skipped",
    Outcome.RACED.value: "raced",
    Outcome.SHIM_ERROR.value: "shim_errors",
}
COUNTERS = ("calls", "compared", *_COUNTER_OF.values())
_SAMPLED = {Outcome.MISMATCH.value, Outcome.WRONG_TYPE.value, Outcome.CANDIDATE_ERROR.value,
            Outcome.TIMED_OUT.value, Outcome.SHIM_ERROR.value, Outcome.RACED.value}
_COMPARED = {o.value for o in Outcome if o.compared}
MAX_SAMPLES = 5
MAX_DURATIONS = 20_000
#: Upper edges (ms) of the latency histogram's bins; the last bin holds everything slower.
HISTOGRAM_EDGES_MS: tuple[float, ...] = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
_RECHECK = "recheck: "


def histogram(values: Iterable[float]) -> list[int]:
    """Counts of ``values`` per bin of :data:`HISTOGRAM_EDGES_MS` (one more bin than edges)."""
    counts = [0] * (len(HISTOGRAM_EDGES_MS) + 1)
    for value in values:
        counts[bisect.bisect_left(HISTOGRAM_EDGES_MS, value)] += 1
    return counts


def percentile(values: Iterable[float], q: float) -> float | None:
    """Nearest-rank percentile ``q`` (0..1) of ``values``; None when empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def verdict(counts: Mapping[str, int], checks: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The verdict on a group of calls: ``fail``, ``warn``, ``no-data`` or ``pass``.

    ``fail``: a mismatch, wrong type, candidate or shim error, or a failed check; ``warn``: timeouts, shed
    or raced calls; ``no-data``: nothing compared or checked.
    """
    failed_checks = sum(int(c.get("failed", 0)) for c in (checks or {}).values())
    checked = sum(int(c.get("passed", 0)) + int(c.get("failed", 0)) for c in (checks or {}).values())
    if any(counts.get(k, 0) for k in ("mismatches", "wrong_type", "candidate_errors", "shim_errors")) or failed_checks:
        return "fail"
    if any(counts.get(k, 0) for k in ("timeouts", "shed", "raced")):
        return "warn"
    if not counts.get("compared", 0) and not checked:
        return "no-data"
    return "pass"


@dataclass(slots=True)
class _Group:
    counts: Counter[str] = field(default_factory=Counter)
    durations: dict[str, list[float]] = field(default_factory=dict)
    seen: Counter[str] = field(default_factory=Counter)
    tolerances: Counter[str] = field(default_factory=Counter)
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    samples: list[dict[str, Any]] = field(default_factory=list)
    recheck: Counter[str] = field(default_factory=Counter)
    demotions: int = 0

    def time(self, path: str, ms: float, rng: random.Random) -> None:
        values = self.durations.setdefault(path, [])
        self.seen[path] += 1
        if len(values) < MAX_DURATIONS:
            values.append(ms)
            return
        slot = rng.randrange(self.seen[path])
        if slot < MAX_DURATIONS:
            values[slot] = ms

    def merge(self, other: _Group, rng: random.Random) -> None:
        self.counts.update(other.counts)
        self.tolerances.update(other.tolerances)
        self.recheck.update(other.recheck)
        self.demotions += other.demotions
        for path, values in other.durations.items():
            for ms in values:
                self.time(path, ms, rng)
        for name, check in other.checks.items():
            mine = self.checks.setdefault(name, {"passed": 0, "failed": 0, "samples": []})
            mine["passed"] += check["passed"]
            mine["failed"] += check["failed"]

    def as_dict(self, *, samples: bool) -> dict[str, Any]:
        counts = {name: int(self.counts.get(name, 0)) for name in COUNTERS}
        timings = {
            path: {"n": self.seen[path], "p50_ms": _round(percentile(values, 0.5)),
                   "p95_ms": _round(percentile(values, 0.95))}
            for path, values in sorted(self.durations.items())
        }
        checks = {name: {k: v for k, v in check.items() if samples or k != "samples"}
                  for name, check in sorted(self.checks.items())}
        data: dict[str, Any] = {**counts, "timings": timings, "tolerances": dict(sorted(self.tolerances.items())),
                                "checks": checks, "verdict": verdict(counts, checks),
                                "histogram": {path: histogram(v) for path, v in sorted(self.durations.items())},
                                "recheck": dict(sorted(self.recheck.items())), "demotions": self.demotions}
        if samples:
            data["samples"] = list(self.samples)
        return data


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


class SummaryCollector:
    """Counts, timings, tolerances and samples per ``(domain, operation)``."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str], _Group] = {}
        self._domains: list[str] = []
        self._demotions: list[dict[str, Any]] = []
        self._rng = random.Random(0)  # noqa: S311 - a deterministic reservoir, not security

    def declare(self, domains: Iterable[str]) -> None:
        """Make sure these domains get a row even without events."""
        for domain in domains:
            if domain not in self._domains:
                self._domains.append(domain)

    def _group(self, domain: str, operation: str) -> _Group:
        self.declare([domain])
        return self._groups.setdefault((domain, operation), _Group())

    def add(self, event: Mapping[str, Any]) -> None:
        """Count one event (its JSON form, as in ``events.jsonl``)."""
        name = str(event.get("event"))
        group = self._group(str(event.get("domain")), str(event.get("operation")))
        group.counts["calls"] += 1
        if name in _COUNTER_OF:
            group.counts[_COUNTER_OF[name]] += 1
        if name in _COMPARED:
            group.counts["compared"] += 1
        group.tolerances.update({str(k): int(v) for k, v in (event.get("tolerances") or {}).items()})
        reason = str(event.get("reason") or "")
        if reason.startswith(_RECHECK):
            group.recheck[reason.removeprefix(_RECHECK).split(" ", 1)[0]] += 1
        suffix = " (A/A)" if event.get("aa") else ""
        if event.get("answering_ms") is not None and event.get("answering"):
            group.time(str(event["answering"]), float(event["answering_ms"]), self._rng)
        if event.get("compared_ms") is not None and event.get("compared"):
            group.time(f"{event['compared']}{suffix}", float(event["compared_ms"]), self._rng)
        if name in _SAMPLED and len(group.samples) < MAX_SAMPLES:
            group.samples.append({k: event[k] for k in ("event", "seq", "arguments", "difference", "answering_error",
                                                        "compared_error", "reason", "context") if k in event})

    def add_check(self, domain: str, operation: str, check: str, passed: bool, *, detail: str | None = None,
                  ref: str | None = None) -> None:
        """Count the result of an external check of one call (e.g. ``oracle``: the answer vs a recording)."""
        group = self._group(domain, operation)
        entry = group.checks.setdefault(check, {"passed": 0, "failed": 0, "samples": []})
        entry["passed" if passed else "failed"] += 1
        if not passed and len(entry["samples"]) < MAX_SAMPLES:
            entry["samples"].append({"ref": ref, "detail": detail})

    def add_demotion(self, demotion: Mapping[str, Any]) -> None:
        """Record an automatic demotion (``flags.demoted``) of a domain."""
        domain = str(demotion.get("domain"))
        self.declare([domain])
        self._demotions.append({k: v for k, v in demotion.items() if k != "event"})

    def add_line(self, line: Mapping[str, Any]) -> None:
        """Count one line of ``events.jsonl``: a parity event, an external check or a demotion."""
        name = str(line.get("event", ""))
        if name.startswith("check."):
            self.add_check(str(line.get("domain")), str(line.get("operation")), str(line.get("check")),
                           name == "check.passed", detail=line.get("detail"), ref=line.get("ref"))
        elif name == "flags.demoted":
            self.add_demotion(line)
        else:
            self.add(line)

    def summary(self, *, meta: Mapping[str, Any] | None = None,
                shim_errors: Mapping[str, int] | None = None) -> dict[str, Any]:
        """The whole summary: totals, one entry per domain with its operations, tolerances, shim errors."""
        domains = []
        total = _Group()
        for domain in self._domains:
            merged = _Group()
            operations = []
            for (d, operation), group in sorted(self._groups.items()):
                if d != domain:
                    continue
                merged.merge(group, self._rng)
                operations.append({"operation": operation, **group.as_dict(samples=True)})
            merged.demotions = sum(1 for d in self._demotions if d.get("domain") == domain)
            total.merge(merged, self._rng)
            domains.append({"domain": domain, **merged.as_dict(samples=False), "operations": operations})
        applied = total.tolerances
        totals = total.as_dict(samples=False)
        if shim_errors:
            totals["shim_errors"] += sum(shim_errors.values())
            totals["verdict"] = verdict(totals, totals["checks"])
        return {
            **dict(meta or {}),
            "tolerances": {name: {"description": t.description, "applied": int(applied.get(name, 0))}
                           for name, t in TOLERANCES.items()},
            "totals": totals,
            "domains": domains,
            "shim_errors": dict(shim_errors or {}),
            "demotions": list(self._demotions),
        }
