"""Merge report runs into one new report (``tautulli-db report``).

Every run's ``events.jsonl`` is read again (parity events, external checks, demotions), so counts, latency
percentiles and histograms are those of all calls together, not averages of averages. Calls that were not
sampled are only counted in a run's ``summary.json``; they are carried over from there. The merged report is a
folder ``merged-<UTC time>`` with ``summary.json`` (``"kind": "merged"``, its ``sources``), ``report.md`` and
``report.html``; it has no ``events.jsonl``, so it is never taken for a run itself.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from shim.clock import Clock, SystemClock
from shim.redact import redact
from shim.report.render_html import render_html
from shim.report.render_md import render_markdown
from shim.report.runs import MERGED, RunInfo, read_events
from shim.report.summary import SummaryCollector

__all__ = ["merge_runs"]


def _summary(run: RunInfo) -> dict[str, Any]:
    try:
        data = json.loads((run.path / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _folder(root: Path, stamp: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 10_000):
        candidate = root / (f"merged-{stamp}" if attempt == 1 else f"merged-{stamp}-{attempt}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free folder for a merged report under {root}")  # pragma: no cover


def _sampled_out(collector: SummaryCollector, summary: Mapping[str, Any], logged: Counter[tuple[str, str]]) -> None:
    """Add the calls a run counted as skipped but never logged (not sampled) back as skipped events."""
    for domain in summary.get("domains", []):
        for op in domain.get("operations", []):
            key = (str(domain.get("domain")), str(op.get("operation")))
            for _ in range(max(0, int(op.get("skipped", 0)) - logged[key])):
                collector.add({"event": "candidate.skipped", "domain": key[0], "operation": key[1]})


def merge_runs(runs: Sequence[RunInfo], root: str | Path, *, clock: Clock | None = None,
               title: str = "Parity report: merged runs", meta: Mapping[str, Any] | None = None,
               out: str | Path | None = None) -> Path:
    """Write one report merging ``runs``; return its folder (``out``, or a new ``merged-…`` under ``root``).

    Raises:
        ValueError: no run was given.
    """
    if not runs:
        raise ValueError("no report runs to merge")
    started = (clock or SystemClock()).time()
    moment = _dt.datetime.fromtimestamp(started, _dt.UTC)
    folder = Path(out) if out is not None else _folder(Path(root), moment.strftime("%Y%m%dT%H%M%SZ"))
    folder.mkdir(parents=True, exist_ok=True)
    collector = SummaryCollector()
    shim_errors: Counter[str] = Counter()
    not_implemented: list[str] = []
    sources = []
    for run in runs:
        summary = _summary(run)
        collector.declare(str(d.get("domain")) for d in summary.get("domains", []))
        logged: Counter[tuple[str, str]] = Counter()
        events = 0
        for line in read_events(run):
            events += 1
            if line.get("event") == "candidate.skipped":
                logged[(str(line.get("domain")), str(line.get("operation")))] += 1
            collector.add_line(line)
        _sampled_out(collector, summary, logged)
        shim_errors.update({str(k): int(v) for k, v in (summary.get("shim_errors") or {}).items()})
        not_implemented += [d for d in summary.get("not_implemented") or [] if d not in not_implemented]
        sources.append({"run": run.run_id, "title": run.title, "created": summary.get("created") or _iso(run.started),
                        "events": events, "finished": run.finished})
    created = moment.isoformat().replace("+00:00", "Z")
    data = collector.summary(
        meta={"title": title, "run": folder.name, "created": created, "started": started, "kind": MERGED,
              "meta": redact({"runs": len(runs), **dict(meta or {})})},
        shim_errors=dict(shim_errors),
    )
    data["sources"] = sources
    with_calls = {d["domain"] for d in data["domains"] if d.get("calls")}
    data["not_implemented"] = [d for d in not_implemented if d not in with_calls]
    (folder / "summary.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "report.md").write_text(render_markdown(data), encoding="utf-8")
    (folder / "report.html").write_text(render_html(data), encoding="utf-8")
    return folder


def _iso(epoch: float | None) -> str:
    if epoch is None:
        return ""
    return _dt.datetime.fromtimestamp(epoch, _dt.UTC).isoformat().replace("+00:00", "Z")
