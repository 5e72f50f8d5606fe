"""Frozen records of one routed call: what each path did, how they compared, and the event published.

An :class:`Observation` is one path's run (value or exception, duration, whether it ran out of time); a
:class:`Comparison` is the verdict on two observations; a :class:`ParityEvent` is what leaves the router for
logs and reports, already cleaned (redacted and trimmed). Nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["SAMPLED_OUT", "Comparison", "Observation", "Outcome", "ParityEvent", "Unserialisable"]

#: The reason of a ``candidate.skipped`` event whose call was not sampled.
SAMPLED_OUT = "sampled_out"


class Outcome(StrEnum):
    """What became of one routed call in a shadow mode; the value is the event name."""

    MATCH = "parity.match"
    MISMATCH = "parity.mismatch"
    WRONG_TYPE = "candidate.wrong_type"
    CANDIDATE_ERROR = "candidate.error"
    TIMED_OUT = "candidate.timed_out"
    SHED = "candidate.shed"
    SKIPPED = "candidate.skipped"
    RACED = "parity.raced"
    SHIM_ERROR = "shim.raised"

    @property
    def compared(self) -> bool:
        """True when both paths ran to an answer that was judged (match, mismatch, wrong type, error)."""
        return self in (Outcome.MATCH, Outcome.MISMATCH, Outcome.WRONG_TYPE, Outcome.CANDIDATE_ERROR,
                        Outcome.RACED)

    @property
    def failed(self) -> bool:
        """True for outcomes that count against parity."""
        return self in (Outcome.MISMATCH, Outcome.WRONG_TYPE, Outcome.CANDIDATE_ERROR)


@dataclass(frozen=True, slots=True)
class Unserialisable:
    """Stands in for a result that could not be normalised to JSON (so it cannot be compared)."""

    type_name: str
    error: str


@dataclass(frozen=True, slots=True)
class Observation:
    """One path's run: its value or exception, how long it took, and whether it ran out of time."""

    path: str
    value: Any = None
    error: BaseException | None = None
    duration_ns: int = 0
    timed_out: bool = False
    raced: bool = False

    def unwrap(self) -> Any:
        """The value, or raise the exception the path raised (the same object, unchanged)."""
        if self.error is not None:
            raise self.error
        return self.value

    @property
    def duration_ms(self) -> float:
        """Duration in milliseconds."""
        return self.duration_ns / 1e6


@dataclass(frozen=True, slots=True)
class Comparison:
    """The verdict on an answering and a compared observation."""

    outcome: Outcome
    difference: str | None = None
    tolerances: Mapping[str, int] = field(default_factory=dict)
    answering_rows: int | None = None
    compared_rows: int | None = None


@dataclass(frozen=True, slots=True)
class ParityEvent:
    """What the router publishes about one routed call (cleaned: safe to log and store)."""

    outcome: Outcome
    seq: int
    domain: str
    operation: str
    mode: str
    answering: str
    compared: str | None
    aa: bool = False
    threaded: bool = False
    order: str | None = None
    ordered: bool | None = None
    arguments: Mapping[str, Any] = field(default_factory=dict)
    answering_ns: int | None = None
    compared_ns: int | None = None
    answering_rows: int | None = None
    compared_rows: int | None = None
    difference: str | None = None
    tolerances: Mapping[str, int] = field(default_factory=dict)
    answering_error: str | None = None
    compared_error: str | None = None
    reason: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    verification: str | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def event(self) -> str:
        """The event name (``parity.match`` …)."""
        return self.outcome.value

    @property
    def key(self) -> str:
        """``domain.operation``."""
        return f"{self.domain}.{self.operation}"

    def fields(self) -> dict[str, Any]:
        """Key/values of the event (None and empty mappings left out), durations in milliseconds."""
        data: dict[str, Any] = {
            "seq": self.seq, "domain": self.domain, "operation": self.operation, "mode": self.mode,
            "answering": self.answering, "compared": self.compared, "aa": self.aa, "threaded": self.threaded,
            "order": self.order, "ordered": self.ordered, "arguments": dict(self.arguments),
            "answering_ms": _ms(self.answering_ns), "compared_ms": _ms(self.compared_ns),
            "answering_rows": self.answering_rows, "compared_rows": self.compared_rows,
            "difference": self.difference, "tolerances": dict(self.tolerances),
            "answering_error": self.answering_error, "compared_error": self.compared_error,
            "reason": self.reason, "context": dict(self.context), "verification": self.verification,
            "changes": dict(self.changes),
        }
        return {k: v for k, v in data.items() if v is not None and v != {}}

    def as_dict(self) -> dict[str, Any]:
        """The event as one JSON object (``event`` first), as written to ``events.jsonl``."""
        return {"event": self.event, **self.fields()}


def _ms(ns: int | None) -> float | None:
    return None if ns is None else round(ns / 1e6, 4)
