"""``report``: merge parity report runs into one new report (summary.json, report.md, report.html)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plexpy import config
from shim.clock import Clock
from shim.report.merge import merge_runs
from shim.report.runs import RunInfo, discover, resolve

__all__ = ["ReportResult", "report"]


@dataclass(frozen=True, slots=True)
class ReportResult:
    """The merged report: its folder, the runs it combines and its summary."""

    folder: Path
    runs: tuple[RunInfo, ...]
    summary: dict[str, Any]

    @property
    def html(self) -> Path:
        """``report.html``."""
        return self.folder / "report.html"

    @property
    def markdown(self) -> Path:
        """``report.md``."""
        return self.folder / "report.md"


def report(settings: config.Settings, runs: Sequence[str | Path] = (), *, report_dir: Path | None = None,
           out: Path | None = None, clock: Clock | None = None) -> ReportResult:
    """Merge ``runs`` (folders, or run names under the report folder; default: every run there) into a new report.

    Raises:
        FileNotFoundError: a named run does not exist, or there is no run at all.
    """
    root = Path(report_dir or settings.shim.report_dir)
    chosen = resolve(root, runs) if runs else discover(root)
    if not chosen:
        raise FileNotFoundError(
            f"no parity report runs under {root}: run `tautulli-db verify` or `tautulli-db replay calls --mode "
            "shadow` first, or name run folders"
        )
    modes = {d: m.value for d, m in settings.shim.backends.items() if m.value != "legacy"}
    meta = {"report folder": str(root), "modes now": ", ".join(f"{d}={m}" for d, m in modes.items()) or "all legacy"}
    folder = merge_runs(chosen, root, clock=clock, meta=meta, out=out)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return ReportResult(folder=folder, runs=tuple(chosen), summary=summary)
