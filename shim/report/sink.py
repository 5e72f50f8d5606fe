"""Where parity events go: the structured log (one canonical line per routed call) and ``events.jsonl``.

Events arrive cleaned (redacted and trimmed) from the router; the sinks redact again on the way out, so a
publisher fed by something else cannot leak either.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

import structlog

from shim.observation import Outcome, ParityEvent
from shim.redact import redact

__all__ = ["JsonlSink", "LogPublisher", "Publisher"]

_LEVELS: dict[Outcome, str] = {
    Outcome.MATCH: "info",
    Outcome.SKIPPED: "debug",
    Outcome.SHED: "warning",
    Outcome.TIMED_OUT: "warning",
    Outcome.RACED: "warning",
    Outcome.MISMATCH: "warning",
    Outcome.WRONG_TYPE: "warning",
    Outcome.CANDIDATE_ERROR: "warning",
    Outcome.SHIM_ERROR: "error",
}


@runtime_checkable
class Publisher(Protocol):
    """Receives every parity event the router publishes."""

    def publish(self, event: ParityEvent) -> None:
        """Take one event (must be quick: it may run on the caller's thread)."""
        ...


class LogPublisher:
    """One structlog line per event: the event name, then key/values (never a sentence)."""

    def __init__(self, logger: Any = None) -> None:
        self._log = logger if logger is not None else structlog.get_logger("shim.parity")

    def publish(self, event: ParityEvent) -> None:
        """Log the event at a level that fits its outcome (nothing is built when that level is filtered out)."""
        level = _LEVELS.get(event.outcome, "info")
        logger = self._log.bind()
        enabled = getattr(logger, "is_enabled_for", None)
        if enabled is not None and not enabled(logging.getLevelName(level.upper())):
            return
        fields = event.fields()
        context = fields.pop("context", {})
        for key, value in context.items():
            fields.setdefault(key, value)
        getattr(logger, level)(event.event, **fields)


class JsonlSink:
    """Appends one JSON object per event to a file (opened lazily, flushed per line, thread-safe).

    Objects are redacted on the way in unless ``cleaned=True`` says the writer already cleaned them (the
    router cleans every event it builds).
    """

    def __init__(self, path: Path, *, cleaned: bool = False) -> None:
        self.path = Path(path)
        self.cleaned = cleaned
        self._lock = threading.Lock()
        self._handle: IO[str] | None = None
        self.written = 0

    def write(self, data: dict[str, Any]) -> None:
        """Append one object."""
        line = json.dumps(data if self.cleaned else redact(data), ensure_ascii=False, default=str)
        with self._lock:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("a", encoding="utf-8")
            self._handle.write(line + "\n")
            self._handle.flush()
            self.written += 1

    def publish(self, event: ParityEvent) -> None:
        """Append the event."""
        self.write(event.as_dict())

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
