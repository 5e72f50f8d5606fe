"""Replay a recorded script of Tautulli write calls and compare every return value and the final database.

Each step runs in order on a copy of the recorded database at its own clock, zone and config; ``Export``
steps build ``Export(**init)`` and set ``attrs`` before the call; files a step names (``import_source.db``)
are copied from beside the script first, since Tautulli deletes what it imports. :func:`measure_write_overhead`
times the script on ``legacy`` and in a comparing mode, alternately, for the cost of write verification.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plexpy import bootstrap, config, runtime
from plexpy.commands.replay import RecordResult, judge, load_records, record_context, resolve_target
from plexpy.db.state import StateDifference, compare_state, dump_state

__all__ = ["WriteOverhead", "WritesResult", "measure_write_overhead", "replay_writes"]

#: Keyword arguments that name a file beside the script (copied into the work folder first).
_FILE_ARGUMENTS = ("database",)


@dataclass(slots=True)
class WritesResult:
    """Every step's verdict and the final-state comparison."""

    steps: list[RecordResult]
    state_differences: list[StateDifference] = field(default_factory=list)
    backend: str = "legacy"
    mode: str | None = None
    report_dir: Path | None = None
    parity: dict[str, Any] | None = None

    @property
    def parity_failures(self) -> int:
        """Compared writes that did not match (shadow modes), from the parity report's totals."""
        if not self.parity:
            return 0
        totals = self.parity.get("totals", {})
        return sum(int(totals.get(k, 0)) for k in ("mismatches", "wrong_type", "candidate_errors", "shim_errors",
                                                  "timeouts"))

    @property
    def passed(self) -> int:
        """Steps whose return value matched, plus the final state when it matched."""
        return sum(s.passed for s in self.steps) + (0 if self.state_differences else 1)

    @property
    def failed(self) -> int:
        """Steps that did not match, plus the final state when it differed."""
        return sum(not s.passed for s in self.steps) + (1 if self.state_differences else 0)


def _call_step(step: Mapping[str, Any], workdir: Path, script_dir: Path) -> Any:
    kwargs = dict(step.get("kwargs") or {})
    for key in _FILE_ARGUMENTS:
        value = kwargs.get(key)
        if isinstance(value, str) and value and not Path(value).is_absolute() and (script_dir / value).exists():
            copy = workdir / f"step{step.get('step')}-{Path(value).name}"
            shutil.copy2(script_dir / value, copy)
            kwargs[key] = str(copy)
    target = str(step["target"])
    if "init" in step or "attrs" in step:
        module_name, _, path = target.partition(":")
        class_name, _, method = path.partition(".")
        cls = resolve_target(f"{module_name}:{class_name}")
        obj = cls(**dict(step.get("init") or {}))
        for name, value in (step.get("attrs") or {}).items():
            setattr(obj, name, value)
        return getattr(obj, method)(**kwargs)
    return resolve_target(target)(**kwargs)


def _replay_step(step: Mapping[str, Any], workdir: Path, script_dir: Path) -> RecordResult:
    base = {"id": str(step.get("id")), "domain": str(step.get("domain") or "writes"), "target": str(step["target"])}
    try:
        resolve_target(str(step["target"]).rsplit(".", 1)[0] if "init" in step else str(step["target"]))
    except LookupError as exc:
        return RecordResult(**base, passed=False, difference=f"not implemented: {exc}", seconds=0.0)
    outcome: Any = None
    error: BaseException | None = None
    with record_context(step, workdir):
        started = time.perf_counter()
        try:
            outcome = _call_step(step, workdir, script_dir)
        except Exception as exc:
            error = exc
        seconds = time.perf_counter() - started
        difference, tolerances = judge({**step, "ordered": True}, outcome, error)
    return RecordResult(**base, passed=difference is None, difference=difference, seconds=seconds,
                        tolerances=dict(tolerances))


def replay_steps(steps: Sequence[Mapping[str, Any]], workdir: Path, script_dir: Path,
                 progress: Callable[[RecordResult], None] | None = None) -> list[RecordResult]:
    """Run each step in order in the current runtime, reporting each result to ``progress``."""
    results = []
    for step in steps:
        result = _replay_step(step, workdir, script_dir)
        results.append(result)
        if progress is not None:
            progress(result)
    return results


def replay_writes(
    writes: str | Path,
    db: str | Path,
    final_state: str | Path | None = None,
    *,
    backend: str = "legacy",
    mode: str | None = None,
    router_factory: Callable[[config.Settings], Any] | None = None,
    stop_after: int | None = None,
    progress: Callable[[RecordResult], None] | None = None,
    report_dir: str | Path | None = None,
    candidate_timeout: float | None = 120.0,
) -> WritesResult:
    """Run the write script on a copy of ``db`` and compare return values and the final state.

    Args:
        writes: the JSON-lines write script.
        db: the database the script starts from (never modified).
        final_state: the recorded final state (``final_state.json``); None skips that comparison.
        backend: which path applies every write (``legacy`` or ``sqlalchemy``).
        mode: a routing mode for every domain instead of ``backend``.
        router_factory: builds the router from settings (the shim's router in shadow modes).
        stop_after: run only the first N steps (the final state is then not compared).
        progress: called after each step.
        report_dir: folder of parity report runs (shadow modes).
        candidate_timeout: seconds the compared path of a write may take (generous: a conformance run should
            not lose a verification to a busy machine; a scratch-verified write copies the whole database).
    """
    script_dir = Path(writes).resolve().parent
    steps: Sequence[Mapping[str, Any]] = load_records(writes)
    if stop_after is not None:
        steps = steps[:stop_after]
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tautulli-db-writes-")))
        copy = workdir / "tautulli.db"
        shutil.copy2(db, copy)
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{copy}", "data_dir": str(workdir), "timezone": "UTC",
            "backends": {"default": mode or backend},
            **({"report_dir": str(report_dir)} if report_dir is not None else {}),
            "candidate_timeout": candidate_timeout,
        })
        if router_factory is not None:
            router = router_factory(settings)
        else:
            meta = {"database": f"a copy of {Path(db).name}", "steps": len(steps), "script": Path(writes).name}
            router = bootstrap.build_router(settings, always_report=True, report_meta=meta,
                                            report_title="Parity report: replay of recorded writes")
        rt = bootstrap.build(settings, router=router)
        stack.callback(rt.close)
        stack.enter_context(runtime.use(rt))
        results = replay_steps(steps, workdir, script_dir, progress)
        differences: list[StateDifference] = []
        if final_state is not None and stop_after is None:
            expected = json.loads(Path(final_state).read_text(encoding="utf-8"))
            differences = compare_state(expected, dump_state(rt.engine, list(expected)))
        report_dir = getattr(router, "finish", lambda: None)()
    parity = None
    if report_dir is not None and (Path(report_dir) / "summary.json").exists():
        parity = json.loads((Path(report_dir) / "summary.json").read_text(encoding="utf-8"))
    return WritesResult(steps=results, state_differences=differences, backend=backend, mode=mode,
                        report_dir=report_dir, parity=parity)


@dataclass(frozen=True, slots=True)
class WriteOverhead:
    """Per-step timings of the write script on ``legacy`` and in a comparing mode, from interleaved runs."""

    mode: str
    rounds: int
    legacy: list[float]
    compared: list[float]
    failed: int
    capture_ms: dict[str, list[float]] = field(default_factory=dict)

    def capture_median_ms(self, method: str) -> float | None:
        """Median time one verified write spent capturing changes (both paths), by method, or None."""
        found = self.capture_ms.get(method)
        return statistics.median(found) if found else None

    @property
    def legacy_median_ms(self) -> float:
        """Median step time on ``legacy`` (ms)."""
        return statistics.median(self.legacy) * 1000

    @property
    def compared_median_ms(self) -> float:
        """Median step time in the comparing mode (ms)."""
        return statistics.median(self.compared) * 1000

    @property
    def added_median_ms(self) -> float:
        """Median of what each step costs more in the comparing mode (ms)."""
        return statistics.median(c - b for b, c in zip(self.legacy, self.compared, strict=True)) * 1000

    @property
    def ratio_median(self) -> float:
        """Median of the per-step ratio comparing mode / legacy."""
        return statistics.median(c / b for b, c in zip(self.legacy, self.compared, strict=True) if b > 0)


def measure_write_overhead(
    writes: str | Path,
    db: str | Path,
    final_state: str | Path | None = None,
    *,
    mode: str = "shadow",
    rounds: int = 1,
    report_dir: str | Path | None = None,
) -> WriteOverhead:
    """Replay the script on ``legacy`` and in ``mode`` alternately, ``rounds`` times each; time every step.

    Each step's time is its median over the rounds; the runs alternate so that a busy machine slows both.
    ``failed`` counts failing steps (and final states) over all runs: the figures mean little unless it is 0.
    """
    timings: dict[str, list[list[float]]] = {"legacy": [], mode: []}
    capture: dict[str, list[float]] = {}
    failed = 0
    for _ in range(max(1, rounds)):
        for current in ("legacy", mode):
            result = replay_writes(writes, db, final_state, backend="legacy",
                                   mode=None if current == "legacy" else current, report_dir=report_dir)
            failed += result.failed + result.parity_failures
            timings[current].append([step.seconds for step in result.steps])
            if result.report_dir is not None:
                for method, spent in _capture_times(Path(result.report_dir) / "events.jsonl"):
                    capture.setdefault(method, []).append(spent)

    def per_step(runs: list[list[float]]) -> list[float]:
        return [statistics.median(values) for values in zip(*runs, strict=True)]

    return WriteOverhead(mode=mode, rounds=max(1, rounds), legacy=per_step(timings["legacy"]),
                         compared=per_step(timings[mode]), failed=failed, capture_ms=capture)


def _capture_times(events: Path) -> list[tuple[str, float]]:
    """``(method, ms)`` of every verified write in a parity run: both paths' capture time added."""
    found = []
    if not events.exists():
        return found
    for line in events.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        changes = event.get("changes") or {}
        spent = [side.get("capture_ms") for side in changes.values() if isinstance(side, dict)]
        if event.get("verification") and spent and all(isinstance(v, int | float) for v in spent):
            found.append((str(event["verification"]), float(sum(spent))))
    return found
