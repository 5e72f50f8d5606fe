"""One parity report run: a folder ``<root>/<run>/`` holding five files.

``run.json`` (the run's name, start time, title and meta) is written when the folder is created;
``events.jsonl`` grows as events arrive; ``summary.json``, ``report.md`` and ``report.html`` are written when
the run finishes. The folder is created on the first event (or at once with ``always=True``), so a process
that routes no shadowed call leaves nothing behind.
"""

from __future__ import annotations

import datetime as _dt
import json
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from shim.clock import Clock, SystemClock
from shim.observation import SAMPLED_OUT, Outcome, ParityEvent
from shim.redact import redact
from shim.report.render_html import render_html
from shim.report.render_md import render_markdown
from shim.report.sink import JsonlSink
from shim.report.summary import SummaryCollector

__all__ = ["RUN_FILE", "ReportRun"]

#: The file that names a run folder and its start time (written first, so a crashed run is still dated).
RUN_FILE = "run.json"


class ReportRun:
    """A publisher that writes one report folder (thread-safe)."""

    def __init__(
        self,
        root: str | Path,
        *,
        clock: Clock | None = None,
        title: str = "Parity report",
        meta: Mapping[str, Any] | None = None,
        always: bool = False,
    ) -> None:
        self.root = Path(root)
        self.title = title
        self.meta: dict[str, Any] = dict(meta or {})
        self._clock = clock or SystemClock()
        self._started = self._clock.time()
        self._lock = threading.Lock()
        self._collector = SummaryCollector()
        self._not_implemented: list[str] = []
        self._dir: Path | None = None
        self._sink: JsonlSink | None = None
        if always:
            self._ensure()

    @property
    def run_id(self) -> str:
        """The folder name (UTC start time, with a suffix when that name is taken)."""
        return self._ensure().name

    @property
    def path(self) -> Path | None:
        """The run's folder, once created."""
        return self._dir

    def _sink_for_write(self) -> JsonlSink:
        self._ensure()
        if self._sink is None:  # pragma: no cover - _ensure always sets it
            raise RuntimeError("report folder not created")
        return self._sink

    def _ensure(self) -> Path:
        with self._lock:
            if self._dir is None:
                stamp = _dt.datetime.fromtimestamp(self._started, _dt.UTC).strftime("%Y%m%dT%H%M%SZ")
                self.root.mkdir(parents=True, exist_ok=True)
                for attempt in range(1, 10_000):
                    candidate = self.root / (stamp if attempt == 1 else f"{stamp}-{attempt}")
                    try:
                        candidate.mkdir()
                    except FileExistsError:
                        continue
                    self._dir = candidate
                    break
                else:  # pragma: no cover - ten thousand runs in one second
                    raise FileExistsError(f"no free run folder under {self.root}")
                self._sink = JsonlSink(self._dir / "events.jsonl", cleaned=True)
                info = {"run": self._dir.name, "started": self._started, "created": self._created(),
                        "title": self.title, "meta": redact(self.meta)}
                (self._dir / RUN_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False, default=str) + "\n",
                                                  encoding="utf-8")
            return self._dir

    def _created(self) -> str:
        return _dt.datetime.fromtimestamp(self._started, _dt.UTC).isoformat().replace("+00:00", "Z")

    def declare(self, domains: Iterable[str], *, not_implemented: Iterable[str] = ()) -> None:
        """Domains that get a row even without events, and those listed as not implemented."""
        self._collector.declare(domains)
        self._not_implemented.extend(d for d in not_implemented if d not in self._not_implemented)

    def publish(self, event: ParityEvent) -> None:
        """Count the event and append it to ``events.jsonl`` (calls not sampled are only counted).

        Events arrive cleaned (redacted and trimmed) from the router, which builds every ``ParityEvent``.
        """
        data = event.as_dict()
        if not (event.outcome is Outcome.SKIPPED and event.reason == SAMPLED_OUT):
            self._sink_for_write().write(data)
        else:
            self._ensure()
        with self._lock:
            self._collector.add(data)

    def record_check(self, domain: str, operation: str, check: str, passed: bool, *, detail: str | None = None,
                     ref: str | None = None) -> None:
        """Count an external check of one call (e.g. the oracle's verdict) and log it to ``events.jsonl``."""
        detail = redact(detail)
        self._sink_for_write().write({"event": "check.passed" if passed else "check.failed", "check": check,
                                      "domain": domain, "operation": operation, "ref": ref, "detail": detail})
        with self._lock:
            self._collector.add_check(domain, operation, check, passed, detail=detail, ref=ref)

    def record_demotion(self, demotion: Mapping[str, Any]) -> None:
        """Log an automatic demotion (``flags.demoted``) to ``events.jsonl`` and show it in the report."""
        data = {"event": "flags.demoted", **redact(dict(demotion))}
        self._sink_for_write().write(data)
        with self._lock:
            self._collector.add_demotion(data)

    def summary(self, shim_errors: Mapping[str, int] | None = None) -> dict[str, Any]:
        """The summary as it stands."""
        with self._lock:
            data = self._collector.summary(
                meta={"title": self.title, "run": self._dir.name if self._dir else None, "created": self._created(),
                      "started": self._started, "meta": redact(self.meta)},
                shim_errors=shim_errors,
            )
        data["not_implemented"] = list(self._not_implemented)
        return data

    def finish(self, shim_errors: Mapping[str, int] | None = None) -> Path | None:
        """Write ``summary.json``, ``report.md`` and ``report.html``; return the folder (None if never created)."""
        if self._dir is None:
            return None
        summary = self.summary(shim_errors)
        (self._dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
        (self._dir / "report.md").write_text(render_markdown(summary), encoding="utf-8")
        (self._dir / "report.html").write_text(render_html(summary), encoding="utf-8")
        if self._sink is not None:
            self._sink.close()
        return self._dir
