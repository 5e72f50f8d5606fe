"""Finding and reading the report runs under a report folder.

A run is a folder holding ``events.jsonl`` (the source of truth) and, once finished, ``summary.json``. Its
start time comes from ``run.json`` (written when the folder is created), else ``summary.json``, else the
folder's name (``20260115T120000Z``). Merged reports (``summary.json`` with ``"kind": "merged"``) are not runs:
they are skipped, so merging twice or gathering evidence never counts an event twice.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["EVENTS_FILE", "MERGED", "RunInfo", "discover", "read_events", "resolve"]

EVENTS_FILE = "events.jsonl"
#: ``summary.json``'s ``kind`` for a report merged from runs.
MERGED = "merged"


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One run folder: its name, when it started (epoch seconds, None if unknown), its title and meta."""

    path: Path
    run_id: str
    started: float | None
    title: str
    meta: dict[str, Any]
    finished: bool

    @property
    def events(self) -> Path:
        """Its ``events.jsonl``."""
        return self.path / EVENTS_FILE


def _json(path: Path) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    return {}


def _stamp(name: str) -> float | None:
    with contextlib.suppress(ValueError):
        moment = _dt.datetime.strptime(name.split("-", 1)[0], "%Y%m%dT%H%M%SZ").replace(tzinfo=_dt.UTC)
        return moment.timestamp()
    return None


def load(path: Path) -> RunInfo | None:
    """The run in folder ``path``, or None when it is not a run (no events, or a merged report)."""
    summary = _json(path / "summary.json")
    if summary.get("kind") == MERGED or not (path / EVENTS_FILE).exists():
        return None
    info = _json(path / "run.json")
    started = info.get("started", summary.get("started"))
    if not isinstance(started, (int, float)):
        started = _stamp(path.name)
    return RunInfo(path=path, run_id=path.name, started=None if started is None else float(started),
                   title=str(info.get("title") or summary.get("title") or "Parity report"),
                   meta=dict(info.get("meta") or summary.get("meta") or {}), finished=bool(summary))


def discover(root: str | Path) -> list[RunInfo]:
    """Every run directly under ``root``, oldest first (a missing folder has none)."""
    folder = Path(root)
    if not folder.is_dir():
        return []
    runs = [run for child in folder.iterdir() if child.is_dir() and (run := load(child)) is not None]
    return sorted(runs, key=lambda r: (r.started if r.started is not None else 0.0, r.run_id))


def resolve(root: str | Path, names: Iterable[str | Path]) -> list[RunInfo]:
    """The runs named by path or by folder name under ``root``.

    Raises:
        FileNotFoundError: a name is neither a run folder nor the name of one under ``root``.
    """
    runs = []
    for name in names:
        candidate = Path(name)
        if not candidate.is_dir():
            candidate = Path(root) / str(name)
        run = load(candidate) if candidate.is_dir() else None
        if run is None:
            raise FileNotFoundError(f"{name}: not a report run (a folder with {EVENTS_FILE}) here or under {root}")
        runs.append(run)
    return runs


def read_events(run: RunInfo) -> Iterator[dict[str, Any]]:
    """The lines of a run's ``events.jsonl`` (a torn or malformed line, e.g. of a run still writing, is skipped)."""
    with contextlib.suppress(FileNotFoundError), run.events.open(encoding="utf-8") as handle:
        for line in handle:
            with contextlib.suppress(ValueError):
                data = json.loads(line)
                if isinstance(data, dict):
                    yield data
