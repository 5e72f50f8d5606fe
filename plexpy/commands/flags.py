"""``flags`` and ``flip``: every domain's mode with its evidence, and the evidence-gated move of one domain.

Evidence comes from the parity report runs under the report folder (``shim.report.runs``), judged by the gate
(``shim.gate``) with the rules of ``settings.shim.gate``. A flip is written to ``config.ini`` atomically
(``plexpy.config.write_backends``) and recorded in the flip history (``shim.flags.FlipHistory``), a JSON-lines
file beside config.ini unless the ``flip_history`` setting names another.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plexpy import config
from plexpy.domains import DOMAINS
from shim.clock import Clock, SystemClock
from shim.errors import ConfigError, GateNotMet
from shim.flags import FlipHistory, rank
from shim.gate import Evidence, GateVerdict, evaluate, evidence_modes, plan
from shim.modes import Mode
from shim.report.runs import discover, read_events

__all__ = ["HISTORY_FILE", "DomainFlags", "FlagsResult", "FlipRefused", "FlipResult", "flags", "flip",
           "gather_evidence", "history_path", "operations_of", "os_user", "persist_demotion"]

HISTORY_FILE = config.HISTORY_FILE
history_path = config.flip_history_path
persist_demotion = config.demotion_recorder


class FlipRefused(GateNotMet):
    """The gate refused a flip; ``verdict`` holds every rule, measured (None for a refused jump)."""

    def __init__(self, domain: str, missing: list[str], verdict: GateVerdict | None = None) -> None:
        super().__init__(domain, missing)
        self.verdict = verdict


def operations_of(domain: str) -> tuple[str, ...]:
    """The routed operations of ``domain`` (its contract's ``OPERATIONS``; empty if it has none yet)."""
    try:
        module = importlib.import_module(f"plexpy.domains.{domain}.contract")
    except ModuleNotFoundError:
        return ()
    return tuple(getattr(module, "OPERATIONS", {}))


def os_user() -> str:
    """The operating-system user running this command (recorded with every flip)."""
    try:
        import pwd  # noqa: PLC0415 - POSIX only

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):
        try:
            return getpass.getuser()
        except (ImportError, KeyError, OSError):
            return "unknown"


def _iso(epoch: float) -> str:
    return _dt.datetime.fromtimestamp(epoch, _dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _since(history: FlipHistory, domain: str) -> float | None:
    last = history.last_change(domain)
    epoch = None if last is None else last.get("epoch")
    return float(epoch) if isinstance(epoch, (int, float)) else None


def gather_evidence(settings: config.Settings, modes: Mapping[str, Mode],
                    report_dir: Path | None = None) -> dict[str, Evidence]:
    """Each domain's evidence for its next step: one pass over every run's events under the report folder."""
    history = FlipHistory(history_path(settings))
    evidence = {d: Evidence(domain=d, modes=evidence_modes(m), since=_since(history, d)) for d, m in modes.items()}
    for run in discover(report_dir or settings.shim.report_dir):
        wanted = {d: e for d, e in evidence.items()
                  if e.since is None or (run.started is not None and run.started >= e.since)}
        if not wanted:
            continue
        for event in read_events(run):
            target = wanted.get(str(event.get("domain")))
            if target is not None:
                target.add(event, run.run_id)
    return evidence


@dataclass(frozen=True, slots=True)
class DomainFlags:
    """One domain in ``tautulli-db flags``."""

    domain: str
    mode: Mode
    source: str
    evidence: Evidence
    verdict: GateVerdict | None
    operations: int
    last_change: Mapping[str, Any] | None

    @property
    def next(self) -> Mode | None:
        """The mode a flip would move it to."""
        return self.mode.next()

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON."""
        return {"domain": self.domain, "mode": self.mode.value, "source": self.source,
                "next": self.next.value if self.next else None, "operations": self.operations,
                "evidence": self.evidence.as_dict(), "gate": self.verdict.as_dict() if self.verdict else None,
                "last_change": dict(self.last_change) if self.last_change else None}


@dataclass(frozen=True, slots=True)
class FlagsResult:
    """Every domain's mode, source and evidence, and where they were read from."""

    config_path: Path | None
    report_dir: Path
    history: Path
    domains: tuple[DomainFlags, ...]


def flags(settings: config.Settings, *, report_dir: Path | None = None) -> FlagsResult:
    """Every domain's mode, where it came from, its evidence so far and the gate's verdict on its next step."""
    modes = dict(settings.shim.backends)
    evidence = gather_evidence(settings, modes, report_dir)
    history = FlipHistory(history_path(settings))
    rows = []
    for domain in DOMAINS:
        mode = modes[domain]
        total = len(operations_of(domain)) or None
        following = mode.next()
        verdict = None if following is None else evaluate(
            evidence[domain], settings.shim.gate, current=mode, target=following, total_operations=total)
        rows.append(DomainFlags(domain, mode, settings.shim.sources.get(domain, "default"), evidence[domain], verdict,
                                total or 0, history.last_change(domain)))
    return FlagsResult(settings.config_path, report_dir or settings.shim.report_dir, history.path, tuple(rows))


@dataclass(frozen=True, slots=True)
class FlipResult:
    """What a flip did."""

    domain: str
    before: Mode
    after: Mode
    direction: str
    forced: bool
    verdict: GateVerdict | None
    config_path: Path
    created_config: bool
    effective: Mode
    masked_by: str | None
    entry: Mapping[str, Any] | None


def flip(settings: config.Settings, domain: str, *, to: Mode | str | None = None, force: bool = False,
         reason: str | None = None, user: str | None = None, clock: Clock | None = None,
         environ: Mapping[str, str] | None = None) -> FlipResult:
    """Move ``domain`` one step forward when its evidence meets the gate (or back, always) and record it.

    Args:
        settings: loaded from the config.ini to write (``settings.config_path``).
        domain: the domain to move.
        to: the target mode (default: the next one). Forward moves go one step at a time.
        force: move forward although the gate is not met (needs ``reason``); recorded as an override.
        reason: why (required with ``force``, recorded for every flip).
        user: who (default: the OS user).
        clock: the clock of the history entry.
        environ: the environment used to tell whether an override masks the new value (default: the process's).

    Raises:
        FlipRefused: the gate is not met (or a forward jump of more than one step was asked) without ``force``.
        ConfigError: no config.ini path, unknown domain or mode, ``force`` without ``reason``.
    """
    if domain not in DOMAINS:
        raise ConfigError(f"unknown domain {domain!r}; valid domains: {', '.join(DOMAINS)}")
    if settings.config_path is None:
        raise ConfigError("flip writes config.ini: pass --config FILE (or set TAUTULLI_CONFIG)")
    if force and not (reason or "").strip():
        raise ConfigError("--force needs --reason: the flip history records who overrode the gate and why")
    current = settings.shim.backends[domain]
    try:
        target, direction = plan(current, Mode.parse(str(to)) if to is not None else None)
    except ValueError as exc:
        raise ConfigError(f"{domain}: {exc}") from exc
    if direction == "none":
        return FlipResult(domain, current, current, "none", False, None, settings.config_path, False, current,
                          None, None)
    verdict = None
    if direction == "forward":
        following = current.next() or target
        verdict = evaluate(gather_evidence(settings, {domain: current})[domain], settings.shim.gate, current=current,
                           target=following, total_operations=len(operations_of(domain)) or None)
        if rank(target) - rank(current) > 1 and not force:
            raise FlipRefused(domain, [f"one step at a time: {current.value} → {following.value} first"], verdict)
        if not verdict.passed and not force:
            raise FlipRefused(domain, verdict.missing, verdict)
    created = config.write_backends(settings.config_path, {domain: target})
    reloaded = config.load(settings.config_path, environ)
    source = reloaded.shim.sources.get(domain, "default")
    effective = reloaded.shim.backends[domain]
    masked_by = source.removeprefix("environment ") if source.startswith("environment") else None
    now = (clock or SystemClock()).time()
    jumped = rank(target) - rank(current) > 1
    forced = direction == "forward" and force and (jumped or verdict is None or not verdict.passed)
    entry = FlipHistory(history_path(settings)).append({
        "at": _iso(now), "epoch": now, "domain": domain, "from": current.value, "to": target.value,
        "kind": "rollback" if direction == "back" else "forced" if forced else "flip",
        "user": user or os_user(), "reason": reason, "config": str(settings.config_path),
        "gate": None if verdict is None else {"passed": verdict.passed, "missing": verdict.missing,
                                              "evidence": verdict.evidence.as_dict()},
        "masked_by": masked_by,
    })
    return FlipResult(domain, current, target, direction, forced, verdict, settings.config_path, created, effective,
                      masked_by, entry)
