"""The flip gate: a domain's parity evidence, the rules it must meet, and the verdict on one step.

Evidence is gathered from parity events (``events.jsonl`` of report runs). What counts for a step:

- only comparisons of the two paths (A/A events measure the noise floor and are shown apart);
- only those recorded in the domain's *current* mode (from ``legacy``: in either shadow mode), because each
  step is justified by watching the mode the domain is in;
- only runs started after the domain last changed mode (its entry in the flip history), so a fixed bug or a
  demotion starts the count again.

The rules (:class:`GateRules`, every one a setting): enough compared calls, enough distinct operations,
no unexplained mismatch, a low candidate failure rate, and no latency regression that is both relative
(× ``max_latency_ratio`` at p95) and absolute (more than ``latency_floor_ms`` slower at p95).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shim.flags import rank
from shim.modes import Mode

__all__ = ["NEW_PATH", "OLD_PATH", "Check", "Evidence", "GateRules", "GateVerdict", "collect", "evaluate",
           "evidence_modes", "plan"]

#: The path being adopted and the path being retired.
NEW_PATH = "sqlalchemy"
OLD_PATH = "legacy"

_MAX_DURATIONS = 20_000
_COMPARED = {"parity.match", "parity.mismatch", "candidate.wrong_type", "candidate.error", "parity.raced"}


@dataclass(frozen=True, slots=True)
class GateRules:
    """What a domain's evidence must show before it moves one step forward."""

    min_calls: int = 100
    min_operations: int = 5
    max_mismatches: int = 0
    max_error_rate: float = 0.001
    max_latency_ratio: float = 2.0
    latency_floor_ms: float = 50.0


def evidence_modes(current: Mode) -> tuple[str, ...]:
    """The modes whose comparisons justify the step out of ``current``."""
    if current is Mode.LEGACY:
        return (Mode.SHADOW.value, Mode.REVERSE_SHADOW.value)
    if current.compared is not None:
        return (current.value,)
    return ()


def plan(current: Mode, to: Mode | None) -> tuple[Mode, str]:
    """The target of a flip and its direction (``forward``, ``back`` or ``none``).

    Raises:
        ValueError: ``current`` is the last mode and no target was given.
    """
    if to is None:
        following = current.next()
        if following is None:
            raise ValueError(f"already in {current.value}, the last mode; use --to to move back")
        return following, "forward"
    if to is current:
        return to, "none"
    return to, "forward" if rank(to) > rank(current) else "back"


def _percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile, as the parity report computes it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


@dataclass(slots=True)
class Evidence:
    """What the parity events of one domain show (an accumulator: feed it events with :meth:`add`)."""

    domain: str
    modes: tuple[str, ...] = ()
    since: float | None = None
    runs: set[str] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)
    operations: set[str] = field(default_factory=set)
    durations: dict[str, list[float]] = field(default_factory=dict)
    aa: Counter[str] = field(default_factory=Counter)
    recheck: Counter[str] = field(default_factory=Counter)
    demotions: list[dict[str, Any]] = field(default_factory=list)
    _seen: Counter[str] = field(default_factory=Counter)
    _rng: random.Random = field(default_factory=lambda: random.Random(0))  # noqa: S311 - reservoir, not security

    def add(self, event: Mapping[str, Any], run: str = "") -> None:
        """Count one event (its JSON form) if it belongs to this domain and one of the counted modes."""
        if event.get("domain") != self.domain:
            return
        name = str(event.get("event", ""))
        if name == "flags.demoted":
            self.demotions.append({k: v for k, v in event.items() if k != "event"})
            return
        if event.get("mode") not in self.modes:
            return
        if event.get("aa"):
            self.aa["calls"] += name in _COMPARED
            self.aa["mismatches"] += name in ("parity.mismatch", "candidate.wrong_type")
            return
        self.runs.add(run)
        self.counts[name] += 1
        reason = str(event.get("reason") or "")
        if reason.startswith("recheck: "):
            self.recheck[reason.removeprefix("recheck: ").split(" ", 1)[0]] += 1
        if name in _COMPARED:
            self.operations.add(str(event.get("operation")))
        for side in ("answering", "compared"):
            path, ms = event.get(side), event.get(f"{side}_ms")
            if path and ms is not None and name in (*_COMPARED, "candidate.timed_out"):
                self._time(str(path), float(ms))

    def _time(self, path: str, ms: float) -> None:
        values = self.durations.setdefault(path, [])
        self._seen[path] += 1
        if len(values) < _MAX_DURATIONS:
            values.append(ms)
        else:
            slot = self._rng.randrange(self._seen[path])
            if slot < _MAX_DURATIONS:
                values[slot] = ms

    @property
    def compared(self) -> int:
        """Calls on which both paths answered and were judged."""
        return sum(self.counts[name] for name in _COMPARED)

    @property
    def matches(self) -> int:
        """Calls whose two answers were equal."""
        return self.counts["parity.match"]

    @property
    def mismatches(self) -> int:
        """Unexplained mismatches: different answers (or answer types) not labelled a race."""
        return self.counts["parity.mismatch"] + self.counts["candidate.wrong_type"]

    @property
    def raced(self) -> int:
        """Mismatches explained as races (a commit in between, or equal when both paths ran again)."""
        return self.counts["parity.raced"]

    @property
    def candidate_errors(self) -> int:
        """Calls whose compared path raised while the answering path did not."""
        return self.counts["candidate.error"]

    @property
    def timeouts(self) -> int:
        """Calls whose compared path ran out of time."""
        return self.counts["candidate.timed_out"]

    @property
    def error_rate(self) -> float:
        """(candidate errors + timeouts) / (compared + timeouts); 0 without calls."""
        attempts = self.compared + self.timeouts
        return (self.candidate_errors + self.timeouts) / attempts if attempts else 0.0

    def p(self, path: str, q: float) -> float | None:
        """Percentile ``q`` (0..1, nearest rank) of ``path``'s durations in ms."""
        return _percentile(self.durations.get(path, []), q)

    @property
    def latency_ratio(self) -> float | None:
        """p95 of the new path over p95 of the old one (None without timings of both)."""
        new, old = self.p(NEW_PATH, 0.95), self.p(OLD_PATH, 0.95)
        if new is None or old is None:
            return None
        return new / old if old > 0 else float("inf")

    def as_dict(self) -> dict[str, Any]:
        """The evidence as JSON (for ``flags --json`` and the flip history)."""
        return {
            "domain": self.domain, "modes": list(self.modes), "since": self.since, "runs": len(self.runs),
            "compared": self.compared, "matches": self.matches, "mismatches": self.mismatches, "raced": self.raced,
            "candidate_errors": self.candidate_errors, "timeouts": self.timeouts,
            "error_rate": round(self.error_rate, 6), "operations": sorted(self.operations),
            "p50_ms": {p: self.p(p, 0.5) for p in sorted(self.durations)},
            "p95_ms": {p: self.p(p, 0.95) for p in sorted(self.durations)},
            "latency_ratio": None if self.latency_ratio is None else round(self.latency_ratio, 3),
            "aa": dict(self.aa), "recheck": dict(self.recheck), "demotions": len(self.demotions),
        }


def collect(domain: str, events: Iterable[tuple[str, Mapping[str, Any]]], *, modes: tuple[str, ...],
            since: float | None = None) -> Evidence:
    """Evidence of ``domain`` from ``(run id, event)`` pairs (the caller filters runs by start time)."""
    evidence = Evidence(domain=domain, modes=modes, since=since)
    for run, event in events:
        evidence.add(event, run)
    return evidence


@dataclass(frozen=True, slots=True)
class Check:
    """One rule of the gate: whether it holds, and what was measured against what was required."""

    name: str
    passed: bool
    detail: str


@dataclass(frozen=True, slots=True)
class GateVerdict:
    """The gate's answer for one step of one domain."""

    domain: str
    current: Mode
    target: Mode
    checks: tuple[Check, ...]
    evidence: Evidence

    @property
    def passed(self) -> bool:
        """True when every rule holds."""
        return all(c.passed for c in self.checks)

    @property
    def missing(self) -> list[str]:
        """What is missing, one sentence per failed rule."""
        return [c.detail for c in self.checks if not c.passed]

    def as_dict(self) -> dict[str, Any]:
        """The verdict as JSON."""
        return {"domain": self.domain, "from": self.current.value, "to": self.target.value, "passed": self.passed,
                "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in self.checks],
                "evidence": self.evidence.as_dict()}


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} ms"


def _latency(evidence: Evidence, rules: GateRules) -> Check:
    new, old = evidence.p(NEW_PATH, 0.95), evidence.p(OLD_PATH, 0.95)
    if new is None or old is None:
        return Check("latency", True, "latency: no timings of both paths yet (nothing to regress)")
    ratio = evidence.latency_ratio or 0.0
    slower = new - old
    regressed = ratio > rules.max_latency_ratio and slower > rules.latency_floor_ms
    detail = (f"latency: p95 {NEW_PATH} {_ms(new)} vs {OLD_PATH} {_ms(old)} (×{ratio:.2f}, {slower:+.2f} ms); "
              f"a regression is more than ×{rules.max_latency_ratio:g} and more than "
              f"{rules.latency_floor_ms:g} ms slower")
    return Check("latency", not regressed, detail)


def evaluate(evidence: Evidence, rules: GateRules, *, current: Mode, target: Mode,
             total_operations: int | None = None) -> GateVerdict:
    """Judge ``evidence`` for the step ``current`` → ``target`` against ``rules``.

    ``total_operations`` (the domain's routed operations) caps the required number of distinct operations.
    """
    where = " or ".join(evidence.modes) or "a shadow mode"
    since = " since the domain's last flip" if evidence.since is not None else ""
    required_ops = rules.min_operations if total_operations is None else min(rules.min_operations, total_operations)
    covered = len(evidence.operations)
    of_total = f" of {total_operations}" if total_operations is not None else ""
    rate = evidence.error_rate
    checks = (
        Check("calls", evidence.compared >= rules.min_calls,
              f"calls: {evidence.compared} compared in {where}{since}, at least {rules.min_calls} needed"),
        Check("operations", covered >= required_ops,
              f"operations: {covered}{of_total} covered, at least {required_ops} needed"),
        Check("mismatches", evidence.mismatches <= rules.max_mismatches,
              f"mismatches: {evidence.mismatches} unexplained ({evidence.raced} explained as races), "
              f"at most {rules.max_mismatches} allowed"),
        Check("errors", rate <= rules.max_error_rate,
              f"candidate errors: {evidence.candidate_errors} errors and {evidence.timeouts} timeouts "
              f"({rate:.2%}), at most {rules.max_error_rate:.2%} allowed"),
        _latency(evidence, rules),
    )
    return GateVerdict(domain=evidence.domain, current=current, target=target, checks=checks, evidence=evidence)
